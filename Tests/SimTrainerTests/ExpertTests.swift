import Testing
@testable import SimTrainer

@Suite("Scripted experts")
struct ExpertTests {
    @Test("IK reaches a top-down pose to within a millimetre", arguments: [
        Vector3(0.15, 0.05, 0.02), Vector3(0.22, -0.08, 0.05), Vector3(0.18, 0, 0.12),
    ])
    func inverseKinematics(target: Vector3) throws {
        let solver = try IKSolver()
        var joints = Array(SimEnvironment.homePose.prefix(5))
        let error = solver.solve(ToolPose(position: target, jawYaw: 1.2), joints: &joints, iterations: 100)
        #expect(error < 1e-3)
    }

    @Test("The expert solves every task", arguments: TaskKind.allCases)
    func expertSucceeds(task: TaskKind) throws {
        var configuration = EnvironmentConfiguration(task: task)
        configuration.renderImages = false
        let vector = try VectorEnvironment(configuration: configuration, count: 4, seed: 77, threads: 2)
        let policy = try ExpertPolicy(environments: 4, seed: 77, chunkLength: 5)
        let report = try Evaluator(actionsPerDecision: 5).evaluate(policy, on: vector, episodes: 8)
        #expect(report.success.successes >= 7, "\(task.rawValue): \(report.success.successes)/8")
        #expect(report.diverged == 0)
    }

    @Test("Wilson intervals match the closed form")
    func wilson() {
        let none = SuccessInterval(successes: 0, episodes: 10)
        #expect(none.lower == 0 && abs(none.upper - 0.277533) < 1e-5)
        let most = SuccessInterval(successes: 95, episodes: 100)
        #expect(abs(most.lower - 0.888250) < 1e-5 && abs(most.upper - 0.978456) < 1e-5)
        let all = SuccessInterval(successes: 200, episodes: 200)
        #expect(abs(all.lower - 0.981155) < 1e-5 && all.upper <= 1)
    }
}
