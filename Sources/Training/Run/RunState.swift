import Foundation
import SimTrainer

/// Where a run stands (`state.json` in the run directory), written after every
/// checkpoint so `train-sim` can resume each stage from its last checkpoint.
public struct RunState: Codable, Sendable, Equatable {
    /// SFT gradient steps done (== `sft.steps` when the stage is complete).
    public var sftSteps = 0
    /// Success rate of the SFT checkpoint in the periodic-evaluation setting, once measured.
    public var sftSuccess: Double?
    /// RL iterations done.
    public var rlIterations = 0
    /// Control steps executed by RL rollouts so far.
    public var environmentSteps = 0
    /// AdamW steps taken by the RL optimizer (bias correction on resume).
    public var optimizerSteps = 0
    /// Best periodic-evaluation success during RL and its iteration.
    public var bestSuccess: Double?
    /// Iteration of ``bestSuccess``.
    public var bestIteration: Int?
    /// Final evaluation, once done.
    public var finalEvaluation: EvaluationSummary?
    /// Wall time spent so far per stage (s).
    public var sftSeconds = 0.0, rlSeconds = 0.0, evalSeconds = 0.0

    /// A fresh run.
    public init() {}

    /// `state.json`.
    public static let fileName = "state.json"

    /// Reads `directory/state.json`, or a fresh state when there is none.
    public static func load(from directory: String) throws -> RunState {
        let path = directory + "/" + fileName
        guard FileManager.default.fileExists(atPath: path) else { return RunState() }
        return try JSONDecoder().decode(RunState.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Writes `directory/state.json` atomically.
    public func save(to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: directory + "/" + Self.fileName), options: .atomic)
    }
}

/// The outcome of an evaluation: success with its 95 % Wilson interval.
public struct EvaluationSummary: Codable, Sendable, Equatable {
    /// Episodes that succeeded.
    public var successes: Int
    /// Episodes run.
    public var episodes: Int
    /// Mean return.
    public var meanReturn: Double
    /// Mean episode length (control steps).
    public var meanLength: Double
    /// Wall time (s).
    public var seconds: Double
    /// Failed episodes by the task's reason ("held over the plate": 12); absent in runs written before it existed.
    public var failures: [String: Int]?

    /// Creates a summary.
    public init(successes: Int, episodes: Int, meanReturn: Double, meanLength: Double, seconds: Double,
                failures: [String: Int]? = nil) {
        self.successes = successes; self.episodes = episodes; self.meanReturn = meanReturn
        self.meanLength = meanLength; self.seconds = seconds; self.failures = failures
    }

    /// The failure counts, most frequent first: "12 held over the plate, 3 cube never moved".
    public var failureSummary: String {
        FailureCounts.summary(failures ?? [:])
    }

    /// Success rate.
    public var rate: Double { episodes == 0 ? .nan : Double(successes) / Double(episodes) }

    /// The 95 % Wilson score interval of the success rate.
    public var wilson95: (lower: Double, upper: Double) {
        guard episodes > 0 else { return (.nan, .nan) }
        let z = 1.959_963_984_540_054, n = Double(episodes), p = rate
        let center = (p + z * z / (2 * n)) / (1 + z * z / n)
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / (1 + z * z / n)
        return (max(0, center - half), min(1, center + half))
    }
}
