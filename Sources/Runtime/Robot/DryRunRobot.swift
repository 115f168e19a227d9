import Foundation

/// The safety mode: wraps any backend, reads every sensor through it, and logs
/// each command it would send as one JSON line — it never writes a goal and
/// never enables torque.
public final class DryRunRobot: RobotBackend {
    /// The wrapped backend (only its read paths are used).
    public let inner: any RobotBackend
    public var jointNames: [String] { inner.jointNames }
    public var limits: JointLimits { inner.limits }
    private let log: FileHandle?
    private let ticksFor: (([Float], inout [Int64]) -> Void)?
    private var tickBuffer: [Int64]
    private var line: [UInt8] = []
    /// The tick, time and flags of the next logged command (set by the loop before `writeGoals`).
    public var annotation = DryRunAnnotation()
    /// Commands logged so far.
    public private(set) var loggedCommands = 0

    /// Sets the annotation of the next logged command; call it from the loop's `onCommand`.
    public func annotate(tick: Int64, timeSeconds: Double, flags: SafetyFlags) {
        annotation.tick = tick
        annotation.timeSeconds = timeSeconds
        annotation.flags = flags.names
    }

    /// Wraps `inner`; commands go to `logPath` as JSONL (nil: counted only).
    /// `ticksFor` converts joint units to motor ticks for the log when the backend has motors.
    public init(wrapping inner: any RobotBackend, logPath: String?,
                ticksFor: (([Float], inout [Int64]) -> Void)? = nil) throws {
        self.inner = inner
        self.ticksFor = ticksFor
        tickBuffer = Array(repeating: 0, count: inner.jointNames.count)
        line.reserveCapacity(1024)
        if let logPath {
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: logPath])
            }
            log = FileHandle(forWritingAtPath: logPath)
        } else {
            log = nil
        }
    }

    deinit { try? log?.close() }

    public func verify() throws { try inner.verify() }

    /// Only verifies: a dry run writes nothing to the motors, not even gains.
    public func configure() throws { try inner.verify() }

    /// Never enables torque: the arm stays as it is.
    public func activate(holding pose: [Float]) throws {}

    /// Nothing was enabled, so nothing to turn off.
    public func deactivate() -> String? { nil }

    public func readState(into state: inout [Float]) throws { try inner.readState(into: &state) }

    public func takeEpisodeOutcome() -> EpisodeOutcome? { inner.takeEpisodeOutcome() }

    /// Logs the would-be command instead of writing it.
    public func writeGoals(_ goals: [Float]) throws {
        loggedCommands += 1
        guard let log else { return }
        ticksFor?(goals, &tickBuffer)
        line.removeAll(keepingCapacity: true)
        append("{\"tick\":\(annotation.tick),\"time_s\":\(format(annotation.timeSeconds)),\"target\":[")
        for (i, g) in goals.enumerated() { append((i > 0 ? "," : "") + format(Double(g))) }
        append("]")
        if ticksFor != nil {
            append(",\"ticks\":[")
            for (i, t) in tickBuffer.enumerated() { append((i > 0 ? "," : "") + String(t)) }
            append("]")
        }
        append(",\"flags\":[")
        for (i, name) in annotation.flags.enumerated() { append((i > 0 ? "," : "") + "\"\(name)\"") }
        append("]}\n")
        log.write(Data(line))
    }

    private func append(_ s: String) { line.append(contentsOf: s.utf8) }

    private func format(_ v: Double) -> String { String(format: "%.6f", v) }
}

/// What the loop tells the dry run about the command it is about to log.
public struct DryRunAnnotation: Sendable {
    /// Control tick.
    public var tick: Int64 = 0
    /// Seconds since the loop started.
    public var timeSeconds: Double = 0
    /// Safety flags, by name.
    public var flags: [String] = []

    /// Creates an empty annotation.
    public init() {}
}
