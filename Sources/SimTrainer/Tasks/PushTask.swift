import Foundation

/// Push: push the cube into the marked square zone. Success: the cube's
/// centre inside the zone, at least 5 mm from its edges.
public struct PushTask: SimTask {
    public var kind: TaskKind { .push }
    public var maxSteps: Int { 180 }
    /// Distance from the cube's start to the zone's centre (m).
    public static let distance = 0.08
    static let templates = ["push the {cube} cube into the {zone} square", "slide the {cube} block to the {zone} zone",
                            "push the {cube} cube onto the {zone} area"]

    public init() {}

    public func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup {
        let colors = Workspace.cubeAndGoalColors(&random)
        let cube = Workspace.point(&random, x: 0.12...0.16, y: -0.07...0.07, awayFrom: [])
        let angle = random.uniform(-0.45, 0.45)
        let zone = cube + Self.distance * Vector3(cos(angle), sin(angle), 0)
        let template = Self.templates[random.index(Self.templates.count)]
        return EpisodeSetup(
            instruction: Workspace.fill(template, ["cube": colors.cube.name, "zone": colors.goal.name]),
            cubes: [PlacedCube(position: cube, yaw: Workspace.yaw(&random) * 0.3, color: colors.cube)],
            zone: PlacedMarker(position: Vector3(zone.x, zone.y, 0), color: colors.goal))
    }

    public func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome {
        guard let zone = setup.zone else { return TaskOutcome(success: false, progress: 0) }
        let offset = state.cubes[0] - zone.position
        let limit = SceneMJCF.zoneHalfSize - 0.005
        let inside = abs(offset.x) < limit && abs(offset.y) < limit && state.cubes[0].z < SceneMJCF.cubeSize
        return TaskOutcome(success: inside, progress: 1 - tanh(10 * offset.horizontalLength))
    }

    public func failure(of setup: EpisodeSetup, in state: SceneState) -> String {
        guard let start = setup.cubes.first?.position else { return "no cube" }
        if state.cubes[0].z >= SceneMJCF.cubeSize { return "cube lifted or tipped" }
        return (state.cubes[0] - start).horizontalLength < 0.01 ? "cube never moved" : "cube outside the zone"
    }
}
