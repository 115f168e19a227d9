import ArgumentParser

/// `pirl-robot bench …`: measured figures, printed (never asserted in tests).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks that print figures for docs/benchmarks.md.",
        subcommands: [BenchBus.self, CameraBenchmark.self, Bench.PolicyBench.self, Bench.Loop.self, SimBench.self, Bench.TrainBench.self])
}
