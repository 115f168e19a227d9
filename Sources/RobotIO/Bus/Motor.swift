/// A motor on a bus: its ID, its model, and (when a robot spec named it) the joint it drives.
public struct Motor: Sendable, Hashable, CustomStringConvertible {
    /// Servo ID.
    public var id: MotorID
    /// Model, which selects the control table.
    public var model: MotorModel
    /// Joint name for messages, e.g. "elbow_flex".
    public var name: String?

    /// Creates a motor reference.
    public init(id: MotorID, model: MotorModel, name: String? = nil) {
        self.id = id
        self.model = model
        self.name = name
    }

    public var description: String {
        if let name { "\(name) (ID \(id))" } else { "ID \(id)" }
    }
}

/// What a motor answered to PING (plus, for Feetech, the model number read after it).
public struct PingReply: Sendable, Hashable, Codable {
    /// Servo ID.
    public var id: MotorID
    /// Model number, when known.
    public var modelNumber: Int?
    /// Firmware version, when known.
    public var firmware: Int?

    /// Creates a ping reply.
    public init(id: MotorID, modelNumber: Int? = nil, firmware: Int? = nil) {
        self.id = id
        self.modelNumber = modelNumber
        self.firmware = firmware
    }
}

/// What to do when a status packet reports a hardware condition (overload,
/// overheat, voltage…).
public enum HardwareFaultPolicy: Sendable, Hashable {
    /// Throw `MotorBusError.hardwareFault` after the transaction completes.
    case throwError
    /// Return the data and report the fault to the bus's warning handler.
    case warn
}

/// Tunables of a `MotorBus`.
public struct MotorBusOptions: Sendable {
    /// Time allowed for a reply beyond its wire time: adapter latency (FTDI
    /// latency timer, USB frames) and the motors' return delay.
    public var replyAllowanceMicroseconds: Int
    /// How many times a sync read (or single read) is retried after missing
    /// or corrupt replies before it fails.
    public var retries: Int
    /// What hardware-fault status bits do.
    public var hardwareFaultPolicy: HardwareFaultPolicy
    /// How long a broadcast ping waits after the last reply before it ends.
    public var broadcastQuietMicroseconds: Int

    /// Defaults suited to a 1 Mbaud bus behind an adapter with a 1 ms latency timer.
    public init(
        replyAllowanceMicroseconds: Int = 10_000, retries: Int = 3,
        hardwareFaultPolicy: HardwareFaultPolicy = .throwError, broadcastQuietMicroseconds: Int = 30_000
    ) {
        self.replyAllowanceMicroseconds = replyAllowanceMicroseconds
        self.retries = retries
        self.hardwareFaultPolicy = hardwareFaultPolicy
        self.broadcastQuietMicroseconds = broadcastQuietMicroseconds
    }

    /// Defaults with the reply allowance widened for the adapter's latency timer.
    public static func forTransport(_ transport: any SerialTransport) -> MotorBusOptions {
        var options = MotorBusOptions()
        if let latency = transport.latencyTimerMilliseconds {
            options.replyAllowanceMicroseconds = max(options.replyAllowanceMicroseconds, (latency + 4) * 1_000)
        }
        return options
    }
}
