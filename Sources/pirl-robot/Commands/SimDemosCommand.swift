import ArgumentParser
import Foundation
import SimTrainer

extension PirlRobot.Sim {
    /// `pirl-robot sim demos`: scripted demonstrations to disk.
    struct Demos: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record scripted-expert demonstrations: one directory per episode (.npy arrays + episode.json).",
            discussion: """
            Layout (readable with numpy alone): OUT/dataset.json and OUT/episode_NNNNNN/ holding \
            front.npy and wrist.npy (uint8, T×H×W×3), state.npy and action.npy (float32, T×6, joint units in \
            RobotSpec.so101 order), reward.npy (float32, T) and episode.json (instruction, success, setup). \
            See docs/sim-demos.md.
            """)

        @OptionGroup var options: SimTaskOptions

        @Option(help: "Episodes to record.")
        var episodes = 10

        @Option(help: "Output directory (created).")
        var out: String

        @Option(help: "Width and height of each camera's model input (pixels); the 4:3 frames are letterboxed into it.")
        var size = 64

        @Option(help: "Parallel environments.")
        var envs = 4

        @Option(help: "Worker threads (default: the number of CPU cores).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard episodes > 0, envs > 0, threads > 0 else { throw ValidationError("--episodes, --envs and --threads must be positive.") }
            guard (16...480).contains(size) else { throw ValidationError("--size must be 16…480, got \(size).") }
        }

        func run() throws {
            let recorder = DemoRecorder(
                configuration: options.configuration(imageWidth: size, imageHeight: size), seed: options.seed,
                environments: envs, threads: threads)
            let info = try recorder.record(episodes: episodes, to: URL(fileURLWithPath: out))
            print("wrote \(info.episodes) \(info.task) episodes to \(out) (\(info.successes) successful)")
        }
    }
}
