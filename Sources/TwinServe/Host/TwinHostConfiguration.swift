import RobotIO
import SimTrainer

/// Settings of the served twin's physics and episodes.
public struct TwinHostConfiguration: Sendable {
    /// Task, randomization and episode length (``EnvironmentConfiguration/maxSteps``, in
    /// 30 Hz control ticks; the task's own when nil). Images are never rendered into
    /// observations here: the cameras are published by ``TwinCameraPublisher``.
    public var environment: EnvironmentConfiguration
    /// Run seed: episode k of a seed always has the same setup.
    public var seed: UInt64 = 0
    /// Stop after this many finished episodes; nil: until stopped.
    public var episodes: Int?
    /// Twin seconds per wall-clock second. 1 (real time) for `sim serve`; tests may run faster.
    public var speed = 1.0
    /// Physics steps run in one go at most when the thread woke late. Beyond that the
    /// twin skips time (counted in ``EpisodeRecord/skippedSteps``) instead of racing to
    /// catch up, as a real arm does not replay the moments a loaded host missed.
    public var maxCatchUpSteps = 50
    /// The servos' position loops, top speed and latency (`--servo-model`).
    public var servoModel = TwinServoModel.so101
    /// How the servos are mounted: turns the model's top speed (ticks/s) into joint units.
    public var servoCalibration = TwinCalibration.so101

    /// Settings for `task` with everything else at its default.
    public init(task: TaskKind) {
        environment = EnvironmentConfiguration(task: task)
    }

    /// Names the first bad value.
    public func validate() throws(TwinServeError) {
        if let episodes, episodes < 1 { throw .invalidOption("--episodes must be at least 1, got \(episodes)") }
        guard speed > 0, speed <= 100 else { throw .invalidOption("the twin's speed must be in (0, 100], got \(speed)") }
        guard maxCatchUpSteps >= 1 else { throw .invalidOption("maxCatchUpSteps must be at least 1") }
        guard servoModel.loops.count == servoCalibration.joints.count else {
            throw .invalidOption("the servo model has \(servoModel.loops.count) joints, the arm \(servoCalibration.joints.count)")
        }
        do { try environment.validate() } catch { throw .invalidOption("\(error)") }
    }
}
