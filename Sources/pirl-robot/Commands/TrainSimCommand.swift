import ArgumentParser
import Foundation
import Policy
import Training

extension PirlRobot {
    /// `pirl-robot train-sim`: SFT → RL → evaluation in the MuJoCo twin (docs/design/flow-rl.md).
    struct TrainSim: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "train-sim",
            abstract: "Train a flow policy in simulation: SFT on scripted demos, PPO or GRPO with Flow-Noise or Flow-SDE, then evaluation.",
            discussion: """
                Stages sft → rl → eval run in order; each resumes from its last checkpoint when the same \
                command is run again on the same --out directory (rl.iterations may be raised to train further). \
                The run directory gets config.yaml, state.json, metrics.csv, tensorboard/, success.png, \
                checkpoints/ (sft, rl-latest, best, final, iter_NNNNNN) and eval.json.
                """)

        @Option(help: "YAML training config (see configs/).")
        var config: String

        @Option(help: "Run directory (created; an existing run there is resumed).")
        var out: String

        func validate() throws {
            do {
                _ = try TrainingConfig(contentsOf: config)
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            BLAS.correctKernelSelection()
            let settings = try TrainingConfig(contentsOf: config)
            let singleLine = settings.output.singleLineProgress
            let run = try TrainSimRun(config: settings, directory: out, backend: SimTrainingBackend(policy: settings.policy)) { line in
                if singleLine && line.hasPrefix("it ") {
                    print("\r" + line, terminator: "")
                } else {
                    print(singleLine ? "\n" + line : line)
                }
                fflush(nil)  // every stream: stdout is not concurrency-safe to name
            }
            try run.run()
            if singleLine { print("") }
        }
    }
}
