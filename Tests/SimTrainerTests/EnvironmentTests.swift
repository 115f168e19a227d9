import Testing
@testable import SimTrainer

@Suite("Environment stepping")
struct EnvironmentTests {
    private func environment(_ task: TaskKind = .lift, maxSteps: Int? = nil) throws -> SimEnvironment {
        var configuration = EnvironmentConfiguration(task: task)
        configuration.renderImages = false
        configuration.maxSteps = maxSteps
        let environment = try SimEnvironment(configuration: configuration, seed: 2)
        environment.reset()
        return environment
    }

    @Test("30 Hz control over 500 Hz physics: 16 or 17 steps per tick, 50 per 3 ticks")
    func physicsStepsPerTick() {
        let configuration = EnvironmentConfiguration()
        let steps = (0..<30).map(configuration.physicsSteps(inTick:))
        #expect(Set(steps).isSubset(of: [16, 17]))
        #expect(steps.reduce(0, +) == 500)
        #expect(steps[0] + steps[1] + steps[2] == 50)
    }

    @Test("A chunk runs H_exec steps, sums rewards, and stops at the end of the episode")
    func chunkExecution() throws {
        let environment = try self.environment(maxSteps: 7)
        let hold = (0..<5).flatMap { _ in SimEnvironment.homePose.map(Float.init) }
        let first = hold.withUnsafeBufferPointer { environment.step(chunk: $0, count: 5) }
        #expect(first.steps == 5 && !first.done)
        let second = hold.withUnsafeBufferPointer { environment.step(chunk: $0, count: 5) }
        #expect(second.steps == 2 && second.truncated && !second.terminated)
        #expect(environment.episodeStep == 7)
    }

    /// The scripted expert through one episode of `task` with shaping on: `onStep` sees the
    /// environment after each step, the step's result and the potential before it. Returns the environment, the start potential
    /// and the last step.
    private func shapedExpertEpisode(_ task: TaskKind, potential: ShapingPotential = .distance,
                                     onStep: (SimEnvironment, StepResult, Double) -> Void) throws -> (SimEnvironment, Double, StepResult) {
        var configuration = EnvironmentConfiguration(task: task)
        configuration.renderImages = false
        configuration.shapedReward = true
        configuration.shapingPotential = potential
        let environment = try SimEnvironment(configuration: configuration, seed: 8)
        environment.reset()
        let start = environment.progress
        let expert = try ScriptedExpert(seed: 8)
        var action = [Float](repeating: 0, count: 6)
        var last = StepResult(reward: 0, terminated: false, truncated: false, success: false, diverged: false, steps: 0)
        while !last.done {
            let before = environment.progress
            expert.action(for: try environment.observe(using: nil), into: &action)
            last = action.withUnsafeBufferPointer { environment.step($0) }
            onStep(environment, last, before)
        }
        return (environment, start, last)
    }

    @Test("The sparse reward is +1 on success; shaping adds the change of progress, which telescopes")
    func rewards() throws {
        var shapedSeen = false
        let (episode, start, last) = try shapedExpertEpisode(.reach) { environment, step, before in
            guard !step.done else { return }
            #expect(abs(step.reward - (environment.progress - before)) < 1e-12)
            shapedSeen = shapedSeen || step.reward != 0
        }
        #expect(last.success && last.terminated)
        #expect(episode.progress > start + 0.1)
        #expect(abs(episode.episodeReturn - (1 + episode.progress - start)) < 1e-9)
        #expect(shapedSeen)
    }

    @Test("The staged potential pays place's lift in one step; the distance potential has no such jump")
    func stagedShaping() throws {
        func largestStepReward(_ potential: ShapingPotential) throws -> Double {
            var largest = 0.0
            let (environment, start, last) = try shapedExpertEpisode(.place, potential: potential) { _, step, _ in
                if !step.done { largest = max(largest, step.reward) }
            }
            #expect(last.success)
            #expect(abs(environment.episodeReturn - (1 + environment.progress - start)) < 1e-9)
            return largest
        }
        #expect(try largestStepReward(.stages) > 0.25)
        #expect(try largestStepReward(.distance) < 0.1)
    }

    @Test("A diverging simulation ends the episode; reset recovers")
    func divergence() throws {
        let environment = try self.environment()
        environment.data.qvel[0] = .nan
        let action = SimEnvironment.homePose.map(Float.init)
        let result = action.withUnsafeBufferPointer { environment.step($0) }
        #expect(result.diverged && result.terminated && !result.success)
        environment.reset()
        #expect(!environment.data.hasDiverged)
        #expect(!action.withUnsafeBufferPointer { environment.step($0) }.diverged)
    }

    @Test("Action latency delays the applied goal by that many ticks")
    func latency() throws {
        var configuration = EnvironmentConfiguration(task: .reach)
        configuration.renderImages = false
        configuration.randomization = .none
        configuration.randomization.maxActionLatency = 2
        let environment = try SimEnvironment(configuration: configuration, seed: 0)
        var seen = Set<Int>()
        for episode in 0..<30 {
            environment.reset(episode: episode)
            seen.insert(environment.latency)
            var action = SimEnvironment.homePose.map(Float.init)
            action[0] = 0.5
            let layout = environment.layout
            for tick in 0...environment.latency {
                _ = action.withUnsafeBufferPointer { environment.step($0) }
                let applied = environment.data.ctrl[layout.actuators[0]]
                #expect((applied == 0.5) == (tick == environment.latency), "latency \(environment.latency), tick \(tick)")
            }
        }
        #expect(seen == [0, 1, 2])
    }
}

@Suite("Domain randomization")
struct DomainRandomizationTests {
    private func sceneParameters(_ randomization: DomainRandomization, episode: Int) throws -> [Double] {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.randomization = randomization
        configuration.renderImages = false
        let environment = try SimEnvironment(configuration: configuration, seed: 21)
        environment.reset(episode: episode)
        let m = environment.model.pointer.pointee, layout = environment.layout
        let table = (0..<3).map { Double(m.geom_rgba[4 * layout.tableGeom + $0]) }
        let light = (0..<3).map { Double(m.light_diffuse[3 * layout.lights[0] + $0]) + m.light_pos[3 * layout.lights[0] + $0] }
        let camera = (0..<3).map { m.cam_pos[3 * layout.frontCamera + $0] } + (0..<4).map { m.cam_quat[4 * layout.wristCamera + $0] }
        return table + light + camera
    }

    @Test("Colours, lights and camera poses vary between episodes, and not without randomization")
    func perturbations() throws {
        let a = try sceneParameters(DomainRandomization(), episode: 0)
        let b = try sceneParameters(DomainRandomization(), episode: 1)
        #expect(zip(a, b).filter { $0 != $1 }.count == a.count)
        #expect(try sceneParameters(.none, episode: 0) == sceneParameters(.none, episode: 1))
    }

    @Test("Out-of-range settings are refused with the value named")
    func validation() {
        var settings = DomainRandomization()
        settings.maxActionLatency = 3
        #expect(throws: SimulationError.invalidConfiguration("maxActionLatency must be 0…2 ticks, got 3")) { try settings.validate() }
    }
}
