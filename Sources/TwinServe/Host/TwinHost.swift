import Camera
import SimTrainer
import Synchronization

/// The twin behind the wire: the MuJoCo SO-101 stepped in wall-clock real time at its
/// own physics rate (500 Hz) on a thread of its own, whatever its clients do. Before
/// every physics step it reads the servo command from its ``TwinJointPort``, after it
/// reports the arm; every 30 Hz control tick it evaluates the task. When the task
/// succeeds, times out or the physics diverges, it records the episode (``EpisodeRecord``,
/// appended to the results log), resets the scene with the arm back at rest and starts
/// the next one. The scene state goes to the camera publishers through ``scene``.
public final class TwinHost: @unchecked Sendable {
    /// The settings.
    public let configuration: TwinHostConfiguration
    /// Where the servo command comes from and the arm's state goes.
    public let port: any TwinJointPort
    /// The newest scene state, for the camera publishers.
    public let scene = TwinSceneFeed()

    // Used by the thread that created the host until start(), then by the physics thread only.
    private let environment: SimEnvironment
    private let results: EpisodeResultsLog?
    private let prompts: EpisodePromptFile?
    private let onEpisodeEnd: (@Sendable (EpisodeRecord) -> Void)?
    private var power: ServoPower
    private var setpoints: ServoSetpoints
    private var command: TwinJointCommand
    /// The command the motors act on now: ``command`` after the servo model's latency.
    private var acting: TwinJointCommand
    private var delay: CommandDelay
    /// Each joint's top speed (joint units/s) from the servo model.
    private let topSpeeds: [Double]
    private var jointState: TwinJointState
    private var episodeSteps = 0, tick = 0, nextTickAt = 0, episodeSkipped = 0
    private var pendingModel: TwinRenderModel?

    private let stopRequested = Atomic<Bool>(false)
    private let shared = Mutex<(records: [EpisodeRecord], failure: TwinServeError?, skipped: Int)>(([], nil, 0))
    private var thread: TwinThread?

    /// Builds the scene and prepares episode 0 (the arm at rest, the scene published).
    /// - Parameters:
    ///   - results: where finished episodes are appended; nil: kept in ``records`` only.
    ///   - prompts: where each episode's instruction is written as it starts (episode 0's before
    ///     this returns); nil: nowhere.
    ///   - onEpisodeEnd: called on the physics thread after each episode (keep it short).
    public init(configuration: TwinHostConfiguration, port: any TwinJointPort, results: EpisodeResultsLog? = nil,
                prompts: EpisodePromptFile? = nil, onEpisodeEnd: (@Sendable (EpisodeRecord) -> Void)? = nil) throws(TwinServeError) {
        try configuration.validate()
        self.configuration = configuration
        self.port = port
        self.results = results
        self.prompts = prompts
        self.onEpisodeEnd = onEpisodeEnd
        var settings = configuration.environment
        settings.renderImages = false
        do {
            environment = try SimEnvironment(configuration: settings, seed: configuration.seed)
        } catch {
            throw .simulation("\(error)")
        }
        let joints = environment.layout.actuators.count
        // Before ServoPower reads the actuators' gains as the powered ones.
        configuration.servoModel.apply(to: environment.model, layout: environment.layout)
        topSpeeds = configuration.servoModel.jointSpeedLimits(mountedAs: configuration.servoCalibration)
        power = ServoPower(model: environment.model, actuators: environment.layout.actuators)
        setpoints = ServoSetpoints(jointCount: joints)
        command = TwinJointCommand(goals: [Double](repeating: 0, count: joints))
        acting = command
        delay = CommandDelay(steps: configuration.servoModel.latencySteps(timestep: environment.model.timestep),
                             holding: command)
        jointState = TwinJointState(jointCount: joints)
        if let failure = beginEpisode(0) { throw failure }
        scene.publish(environment.data, at: MonotonicTime.nanoseconds(), model: pendingModel)
        pendingModel = nil
    }

    deinit {
        requestStop()
        thread?.join()
    }

    /// Starts the physics thread.
    public func start() throws(TwinServeError) {
        guard thread == nil else { return }
        thread = try TwinThread(name: "pirl-twin-physics") { [self] in run() }
    }

    /// Asks the physics thread to stop after its current step; ``wait()`` joins it.
    public func requestStop() { stopRequested.store(true, ordering: .releasing) }

    /// Waits until the physics thread has stopped (after ``requestStop()``, or by itself
    /// after ``TwinHostConfiguration/episodes`` episodes or a failure).
    public func wait() {
        thread?.join()
    }

    /// True once the physics thread has nothing left to do.
    public var isFinished: Bool { stopRequested.load(ordering: .acquiring) }

    /// Finished episodes so far, in order.
    public var records: [EpisodeRecord] { shared.withLock { $0.records } }

    /// Why the host stopped by itself, if it failed (the results or prompt file became unwritable).
    public var failure: TwinServeError? { shared.withLock { $0.failure } }

    /// Physics steps skipped so far because the host fell behind the wall clock.
    public var skippedSteps: Int { shared.withLock { $0.skipped } }

    /// Totals of the finished episodes.
    public var summary: EpisodeSummary { EpisodeSummary(records) }

    // MARK: Physics thread

    private func run() {
        let stepNanoseconds = environment.model.timestep / configuration.speed * 1e9
        let origin = MonotonicTime.nanoseconds()
        // Steps accounted for since `origin` (run or skipped): the state belongs to origin + done × step.
        var done = 0
        func instant(_ steps: Int) -> UInt64 { origin + UInt64(Double(steps) * stepNanoseconds) }
        while !stopRequested.load(ordering: .acquiring) {
            let now = MonotonicTime.nanoseconds()
            var due = Int(Double(now - origin) / stepNanoseconds) - done
            if due > configuration.maxCatchUpSteps {
                let skipped = due - configuration.maxCatchUpSteps
                done += skipped
                episodeSkipped += skipped
                shared.withLock { $0.skipped += skipped }
                due = configuration.maxCatchUpSteps
            }
            if due > 0 {
                for _ in 0..<due {
                    step()
                    done += 1
                    if stopRequested.load(ordering: .relaxed) { break }
                }
                scene.publish(environment.data, at: instant(done), model: pendingModel)
                pendingModel = nil
            }
            sleep(untilMonotonicNanoseconds: instant(done + 1))
        }
    }

    /// One physics step under the port's command, the arm reported, the task checked at tick ends.
    private func step() {
        port.readCommand(into: &command)
        delay.pass(command, into: &acting)
        let layout = environment.layout, ctrl = environment.data.ctrl, timestep = environment.model.timestep
        for joint in acting.goals.indices {
            let kind = layout.kinds[joint]
            let goal = TwinJointUnits.clamp(acting.goals[joint], joint: joint, kind: kind)
            let setpoint = setpoints.advance(joint: joint, toward: goal, speedLimit: min(acting.speedLimits[joint], topSpeeds[joint]),
                                             torqueEnabled: acting.torqueEnabled[joint],
                                             present: jointState.positions[joint], seconds: timestep)
            ctrl[layout.actuators[joint]] = TwinJointUnits.mjcfValue(fromJointUnits: setpoint, kind: kind)
            power.set(acting.torqueEnabled[joint], joint: joint)
        }
        environment.data.step()
        episodeSteps += 1
        reportJoints()
        guard episodeSteps >= nextTickAt else { return }
        tick += 1
        nextTickAt += environment.configuration.physicsSteps(inTick: tick)
        checkTask()
    }

    private func reportJoints() {
        let layout = environment.layout, data = environment.data
        for joint in jointState.positions.indices {
            let kind = layout.kinds[joint]
            jointState.positions[joint] = TwinJointUnits.jointUnits(fromMJCF: data.qpos[layout.jointQpos[joint]], kind: kind)
            jointState.velocities[joint] = TwinJointUnits.jointUnits(fromMJCF: data.qvel[layout.jointDofs[joint]], kind: kind)
            jointState.efforts[joint] = power.effort(of: joint, in: data)
        }
        jointState.episodeTime = Double(episodeSteps) * environment.model.timestep
        port.publish(jointState)
    }

    private func checkTask() {
        let data = environment.data, task = environment.task, setup = environment.setup
        if data.hasDiverged { return finishEpisode(.diverged, failure: "physics diverged") }
        let state = SceneState(data: data, layout: environment.layout)
        if task.outcome(of: setup, in: state).success { return finishEpisode(.success, failure: nil) }
        if tick >= environment.maxSteps { finishEpisode(.timeout, failure: task.failure(of: setup, in: state)) }
    }

    private func finishEpisode(_ reason: EpisodeRecord.Reason, failure: String?) {
        let record = EpisodeRecord(
            episode: environment.episodeIndex, task: configuration.environment.task.rawValue, success: reason == .success,
            reason: reason, failure: failure, durationSeconds: Double(episodeSteps) * environment.model.timestep,
            skippedSteps: episodeSkipped, seed: configuration.seed, instruction: environment.setup.instruction,
            setup: environment.setup)
        var written: TwinServeError?
        do throws(TwinServeError) { try results?.append(record) } catch { written = error }
        let finished = shared.withLock { shared in
            shared.records.append(record)
            if let written { shared.failure = written }
            return shared.records.count
        }
        onEpisodeEnd?(record)
        if written != nil || finished >= configuration.episodes ?? Int.max {
            requestStop()
            return
        }
        if let failure = beginEpisode(environment.episodeIndex + 1) {
            shared.withLock { $0.failure = failure }
            requestStop()
        }
    }

    /// Resets the scene for episode `index` with every servo powered and at rest, and writes
    /// its instruction to the prompt file; returns why that write failed, if it did.
    private func beginEpisode(_ index: Int) -> TwinServeError? {
        power.enableAll()
        environment.reset(episode: index)
        episodeSteps = 0
        tick = 0
        nextTickAt = environment.configuration.physicsSteps(inTick: 0)
        episodeSkipped = 0
        let rest = environment.jointPositions()
        for joint in command.goals.indices {
            command.goals[joint] = rest[joint]
            command.torqueEnabled[joint] = true
        }
        setpoints.reset(to: rest)
        delay.reset(to: command)
        port.episodeDidStart(restPose: rest)
        jointState.episode = index
        reportJoints()
        pendingModel = TwinRenderModel(copying: environment.model, episode: index)
        do throws(TwinServeError) { try prompts?.write(environment.setup.instruction) } catch { return error }
        return nil
    }
}
