import Foundation

/// Reach: touch a coloured target floating above the table with the gripper.
/// Success: the tool centre point within ``tolerance`` of the target's centre.
public struct ReachTask: SimTask {
    public var kind: TaskKind { .reach }
    public var maxSteps: Int { 120 }
    /// Success distance (m).
    public static let tolerance = 0.02
    static let templates = ["touch the {target} target", "reach for the {target} ball", "move the gripper to the {target} marker"]

    public init() {}

    public func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup {
        let color = NamedColor.palette[random.index(NamedColor.palette.count)]
        var point = Workspace.point(&random, awayFrom: [])
        point.z = random.uniform(0.03, 0.12)
        let template = Self.templates[random.index(Self.templates.count)]
        return EpisodeSetup(
            instruction: Workspace.fill(template, ["target": color.name]),
            target: PlacedMarker(position: point, color: color))
    }

    public func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome {
        guard let target = setup.target else { return TaskOutcome(success: false, progress: 0) }
        let distance = (state.tcp - target.position).length
        return TaskOutcome(success: distance < Self.tolerance, progress: 1 - tanh(10 * distance))
    }

    public func failure(of setup: EpisodeSetup, in state: SceneState) -> String {
        guard let target = setup.target else { return "no target" }
        return (state.tcp - target.position).length < 3 * Self.tolerance ? "near the target" : "far from the target"
    }
}
