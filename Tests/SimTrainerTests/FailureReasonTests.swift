import Foundation
import Testing
@testable import SimTrainer

@Suite("Failure reasons")
struct FailureReasonTests {
    private let red = NamedColor.palette[0], blue = NamedColor.palette[2]
    private let parked = [SceneMJCF.parking(1), SceneMJCF.parking(2)]

    @Test("Place names the first unmet part of its predicate")
    func place() {
        let start = Vector3(0.18, 0.06, SceneMJCF.cubeSize / 2), plate = Vector3(0.18, -0.05, 0)
        let setup = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(start.x, start.y, 0), yaw: 0, color: red)],
                                 plate: PlacedMarker(position: plate, color: blue))
        let onPlate = Vector3(plate.x, plate.y, SceneMJCF.plateThickness + SceneMJCF.cubeSize / 2)
        func reason(_ cube: Vector3, touching: Bool = false) -> String {
            PlaceTask().failure(of: setup, in: SceneState(tcp: cube, cubes: [cube] + parked, cubeGrasped: touching, cubeTouchesJaw: touching))
        }
        #expect(reason(start) == "cube never moved")
        #expect(reason(start + Vector3(0.02, 0, 0), touching: true) == "jaw against the cube on the table")
        #expect(reason(start + Vector3(0, 0, 0.04), touching: true) == "carried, not over the plate")
        #expect(reason(onPlate + Vector3(0, 0, 0.02), touching: true) == "held over the plate")
        #expect(reason(Vector3(0.25, 0.0, SceneMJCF.cubeSize / 2)) == "let go off the plate")
        #expect(reason(onPlate + Vector3(0, 0, 0.015)) == "on the plate, not resting flat")
        #expect(PickPlaceSuite().failure(of: setup, in: SceneState(tcp: start, cubes: [start] + parked)) == "cube never moved")
    }

    @Test("Reach, lift and push say how far they got")
    func otherTasks() {
        let target = Vector3(0.2, 0.05, 0.1)
        let reach = EpisodeSetup(instruction: "", target: PlacedMarker(position: target, color: red))
        let home = [SceneMJCF.parking(0)] + parked
        #expect(ReachTask().failure(of: reach, in: SceneState(tcp: target + Vector3(0.04, 0, 0), cubes: home)) == "near the target")
        #expect(ReachTask().failure(of: reach, in: SceneState(tcp: target + Vector3(0.1, 0, 0), cubes: home)) == "far from the target")
        let cube = Vector3(0.2, 0, SceneMJCF.cubeSize / 2)
        let lift = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(0.2, 0, 0), yaw: 0, color: red)])
        func lifted(_ dz: Double, touching: Bool) -> String {
            LiftTask().failure(of: lift, in: SceneState(tcp: cube, cubes: [cube + Vector3(0, 0, dz)] + parked, cubeTouchesJaw: touching))
        }
        #expect(lifted(0, touching: false) == "cube not lifted")
        #expect(lifted(0, touching: true) == "gripped, not lifted")
        #expect(lifted(0.03, touching: true) == "lifted less than 5 cm")
        let push = EpisodeSetup(instruction: "", cubes: [PlacedCube(position: Vector3(0.2, 0, 0), yaw: 0, color: red)],
                                zone: PlacedMarker(position: Vector3(0.2, 0.08, 0), color: blue))
        func pushed(_ offset: Vector3) -> String {
            PushTask().failure(of: push, in: SceneState(tcp: cube, cubes: [cube + offset] + parked))
        }
        #expect(pushed(Vector3(0, 0, 0)) == "cube never moved")
        #expect(pushed(Vector3(0, 0.03, 0)) == "cube outside the zone")
        #expect(pushed(Vector3(0, 0, 0.03)) == "cube lifted or tipped")
    }

    @Test("An evaluation counts its failed episodes by reason")
    func evaluationBreakdown() throws {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.renderImages = false
        configuration.maxSteps = 20
        let vector = try VectorEnvironment(configuration: configuration, count: 2, seed: 5, threads: 2)
        let report = try Evaluator(actionsPerDecision: 5).evaluate(HoldHome(), on: vector, episodes: 4)
        #expect(report.success.successes == 0)
        #expect(report.failures == ["cube never moved": 4])
        #expect(report.failureSummary == "4 cube never moved")
        #expect(report.episodes.count == 4)
        #expect(report.episodes.allSatisfy { $0.failure == "cube never moved" && $0.length == 20 && $0.setup?.plate != nil })
        let decoded = try JSONDecoder().decode(EvaluationReport.self, from: JSONEncoder().encode(report))
        #expect(decoded.episodes == report.episodes && decoded.failures == report.failures)
    }

    @Test("Failure summaries list the most frequent reason first, ties by name")
    func summaryOrder() {
        #expect(FailureCounts.summary(["b": 2, "a": 2, "c": 5]) == "5 c, 2 a, 2 b")
        #expect(FailureCounts.summary([:]) == "")
    }
}

/// Keeps the arm at its home pose: the cube is never touched.
private final class HoldHome: ChunkPolicy {
    let chunkLength = 5
    func actionChunks(for observations: [SimObservation], into chunks: inout [[Float]]) throws {
        let row = SimEnvironment.homePose.map { Float($0) }
        for i in chunks.indices { chunks[i] = Array(repeating: row, count: chunkLength).flatMap { $0 } }
    }
}
