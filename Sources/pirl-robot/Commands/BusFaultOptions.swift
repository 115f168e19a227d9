import ArgumentParser
import RobotIO

/// The fault flags of an emulated servo bus, shared by `virtual-bus` and `sim serve`.
struct BusFaultOptions: ParsableArguments {
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

    @Option(name: .customLong("faults-after"),
            help: "Apply --drop-replies, --corrupt-replies, --error-bits and --silent-id only this many seconds after start.")
    var faultsAfter: Double?

    @Option(name: .customLong("return-delay-us"), help: "Use this return delay (µs) for every motor.")
    var returnDelayMicroseconds: Int?

    @Flag(name: .customLong("ignore-baud"), help: "Answer at any baud rate the client sets.")
    var ignoreBaud = false

    func validate() throws {
        for (name, value) in [("--drop-replies", dropReplies), ("--corrupt-replies", corruptReplies)]
        where !(0...1).contains(value) {
            throw ValidationError("\(name) must be a fraction between 0 and 1, got \(value).")
        }
        if let vanishAfter, vanishAfter < 0 { throw ValidationError("--vanish-after must be ≥ 0, got \(vanishAfter).") }
        if let faultsAfter, faultsAfter < 0 { throw ValidationError("--faults-after must be ≥ 0, got \(faultsAfter).") }
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

    /// The faults these flags ask for.
    func faults() throws -> VirtualBusFaults {
        VirtualBusFaults(dropReplyProbability: dropReplies, corruptChecksumProbability: corruptReplies,
                         errorBits: try parsedErrorBits(), vanishAfterSeconds: vanishAfter, silentIDs: Set(silentIDs),
                         delaySeconds: faultsAfter)
    }

    /// Bus options with these faults, return delay and baud-rate check; the rest as `VirtualBusOptions` defaults.
    func busOptions(seed: UInt64, linkPath: String?) throws -> VirtualBusOptions {
        VirtualBusOptions(seed: seed, faults: try faults(), linkPath: linkPath,
                          returnDelayOverrideMicroseconds: returnDelayMicroseconds, checkBaudRate: !ignoreBaud)
    }

    /// True when any fault is asked for (for the banner).
    var anyFault: Bool {
        dropReplies > 0 || corruptReplies > 0 || !errorBits.isEmpty || vanishAfter != nil || !silentIDs.isEmpty
    }
}
