/// One robot behind the control loop: a real arm on a servo bus, the simulated
/// twin, or either wrapped in a dry run. Joint values are in joint units
/// (radians; gripper opening 0…1) in the robot spec's joint order.
///
/// Lifecycle, as ros2_control's hardware interfaces:
/// - `verify()`: communication up, every motor checked, nothing written (all a dry run does);
/// - `configure()`: `verify()` plus modes and gains written (nothing moves);
/// - `activate(holding:)`: power on, holding the given pose (the loop then ramps from it);
/// - `deactivate()`: power off (torque off); must work even after faults.
///
/// `readState(into:)` and `writeGoals(_:)` run inside the real-time loop: they
/// must not allocate, and they never read the clock themselves.
public protocol RobotBackend: AnyObject {
    /// Joint names in order.
    var jointNames: [String] { get }
    /// The calibrated range of every joint.
    var limits: JointLimits { get }
    /// Communication up, every motor checked (and its calibration); nothing is written.
    func verify() throws
    /// `verify()`, then modes and gains written; nothing moves.
    func configure() throws
    /// Torque on, goals set to `pose` first so nothing jumps.
    func activate(holding pose: [Float]) throws
    /// Torque off. Best effort: reports but never throws.
    func deactivate() -> String?
    /// Reads every joint position (one bus transaction). Real-time safe.
    func readState(into state: inout [Float]) throws
    /// Writes every joint goal (one bus transaction). Real-time safe.
    func writeGoals(_ goals: [Float]) throws
    /// The outcome of an episode that ended on the last `writeGoals` (simulated
    /// tasks only); the backend has already reset to the next episode.
    func takeEpisodeOutcome() -> EpisodeOutcome?
}

extension RobotBackend {
    /// Real robots have no episodes.
    public func takeEpisodeOutcome() -> EpisodeOutcome? { nil }
}
