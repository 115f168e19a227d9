import Foundation
import Testing
import Policy
@testable import Training

@Suite("train-sim run: stages, outputs, resume", .serialized)
struct RunTests {
    static func run(_ config: TrainingConfig, in dir: String) throws -> (TrainSimRun, [String]) {
        var lines: [String] = []
        let run = try TrainSimRun(config: config, directory: dir, backend: TargetBackend()) { lines.append($0) }
        try run.run()
        return (run, lines)
    }

    @Test func stagesWriteEveryOutput() throws {
        let dir = Support.temporaryDirectory()
        let (run, lines) = try Self.run(Fixtures.config(iterations: 4), in: dir)
        let fm = FileManager.default
        for file in ["config.yaml", "state.json", "metrics.csv", "success.png", "eval.json", "demos/dataset.json"] {
            #expect(fm.fileExists(atPath: dir + "/" + file), "\(file)")
        }
        for checkpoint in ["sft", "rl-latest", "best", "final", "iter_000002", "iter_000004"] {
            #expect(RunCheckpoints(run: dir).exists(checkpoint), "\(checkpoint)")
        }
        #expect(fm.fileExists(atPath: dir + "/checkpoints/rl-latest/optimizer.safetensors"))
        #expect(try fm.contentsOfDirectory(atPath: dir + "/tensorboard").contains { $0.hasPrefix("events.out.tfevents.") })
        #expect(run.state.sftSteps == 60 && run.state.rlIterations == 4 && run.state.finalEvaluation?.episodes == 8)
        #expect(lines.contains { $0.hasPrefix("it 4/4 | steps ") && $0.hasSuffix("ETA 0s") })
        #expect(lines.contains { $0.hasPrefix("eval final") })
        let (_, normStats) = try PolicyCheckpoint.load(from: dir + "/checkpoints/final")
        #expect(normStats.normStats["actions"] != nil)
        let config = try JSONDecoder().decode(PolicyConfig.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/checkpoints/final/config.json")))
        #expect(config.provenance.seed == 3 && config.provenance.task == "reach")
        #expect(config.provenance.evalSuccess == run.state.finalEvaluation?.rate)
        #expect(config.provenance.trainingConfig?.contains("rolloutLength") == true)
        let csv = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 1 + 1 + 4 + 2 + 1, "header, sft eval, 4 iterations, 2 periodic evals, final eval")
    }

    @Test func finishedRunDoesNothingAgain() throws {
        let dir = Support.temporaryDirectory()
        _ = try Self.run(Fixtures.config(iterations: 2), in: dir)
        let before = try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8)
        let (_, lines) = try Self.run(Fixtures.config(iterations: 2), in: dir)
        #expect(lines.isEmpty, "\(lines)")
        #expect(try String(contentsOfFile: dir + "/metrics.csv", encoding: .utf8) == before)
    }

    @Test func rlResumesFromItsLastCheckpoint() throws {
        let dir = Support.temporaryDirectory()
        var config = Fixtures.config(iterations: 2)
        config.eval.periodicEpisodes = 0
        let (first, _) = try Self.run(config, in: dir)
        let steps = first.state.optimizerSteps
        // Train further: only rl.iterations changed; the final evaluation runs again by itself.
        config.rl.iterations = 4
        let (second, lines) = try Self.run(config, in: dir)
        #expect(lines.contains("rl: resuming after iteration 2/4"))
        #expect(!lines.contains { $0.hasPrefix("it 1/4") || $0.hasPrefix("it 2/4") })
        #expect(lines.contains { $0.hasPrefix("it 3/4") } && lines.contains { $0.hasPrefix("it 4/4") })
        #expect(second.state.optimizerSteps == 2 * steps)
        #expect(second.state.environmentSteps == 2 * first.state.environmentSteps)
        #expect(!lines.contains { $0.hasPrefix("sft:") }, "SFT is not repeated")
        #expect(lines.contains { $0.hasPrefix("eval final") })
        #expect(second.state.finalEvaluation != nil)
    }

    @Test func aDifferentConfigIsRefused() throws {
        let dir = Support.temporaryDirectory()
        _ = try Self.run(Fixtures.config(iterations: 1), in: dir)
        var other = Fixtures.config(iterations: 1)
        other.rl.clipCoef = 0.1
        #expect(throws: ConfigError.self) { try TrainSimRun(config: other, directory: dir, backend: TargetBackend()) }
    }

    @Test func optimizerStateRoundTrips() throws {
        let policy = try FlowPolicy(config: Fixtures.config().policyConfig())
        let store = policy.parameters
        for i in 0..<store.count { store.firstMoment[i] = Float(i % 7) * 0.1; store.secondMoment[i] = Float(i % 5) * 0.01 }
        let dir = Support.temporaryDirectory()
        try OptimizerState.save(store, stepCount: 17, to: dir)
        let other = try FlowPolicy(config: Fixtures.config().policyConfig())
        #expect(try OptimizerState.load(into: other.parameters, from: dir) == 17)
        #expect((0..<store.count).allSatisfy { other.parameters.firstMoment[$0] == store.firstMoment[$0] && other.parameters.secondMoment[$0] == store.secondMoment[$0] })
    }

    @Test func runStateRoundTripsAndWilsonIsSane() throws {
        var state = RunState()
        state.rlIterations = 5; state.bestSuccess = 0.75
        state.finalEvaluation = EvaluationSummary(successes: 180, episodes: 200, meanReturn: 0.9, meanLength: 40, seconds: 12)
        let dir = Support.temporaryDirectory()
        try state.save(to: dir)
        #expect(try RunState.load(from: dir) == state)
        let (lo, hi) = state.finalEvaluation!.wilson95
        #expect(abs(lo - 0.8506) < 1e-3 && abs(hi - 0.9343) < 1e-3)
    }
}
