import ArgumentParser

extension PirlRobot {
    /// `pirl-robot cameras …`: find, look at and measure V4L2 cameras.
    struct Cameras: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List V4L2 cameras, save a snapshot, or measure frame rate and latency.",
            subcommands: [List.self, Snapshot.self, Probe.self])
    }
}
