import Foundation

/// Lift: raise the cube at least ``height`` above its resting height.
public struct LiftTask: SimTask {
    public var kind: TaskKind { .lift }
    public var maxSteps: Int { 150 }
    /// Required lift (m).
    public static let height = 0.05
    static let templates = ["lift the {cube} cube", "pick up the {cube} cube", "raise the {cube} block"]

    public init() {}

    public func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup {
        let color = NamedColor.palette[random.index(NamedColor.palette.count)]
        let point = Workspace.point(&random, awayFrom: [])
        let template = Self.templates[random.index(Self.templates.count)]
        return EpisodeSetup(
            instruction: Workspace.fill(template, ["cube": color.name]),
            cubes: [PlacedCube(position: point, yaw: Workspace.yaw(&random), color: color)])
    }

    public func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome {
        let rise = state.cubes[0].z - SceneMJCF.cubeSize / 2
        let reach = (state.tcp - state.cubes[0]).length
        let progress = 0.5 * (1 - tanh(10 * reach)) + 0.5 * min(max(rise / Self.height, 0), 1)
        return TaskOutcome(success: rise >= Self.height, progress: progress)
    }

    public func failure(of setup: EpisodeSetup, in state: SceneState) -> String {
        let rise = state.cubes[0].z - SceneMJCF.cubeSize / 2
        if rise < 0.005 { return state.cubeTouchesJaw ? "gripped, not lifted" : "cube not lifted" }
        return "lifted less than \(Int(Self.height * 100)) cm"
    }
}
