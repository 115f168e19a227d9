import ArgumentParser

extension PirlRobot {
    /// `pirl-robot bench …`: figures, not tests.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure the hot paths and print figures.",
            subcommands: [CameraBenchmark.self])
    }
}
