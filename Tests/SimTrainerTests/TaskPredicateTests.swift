import Testing
@testable import SimTrainer

@Suite("Task predicates")
struct TaskPredicateTests {
    private let red = NamedColor.palette[0], blue = NamedColor.palette[2]
    private let parked = [SceneMJCF.parking(1), SceneMJCF.parking(2)]

    @Test("Reach succeeds within 2 cm of the target only")
    func reach() {
        let target = Vector3(0.2, 0.05, 0.1)
        let setup = EpisodeSetup(instruction: "", target: PlacedMarker(position: target, color: red))
        let cubes = [SceneMJCF.parking(0)] + parked
        #expect(ReachTask().outcome(of: setup, in: SceneState(tcp: target + Vector3(0.01, 0, 0.01), cubes: cubes)).success)
        #expect(!ReachTask().outcome(of: setup, in: SceneState(tcp: target + Vector3(0.03, 0, 0), cubes: cubes)).success)
    }

    @Test("Lift succeeds once the cube is 5 cm above its resting height")
    func lift() {
        let setup = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(0.2, 0, 0), yaw: 0, color: red)])
        let resting = SceneMJCF.cubeSize / 2
        func outcome(_ z: Double) -> TaskOutcome {
            LiftTask().outcome(of: setup, in: SceneState(tcp: Vector3(0.2, 0, z), cubes: [Vector3(0.2, 0, z)] + parked))
        }
        #expect(!outcome(resting).success)
        #expect(!outcome(resting + 0.049).success)
        #expect(outcome(resting + 0.051).success)
        #expect(outcome(resting + 0.03).progress > outcome(resting).progress)
    }

    @Test("Place needs the cube resting on the plate, inside the rim, released")
    func place() {
        let plate = Vector3(0.18, -0.05, 0)
        let setup = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(0.18, 0.06, 0), yaw: 0, color: red)],
                                 plate: PlacedMarker(position: plate, color: blue))
        let onPlate = Vector3(plate.x + 0.02, plate.y, SceneMJCF.plateThickness + SceneMJCF.cubeSize / 2)
        let far = Vector3(0.3, 0.3, 0.2)
        func state(_ cube: Vector3, touching: Bool = false) -> SceneState {
            SceneState(tcp: far, cubes: [cube] + parked, cubeGrasped: touching, cubeTouchesJaw: touching)
        }
        #expect(PlaceTask().outcome(of: setup, in: state(onPlate)).success)
        #expect(!PlaceTask().outcome(of: setup, in: state(onPlate, touching: true)).success)
        #expect(!PlaceTask().outcome(of: setup, in: state(onPlate + Vector3(0.025, 0, 0))).success)
        #expect(!PlaceTask().outcome(of: setup, in: state(onPlate + Vector3(0, 0, 0.03))).success)
        #expect(PickPlaceSuite().outcome(of: setup, in: state(onPlate)).success)
    }

    @Test("Place's staged potential: holding the cube up counts, letting go counts only over the plate")
    func placeStages() throws {
        let plate = Vector3(0.18, -0.05, 0)
        let start = Vector3(0.18, 0.06, SceneMJCF.cubeSize / 2)
        let setup = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: start, yaw: 0, color: red)],
                                 plate: PlacedMarker(position: plate, color: blue))
        func stages(_ cube: Vector3, touching: Bool) throws -> Double {
            let state = SceneState(tcp: cube, cubes: [cube] + parked, cubeGrasped: touching, cubeTouchesJaw: touching)
            return try #require(PlaceTask().outcome(of: setup, in: state).stageProgress)
        }
        let carried = Vector3(0.18, 0.0, 0.08)
        let dropped = Vector3(carried.x, carried.y, SceneMJCF.cubeSize / 2)
        let onPlate = Vector3(plate.x, plate.y, SceneMJCF.plateThickness + SceneMJCF.cubeSize / 2)
        // Gripping the cube on the table is not holding it; lifting it is (+0.3).
        #expect(abs(try stages(start + Vector3(0, 0, 0.02), touching: true) - stages(start, touching: true) - 0.3) < 0.01)
        // Letting go off the plate loses the stage term; releasing onto the plate keeps it.
        #expect(abs(try stages(carried, touching: true) - stages(dropped, touching: false) - 0.3) < 1e-9)
        #expect(try stages(onPlate, touching: false) >= stages(onPlate + Vector3(0, 0, 0.05), touching: true))
        #expect(abs(try stages(onPlate, touching: false) - 1) < 1e-9)
        // Both measures agree at the ends and the suite shares the potential.
        #expect(abs(PlaceTask().outcome(of: setup, in: SceneState(tcp: onPlate, cubes: [onPlate] + parked)).progress - 1) < 1e-9)
        let suite = PickPlaceSuite().outcome(of: setup, in: SceneState(tcp: carried, cubes: [carried] + parked, cubeGrasped: true, cubeTouchesJaw: true))
        #expect(suite.stageProgress == (try stages(carried, touching: true)))
    }

    @Test("Push succeeds with the cube inside the zone by 5 mm")
    func push() {
        let zone = Vector3(0.22, 0.02, 0)
        let setup = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(0.14, 0.02, 0), yaw: 0, color: red)],
                                 zone: PlacedMarker(position: zone, color: blue))
        func outcome(_ dx: Double) -> Bool {
            PushTask().outcome(of: setup, in: SceneState(
                tcp: Vector3(0.1, 0, 0.1), cubes: [Vector3(zone.x + dx, zone.y, SceneMJCF.cubeSize / 2)] + parked)).success
        }
        #expect(outcome(0))
        #expect(outcome(0.03))
        #expect(!outcome(0.037))
        #expect(!outcome(-0.08))
    }

    @Test("Sampled episodes put objects in the workspace with an instruction that names their colours")
    func sampling() {
        var random = SimRandom(seed: 9)
        for kind in TaskKind.allCases {
            let task = kind.task()
            for _ in 0..<50 {
                let setup = task.sampleEpisode(&random)
                #expect(!setup.instruction.isEmpty)
                #expect(!setup.instruction.contains("{"))
                for cube in setup.cubes {
                    #expect((0.1...0.26).contains(cube.position.x) && abs(cube.position.y) <= 0.14)
                }
                if let first = setup.cubes.first { #expect(setup.instruction.contains(first.color.name)) }
                if let plate = setup.plate {
                    #expect(setup.instruction.contains(plate.color.name))
                    // The cube starts off the plate: beyond its rim by the cube's half diagonal.
                    #expect((setup.cubes[0].position - plate.position).horizontalLength > SceneMJCF.plateRadius + SceneMJCF.cubeSize * 0.71)
                }
            }
        }
    }
}
