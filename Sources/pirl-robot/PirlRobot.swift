import ArgumentParser
import Logging

/// The `pirl-robot` command tree. Subcommands are nested types so the type path
/// reads like the command line; this file only lists them.
@main
struct PirlRobot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pirl-robot",
        abstract: "Run RL-fine-tuned flow-matching robot policies on real arms, and train them in simulation.",
        subcommands: [
            Run.self,
            Ports.self,
            Motors.self,
            Calibrate.self,
            VirtualBus.self,
            Cameras.self,
            PolicyCommand.self,
            Bench.self,
            Sim.self,
            EvalSim.self,
            TrainSim.self,
        ])
}
