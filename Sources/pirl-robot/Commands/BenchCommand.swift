import ArgumentParser

/// `pirl-robot bench …`: performance figures, printed (not asserted).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure performance and print the figures.",
        subcommands: [PolicyBench.self])
}
