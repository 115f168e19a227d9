import ArgumentParser
import RobotIO
#if canImport(Glibc)
import Glibc
#endif

extension PirlRobot {
    /// `pirl-robot virtual-bus`: serves an emulated robot on a pseudo-terminal until SIGINT/SIGTERM.
    struct VirtualBus: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "virtual-bus",
            abstract: "Emulate a robot's servo bus on a pseudo-terminal.",
            discussion: """
                Prints `virtual-bus: ROBOT on /dev/pts/N` (with `(link PATH)` when --link is given) as \
                the first line of stdout, then answers Feetech or Dynamixel 2.0 packets on that pty \
                until interrupted. Clients open the pty (or the link) like a USB-serial adapter at \
                the robot's baud rate (1,000,000). With --calibration FILE the arm starts as that \
                calibration leaves it (homing offsets and limits in EEPROM, every joint mid-range), so \
                `run --calibration FILE` accepts it at once.
                """)

        @Option(help: "Robot to emulate: \(RobotSpec.all.map(\.name).joined(separator: ", ")).")
        var robot: String

        @Option(help: "Create a symlink to the pty at this path (removed on exit).")
        var link: String?

        @Option(help: "Seed of the fault generator.")
        var seed: UInt64 = 1

        @Option(name: .customLong("drop-replies"), help: "Fraction (0…1) of replies never sent.")
        var dropReplies: Double = 0

        @Option(name: .customLong("corrupt-replies"), help: "Fraction (0…1) of replies sent with a bad checksum.")
        var corruptReplies: Double = 0

        @Option(name: .customLong("error-bits"), parsing: .singleValue,
                help: "ID=BITS: OR BITS (decimal or 0x hex) into every reply of motor ID; repeatable.")
        var errorBits: [String] = []

        @Option(name: .customLong("vanish-after"), help: "Stop answering altogether after this many seconds.")
        var vanishAfter: Double?

        @Option(name: .customLong("silent-id"), parsing: .singleValue,
                help: "A motor ID that behaves as unplugged; repeatable.")
        var silentIDs: [MotorID] = []

        @Option(name: .customLong("return-delay-us"), help: "Use this return delay (µs) for every motor.")
        var returnDelayMicroseconds: Int?

        @Option(name: .customLong("max-speed"), help: "Top motor speed in ticks per second.")
        var maxSpeed: Double = VirtualMotionModel().maxSpeedTicksPerSecond

        @Flag(name: .customLong("ignore-baud"), help: "Answer at any baud rate the client sets.")
        var ignoreBaud = false

        @Option(help: "Start the arm calibrated as this LeRobot calibration file says, every joint mid-range.")
        var calibration: String?

        func validate() throws {
            guard RobotSpec.named(robot) != nil else {
                throw ValidationError("unknown robot '\(robot)'; choose one of: \(RobotSpec.all.map(\.name).joined(separator: ", ")).")
            }
            for (name, value) in [("--drop-replies", dropReplies), ("--corrupt-replies", corruptReplies)]
            where !(0...1).contains(value) {
                throw ValidationError("\(name) must be a fraction between 0 and 1, got \(value).")
            }
            if maxSpeed <= 0 { throw ValidationError("--max-speed must be > 0 ticks per second, got \(maxSpeed).") }
            if let vanishAfter, vanishAfter < 0 { throw ValidationError("--vanish-after must be ≥ 0, got \(vanishAfter).") }
            _ = try parsedErrorBits()
        }

        /// Parses `ID=BITS` pairs such as `3=0x20`.
        func parsedErrorBits() throws -> [MotorID: UInt8] {
            var result: [MotorID: UInt8] = [:]
            for item in errorBits {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                let bits = parts.count == 2
                    ? (parts[1].hasPrefix("0x") ? UInt8(parts[1].dropFirst(2), radix: 16) : UInt8(parts[1])) : nil
                guard parts.count == 2, let id = MotorID(parts[0]), let bits else {
                    throw ValidationError("--error-bits expects ID=BITS such as 3=0x20, got '\(item)'.")
                }
                result[id] = bits
            }
            return result
        }

        func run() throws {
            let spec = RobotSpec.named(robot)!
            let faults = VirtualBusFaults(
                dropReplyProbability: dropReplies, corruptChecksumProbability: corruptReplies,
                errorBits: try parsedErrorBits(), vanishAfterSeconds: vanishAfter, silentIDs: Set(silentIDs))
            // Loaded here rather than in validate(): a bad file is then one line, without the usage text.
            let calibrated = try calibration.map { file throws(CalibrationError) in try Calibration.load(from: file, robot: spec) }
            let options = VirtualBusOptions(
                seed: seed, faults: faults, motion: VirtualMotionModel(maxSpeedTicksPerSecond: maxSpeed), linkPath: link,
                returnDelayOverrideMicroseconds: returnDelayMicroseconds, checkBaudRate: !ignoreBaud, calibration: calibrated)

            // Block the signals before the serving thread exists so it inherits the mask
            // and only sigwait below receives them.
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigaddset(&signals, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &signals, nil)

            let bus = try VirtualServoBus(robot: spec, options: options)
            try bus.start()
            let linkNote = bus.linkPath.map { " (link \($0))" } ?? ""
            print("virtual-bus: \(spec.name) on \(bus.path)\(linkNote)")
            fflush(nil)  // all streams: tests parse this line through a pipe

            var received: Int32 = 0
            sigwait(&signals, &received)
            bus.stop()
            let stats = bus.statistics
            print("virtual-bus: stopped: \(stats.packetsReceived) packets, \(stats.repliesSent) replies sent, "
                + "\(stats.repliesDropped) dropped, \(stats.repliesCorrupted) corrupted")
        }
    }
}
