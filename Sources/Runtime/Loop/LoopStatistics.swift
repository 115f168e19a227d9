import Histogram
import SimTrainer

/// What a run measured; printed as the end-of-run summary.
public struct LoopReport: Sendable {
    /// Control ticks executed.
    public var ticks = 0
    /// Periods skipped because a tick overran.
    public var overruns = 0
    /// Wake-up lateness (tick jitter), µs.
    public var jitterMicroseconds = LatencySummary()
    /// Time inside a tick (read → filter → write), µs.
    public var tickWorkMicroseconds = LatencySummary()
    /// Inference latency per chunk, ms.
    public var inferenceMilliseconds = LatencySummary()
    /// Age of the state an action was computed from when the action was used, ms.
    public var chunkAgeMilliseconds = LatencySummary()
    /// Chunks produced, refused (NaN / Inf) and failed (the source threw).
    public var chunks = 0
    public var chunksRefused = 0
    public var inferenceFailures = 0
    /// Actions dropped because their tick passed before they arrived.
    public var actionsDroppedLate = 0
    /// Ticks that held the last command because no action was queued.
    public var holdTicks = 0
    /// Ticks on which the watchdog had tripped.
    public var watchdogTicks = 0
    /// Ticks on which the safety filter clamped a limit or a step.
    public var limitClamps = 0
    public var stepClamps = 0
    /// Bus errors on read or write.
    public var busErrors = 0
    /// Simulated episodes finished, and how each ended.
    public var episodes: [EpisodeOutcome] = []
    /// Why the loop stopped.
    public var stopReason = ""
    /// A notice from real-time scheduling, if any.
    public var schedulingNotice: String?

    /// Multi-line summary for the terminal.
    public var summary: String {
        var lines = [
            "ticks \(ticks), overruns \(overruns), stopped: \(stopReason)",
            "tick jitter µs: \(jitterMicroseconds)",
            "tick work µs: \(tickWorkMicroseconds)",
            "inference ms: \(inferenceMilliseconds) over \(chunks) chunks (\(chunksRefused) refused, \(inferenceFailures) failed)",
            "chunk age at use ms: \(chunkAgeMilliseconds)",
            "held \(holdTicks) ticks (watchdog \(watchdogTicks)), clamps: limit \(limitClamps), step \(stepClamps); "
                + "late actions dropped \(actionsDroppedLate); bus errors \(busErrors)",
        ]
        if !episodes.isEmpty {
            let successes = episodes.filter(\.success).count
            lines.append("episodes \(episodes.count), success \(successes)/\(episodes.count) "
                         + String(format: "(%.0f %%)", 100 * Double(successes) / Double(episodes.count)))
            var failures: [String: Int] = [:]
            for episode in episodes where !episode.success { failures[episode.failure ?? "unknown", default: 0] += 1 }
            if !failures.isEmpty { lines.append("failures: \(FailureCounts.summary(failures))") }
        }
        if let schedulingNotice { lines.append(schedulingNotice) }
        return lines.joined(separator: "\n")
    }
}

/// p50 / p99 / max of one quantity.
public struct LatencySummary: Sendable, CustomStringConvertible {
    public var p50: Double = 0
    public var p99: Double = 0
    public var max: Double = 0
    public var count = 0

    /// Reads a histogram recorded in `unit`-sized integers, reported divided by `scale`.
    init(_ histogram: Histogram<UInt64>, scale: Double) {
        count = Int(histogram.totalCount)
        guard count > 0 else { return }
        p50 = Double(histogram.valueAtPercentile(50)) / scale
        p99 = Double(histogram.valueAtPercentile(99)) / scale
        max = Double(histogram.max) / scale
    }

    init() {}

    public var description: String {
        count == 0 ? "n/a" : "p50 \(fmt(p50))  p99 \(fmt(p99))  max \(fmt(max))"
    }

    private func fmt(_ v: Double) -> String {
        v >= 100 ? String(Int(v.rounded())) : String((v * 10).rounded() / 10)
    }
}

/// What the loop is doing right now (copied out under a lock once per status line).
public struct LoopProgress: Sendable {
    /// Ticks so far.
    public var ticks = 0
    /// Periods skipped.
    public var overruns = 0
    /// Ticks that held for lack of an action.
    public var holdTicks = 0
    /// Limit and step clamps.
    public var clamps = 0
    /// Bus errors.
    public var busErrors = 0
    /// Chunks produced.
    public var chunks = 0
    /// The last tick's work, µs.
    public var lastTickMicroseconds: Double = 0
    /// The last inference, ms.
    public var lastInferenceMilliseconds: Double = 0
    /// The last command sent, joint units.
    public var command: [Float] = []

    /// Creates an empty snapshot.
    public init() {}
}
