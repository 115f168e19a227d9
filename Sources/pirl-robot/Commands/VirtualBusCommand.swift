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

        @OptionGroup(title: "Faults")
        var faults: BusFaultOptions

        @Option(name: .customLong("max-speed"), help: "Top motor speed in ticks per second.")
        var maxSpeed: Double = VirtualMotionModel().maxSpeedTicksPerSecond

        @Option(help: "Start the arm calibrated as this LeRobot calibration file says, every joint mid-range.")
        var calibration: String?

        func validate() throws {
            guard RobotSpec.named(robot) != nil else {
                throw ValidationError("unknown robot '\(robot)'; choose one of: \(RobotSpec.all.map(\.name).joined(separator: ", ")).")
            }
            if maxSpeed <= 0 { throw ValidationError("--max-speed must be > 0 ticks per second, got \(maxSpeed).") }
        }

        func run() throws {
            let spec = RobotSpec.named(robot)!
            // Loaded here rather than in validate(): a bad file is then one line, without the usage text.
            let calibrated = try calibration.map { file throws(CalibrationError) in try Calibration.load(from: file, robot: spec) }
            var options = try faults.busOptions(seed: seed, linkPath: link)
            options.motion = VirtualMotionModel(maxSpeedTicksPerSecond: maxSpeed)
            options.calibration = calibrated

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
