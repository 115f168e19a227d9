import Foundation

/// Which part of the pick-and-place suite to draw combinations from.
public enum SuiteSplit: String, CaseIterable, Sendable, Codable {
    /// Combinations used for training.
    case inDistribution = "train"
    /// Combinations never trained on (cube/plate colour pairs held out).
    case heldOut = "heldout"
}

/// One combination of the suite: cube colour × plate colour × distractor count × layout.
public struct PickPlaceCombination: Sendable, Hashable, Codable {
    /// Index into ``NamedColor/palette`` of the cube to move.
    public var cubeColor: Int
    /// Index into ``NamedColor/palette`` of the plate (never the cube's).
    public var plateColor: Int
    /// Number of distractor cubes, 0…2.
    public var distractors: Int
    /// Index into ``PickPlaceSuite/layouts``.
    public var layout: Int

    /// Held out: the (cube, plate) colour pair is one of the six reserved pairs,
    /// those with (cube + 2 × plate) divisible by 5 — every colour appears in
    /// training, only these pairings are new at test time.
    public var isHeldOut: Bool { (cubeColor + 2 * plateColor) % 5 == 0 }
}

/// The multi-task pick-and-place suite, in the spirit of ManiSkill's
/// combinatorial suites: 6 cube colours × 5 plate colours × 0–2 distractor
/// cubes × 4 layouts = 360 combinations, 72 of them held out
/// (``PickPlaceCombination/isHeldOut``). Instructions name both colours
/// ("put the red cube on the blue plate"); success as in ``PlaceTask``.
public struct PickPlaceSuite: SimTask {
    public var kind: TaskKind { .pickPlace }
    public var maxSteps: Int { 240 }
    /// The split episodes are drawn from.
    public let split: SuiteSplit

    /// Nominal (cube, plate) table positions of each layout (m); episodes add ±1 cm.
    public static let layouts: [(cube: Vector3, plate: Vector3)] = [
        (Vector3(0.17, 0.08, 0), Vector3(0.19, -0.06, 0)),
        (Vector3(0.17, -0.08, 0), Vector3(0.19, 0.06, 0)),
        (Vector3(0.135, -0.01, 0), Vector3(0.225, 0.03, 0)),
        (Vector3(0.225, 0.01, 0), Vector3(0.14, -0.035, 0)),
    ]

    /// Every combination, in a fixed order.
    public static let combinations: [PickPlaceCombination] = {
        var all: [PickPlaceCombination] = []
        for cube in NamedColor.palette.indices {
            for plate in NamedColor.palette.indices where plate != cube {
                for distractors in 0...2 {
                    for layout in layouts.indices {
                        all.append(PickPlaceCombination(cubeColor: cube, plateColor: plate, distractors: distractors, layout: layout))
                    }
                }
            }
        }
        return all
    }()

    /// The combinations of one split.
    public static func combinations(in split: SuiteSplit) -> [PickPlaceCombination] {
        combinations.filter { $0.isHeldOut == (split == .heldOut) }
    }

    /// The suite restricted to `split`.
    public init(split: SuiteSplit = .inDistribution) { self.split = split }

    public func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup {
        let pool = Self.combinations(in: split)
        return setup(for: pool[random.index(pool.count)], &random)
    }

    /// An episode of one combination.
    public func setup(for combination: PickPlaceCombination, _ random: inout SimRandom) -> EpisodeSetup {
        let palette = NamedColor.palette
        let layout = Self.layouts[combination.layout]
        func jitter(_ p: Vector3) -> Vector3 { p + Vector3(random.uniform(-0.01, 0.01), random.uniform(-0.01, 0.01), 0) }
        let plate = jitter(layout.plate)
        let cube = jitter(layout.cube)
        var cubes = [PlacedCube(position: cube, yaw: Workspace.yaw(&random), color: palette[combination.cubeColor])]
        var others = palette.indices.filter { $0 != combination.cubeColor && $0 != combination.plateColor }
        for _ in 0..<combination.distractors {
            let color = others.remove(at: random.index(others.count))
            let avoid = [(plate, 0.085)] + cubes.map { ($0.position, 0.06) }
            let point = Workspace.point(&random, x: 0.12...0.25, y: -0.13...0.13, awayFrom: avoid)
            cubes.append(PlacedCube(position: point, yaw: Workspace.yaw(&random), color: palette[color]))
        }
        return EpisodeSetup(
            instruction: "put the \(palette[combination.cubeColor].name) cube on the \(palette[combination.plateColor].name) plate",
            cubes: cubes, plate: PlacedMarker(position: plate, color: palette[combination.plateColor]),
            combination: combination)
    }

    public func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome {
        PlaceTask.placed(setup, state)
    }

    public func failure(of setup: EpisodeSetup, in state: SceneState) -> String {
        PlaceTask.placeFailure(setup, state)
    }
}
