import ArgumentParser
import Foundation
import Histogram
import RobotIO

/// `pirl-robot bench bus`: the control tick's bus cost (sync read of every
/// present position + sync write of every goal) over a pty against the virtual
/// bus, or against a real arm with --port.
struct BenchBus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bus",
        abstract: "Time control ticks (sync read of positions + sync write of goals): p50 / p99 / max.")

    @Option(help: "Robot: so101, so100 or koch.")
    var robot: String = "so101"

    @Option(help: "Number of ticks to time.")
    var ticks: Int = 10_000

    @Option(help: "Real bus port; default: an in-process virtual bus on a pty.")
    var port: String?

    @Option(help: "Warm-up ticks, not timed.")
    var warmup: Int = 200

    func validate() throws {
        guard RobotSpec.named(robot) != nil else { throw ValidationError("unknown robot '\(robot)'") }
        guard ticks > 0 else { throw ValidationError("--ticks must be positive") }
    }

    func run() throws {
        let spec = RobotSpec.named(robot)!
        var virtual: VirtualServoBus?
        let path: String
        if let port {
            path = port
        } else {
            var options = VirtualBusOptions()
            options.returnDelayOverrideMicroseconds = 0
            let bus = try VirtualServoBus(robot: spec, options: options)
            try bus.start()
            virtual = bus
            path = bus.path
        }
        defer { virtual?.stop() }
        let robotBus = try RobotBus.open(robot: spec, port: path)
        defer { robotBus.bus.close() }
        try robotBus.verifyMotors()

        var positions = [Int64](repeating: 0, count: spec.joints.count)
        try robotBus.readPositions(into: &positions)
        var goals = positions
        for _ in 0..<warmup {
            try robotBus.readPositions(into: &positions)
            try robotBus.writeGoals(goals)
        }
        let before = robotBus.bus.statistics
        var histogram = Histogram<UInt64>(highestTrackableValue: 1_000_000_000, numberOfSignificantValueDigits: .three)
        for tick in 0..<ticks {
            // Goals wiggle by a tick so each write carries real data; torque stays off, nothing moves.
            goals[0] = positions[0] + Int64(tick & 1)
            let start = MonotonicClock.nanoseconds()
            try robotBus.readPositions(into: &positions)
            try robotBus.writeGoals(goals)
            histogram.record((MonotonicClock.nanoseconds() - start) / 1_000)
        }
        let stats = robotBus.bus.statistics
        let sent = (stats.bytesSent - before.bytesSent) / ticks
        let received = (stats.bytesReceived - before.bytesReceived) / ticks
        let wire = Double((sent + received) * 10)  // µs: 10 bits per byte at 1,000,000 bit/s
        print("bench bus: \(spec.displayName), \(ticks) ticks over \(port ?? "a pty to the in-process virtual bus")")
        print("  tick = sync read \(spec.joints.count) × Present_Position + sync write \(spec.joints.count) × Goal_Position")
        print(String(format: "  tick time µs: p50 %llu  p90 %llu  p99 %llu  p99.9 %llu  max %llu  mean %.1f",
                     histogram.valueAtPercentile(50), histogram.valueAtPercentile(90), histogram.valueAtPercentile(99),
                     histogram.valueAtPercentile(99.9), histogram.max, histogram.mean))
        print("  bytes per tick: \(sent) sent + \(received) received = \(sent + received)")
        print(String(format: "  wire time at 1 Mbaud (10 bits/byte): %.0f µs per tick → at most %.0f ticks/s on a real bus",
                     wire, 1e6 / wire))
        print("  retries \(stats.retries - before.retries), failed transactions \(stats.failedTransactions - before.failedTransactions)")
    }
}
