import Foundation

/// Place: put the cube on the plate and let go. Success: the cube's centre
/// over the plate (inside its rim by 1 cm), resting on it, touching neither jaw.
public struct PlaceTask: SimTask {
    public var kind: TaskKind { .place }
    public var maxSteps: Int { 240 }
    static let templates = ["put the {cube} cube on the {plate} plate", "place the {cube} block onto the {plate} plate",
                            "move the {cube} cube to the {plate} plate"]

    public init() {}

    public func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup {
        let colors = Workspace.cubeAndGoalColors(&random)
        let plate = Workspace.point(&random, awayFrom: [])
        let cube = Workspace.point(&random, awayFrom: [(plate, 0.1)])
        let template = Self.templates[random.index(Self.templates.count)]
        return EpisodeSetup(
            instruction: Workspace.fill(template, ["cube": colors.cube.name, "plate": colors.goal.name]),
            cubes: [PlacedCube(position: cube, yaw: Workspace.yaw(&random), color: colors.cube)],
            plate: PlacedMarker(position: plate, color: colors.goal))
    }

    public func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome {
        Self.placed(setup, state)
    }

    public func failure(of setup: EpisodeSetup, in state: SceneState) -> String {
        Self.placeFailure(setup, state)
    }

    /// The first unmet part of the place predicate, shared with the pick-and-place suite:
    /// whether the cube was never moved, is still touched or carried, or was let go in the wrong place.
    static func placeFailure(_ setup: EpisodeSetup, _ state: SceneState) -> String {
        guard let plate = setup.plate, let start = setup.cubes.first?.position else { return "no plate" }
        let cube = state.cubes[0]
        let over = (cube - plate.position).horizontalLength < SceneMJCF.plateRadius - 0.01
        let onTable = cube.z < SceneMJCF.cubeSize / 2 + 0.005
        if onTable && (cube - start).horizontalLength < 0.01 { return "cube never moved" }
        if state.cubeTouchesJaw {
            if over { return "held over the plate" }
            return onTable ? "jaw against the cube on the table" : "carried, not over the plate"
        }
        return over ? "on the plate, not resting flat" : "let go off the plate"
    }

    /// The place predicate, shared with the pick-and-place suite.
    static func placed(_ setup: EpisodeSetup, _ state: SceneState) -> TaskOutcome {
        guard let plate = setup.plate else { return TaskOutcome(success: false, progress: 0) }
        let cube = state.cubes[0]
        let horizontal = (cube - plate.position).horizontalLength
        let restingHeight = SceneMJCF.plateThickness + SceneMJCF.cubeSize / 2
        let over = horizontal < SceneMJCF.plateRadius - 0.01
        let resting = abs(cube.z - restingHeight) < 0.006
        let success = over && resting && !state.cubeTouchesJaw
        let reach = 1 - tanh(10 * (state.tcp - cube).length)
        let near = 1 - tanh(10 * horizontal)
        // Stages: the cube is held off the table, or rests over the plate. Letting go off the
        // plate loses the stage term at once, so the chunk that dropped it gets the blame.
        let lifted = state.cubeTouchesJaw && cube.z > SceneMJCF.cubeSize / 2 + 0.015
        let held = lifted || (over && resting) ? 1.0 : 0.0
        return TaskOutcome(success: success, progress: 0.3 * reach + 0.7 * near,
                           stageProgress: 0.2 * reach + 0.3 * held + 0.5 * near)
    }
}
