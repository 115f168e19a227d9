import Testing
import Policy
import Runtime
import SimTrainer
@testable import Training

/// `environment.safetyFilter`: training rollouts execute what `run` would, through the
/// runtime's own ``Runtime/SafetyFilter`` with the twin's limits.
@Suite("Training-time safety filter")
struct TrainingSafetyFilterTests {
    static func environment(_ configure: (inout EnvironmentSettings) -> Void = { _ in }) throws -> SimChunkEnvironment {
        var settings = EnvironmentSettings()
        settings.task = "place"
        settings.safetyFilter = true
        settings.maxSteps = 12
        configure(&settings)
        return try SimTrainingBackend(cameras: [], objectState: true).makeEnvironment(settings, count: 3, seed: 5) as! SimChunkEnvironment
    }

    @Test func noCommandLeavesTheLimitsOrOutrunsTheStepLimit() throws {
        let environment = try Self.environment { $0.noRandomization = true }  // no action latency: ctrl is the last command
        let limits = JointLimits.twin, maxStep: Float = 0.05
        _ = try environment.reset(groupSize: 1)
        var rng = RandomSource(seed: 9)
        // Where each environment's next command starts from: its pose at the start of an episode.
        var previous: [[Float]] = (0..<3).map { SafetyFilter.twinPose(environment.vector.environments[$0].jointPositions()) }
        var episodesEnded = 0
        for _ in 0..<20 {
            // Wild targets: far outside the limits, jumping every row, sometimes non-finite.
            let chunks = (0..<3).map { _ in (0..<(4 * 6)).map { _ in rng.uniformOpen() < 0.02 ? Float.nan : Float(rng.uniformOpen() * 12 - 6) } }
            let step = try environment.step(chunks: chunks, length: 4)
            for e in 0..<3 {
                let commands = environment.filtered[e]
                for row in 0..<4 {
                    let command = Array(commands[(row * 6)..<((row + 1) * 6)])
                    #expect(limits.contains(command), "command \(command) outside the twin's limits")
                    for j in 0..<6 { #expect(abs(command[j] - previous[e][j]) <= maxStep + 1e-5) }
                    previous[e] = command
                }
                if !(step.terminated[e] || step.truncated[e]) {
                    // The twin's actuators hold exactly the last filtered command.
                    let twin = environment.vector.environments[e]
                    for j in 0..<6 {
                        let ctrl = TwinJointUnits.jointUnits(fromMJCF: twin.data.ctrl[twin.layout.actuators[j]], kind: twin.layout.kinds[j])
                        #expect(abs(Float(ctrl) - previous[e][j]) < 1e-5)
                    }
                }
                if step.terminated[e] || step.truncated[e] {
                    // A new episode starts at its own pose: the filter restarts there, not at the old command.
                    episodesEnded += 1
                    previous[e] = SafetyFilter.twinPose(environment.vector.environments[e].jointPositions())
                }
            }
        }
        #expect(episodesEnded > 0, "episodes of 12 ticks ended during 80 ticks")
        let statistics = try #require(environment.commandStatistics)
        #expect(statistics.ticks == 240 && statistics.clampedTicks > statistics.ticks / 2, "wild targets are clamped on most ticks (rows with a NaN are held instead)")
    }

    @Test func clampsAreCountedOnlyWhenTheFilterChangesSomething() throws {
        let environment = try Self.environment()
        _ = try environment.reset(groupSize: 1)
        // Hold the present pose: nothing to clamp.
        let hold = (0..<3).map { e in
            let pose = SafetyFilter.twinPose(environment.vector.environments[e].jointPositions())
            return Array([[Float]](repeating: pose, count: 5).joined())
        }
        _ = try environment.step(chunks: hold, length: 5)
        let held = try #require(environment.commandStatistics)
        #expect(held.ticks == 15 && held.clampedTicks == 0 && held.limitClamps == 0 && held.stepClamps == 0)
        // Jump 1 rad on the shoulder: the step limit slows it on every tick of the chunk.
        let jump = hold.map { chunk in chunk.enumerated().map { $0.offset % 6 == 1 ? $0.element - 1 : $0.element } }
        _ = try environment.step(chunks: jump, length: 5)
        let statistics = try #require(environment.commandStatistics)
        #expect(statistics.ticks == 30 && statistics.stepClamps == 15 && statistics.clampedTicks == 15 && statistics.limitClamps == 0)
    }

    @Test func labelsAreWhatTheFilterWouldExecuteWithAMargin() throws {
        let environment = try Self.environment { $0.safetyRampSeconds = 0 }
        _ = try environment.reset(groupSize: 1)
        let pose = SafetyFilter.twinPose(environment.vector.environments[1].jointPositions())
        var chunk: [Float] = []
        for row in 0..<10 { chunk += pose.enumerated().map { $0.offset == 0 ? $0.element + Float(row + 1) * 0.2 : $0.element } }
        let label = environment.executable(chunk, environment: 1, stepFraction: 0.9, limitInset: 0)
        #expect(label.count == chunk.count)
        for row in 0..<10 { #expect(abs(label[row * 6] - (pose[0] + Float(row + 1) * 0.045)) < 1e-5) }
        // Without a filter the chunk is executed as it is.
        let plain = try SimTrainingBackend(cameras: [], objectState: true).makeEnvironment({
            var s = EnvironmentSettings(); s.task = "place"; return s
        }(), count: 1, seed: 5)
        #expect(plain.executable(chunk, environment: 0, stepFraction: 0.9, limitInset: 0.02) == chunk && plain.commandStatistics == nil)
    }
    @Test func labelsStayTheInsetInsideTheLimits() throws {
        let environment = try Self.environment()
        _ = try environment.reset(groupSize: 1)
        let pose = SafetyFilter.twinPose(environment.vector.environments[2].jointPositions())
        let inner = JointLimits.twin.inset(by: 0.02)
        // Every joint asked for far past its upper limit for long enough to get there.
        let rows = 200, chunk = [Float]((0..<rows).flatMap { _ in JointLimits.twin.upper.map { $0 + 1 } })
        let label = environment.executable(chunk, environment: 2, stepFraction: 0.9, limitInset: 0.02)
        for j in 0..<6 {
            #expect(abs(label[(rows - 1) * 6 + j] - inner.upper[j]) < 1e-5, "joint \(j) ends at the inset limit")
            for r in 0..<rows { #expect(label[r * 6 + j] <= max(pose[j], inner.upper[j]) + 1e-6) }
        }
        #expect(inner.upper.indices.allSatisfy { inner.upper[$0] < JointLimits.twin.upper[$0] && inner.lower[$0] > JointLimits.twin.lower[$0] })
    }
    @Test func episodesStartWithRunsRampAndLabelsFollowIt() throws {
        // run's default: 2 s at 30 Hz = 60 ticks from 10 % of the step limit to all of it.
        let environment = try Self.environment { $0.maxSteps = 200 }
        _ = try environment.reset(groupSize: 1)
        let pose = SafetyFilter.twinPose(environment.vector.environments[0].jointPositions())
        let rows = 70, far = pose.enumerated().map { $0.offset == 0 ? $0.element + 3 : $0.element }
        let chunk = [Float]((0..<rows).flatMap { _ in far })
        let label = environment.executable(chunk, environment: 0, stepFraction: 1, limitInset: 0)
        var previous = pose[0]
        for r in 0..<rows {
            let scale: Float = r < 60 ? 0.1 + 0.9 * Float(r) / 60 : 1
            let expected = min(previous + 0.05 * scale, JointLimits.twin.upper[0])
            #expect(abs(label[r * 6] - expected) < 1e-5, "row \(r)")
            previous = expected
        }
        // Executing it: every tick of the ramp is a step clamp, as in run.
        _ = try environment.step(chunks: (0..<3).map { _ in Array(chunk.prefix(10 * 6)) }, length: 10)
        let statistics = try #require(environment.commandStatistics)
        #expect(statistics.stepClamps == 30)
    }
}
