/// A scripted expert for every task: follows ``ExpertPlan``'s waypoints with
/// the TCP (smoothstep between them), turning each tick's TCP goal into joint
/// goals with ``IKSolver`` warm-started from the previous tick. Reads the
/// simulator's ground truth (``SimObservation/privileged``). One expert per
/// environment (it keeps the plan of that environment's episode).
public final class ScriptedExpert {
    private let solver: IKSolver
    private let seed: UInt64
    private var plan: [Waypoint] = []
    private var legStart = ToolPose(position: .zero, jawYaw: 0)
    private var joints = [Double](repeating: 0, count: 5)
    private var episode = -1
    private var environment = -1

    /// An expert whose waypoint noise is drawn from `seed`.
    public init(seed: UInt64) throws(SimulationError) {
        solver = try IKSolver()
        self.seed = seed
    }

    /// The action for this control step (joint units, RobotSpec order) into `action` (6 values).
    /// `environment` selects the random stream of the plan noise.
    public func action(for observation: SimObservation, environment: Int = 0, into action: inout [Float]) {
        let setup = observation.privileged.setup
        if observation.episodeStep == 0 || observation.episodeIndex != episode || environment != self.environment {
            episode = observation.episodeIndex
            self.environment = environment
            var random = SimRandom(seed: seed ^ 0xE4E2_7000, stream: UInt64(environment), UInt64(episode))
            let start = ToolPose(position: observation.privileged.scene.tcp,
                                 jawYaw: ExpertPlan.naturalYaw(at: observation.privileged.scene.tcp))
            plan = ExpertPlan.waypoints(for: observation.privileged.task, setup: setup, start: start, &random)
            legStart = start
            for j in 0..<5 { joints[j] = observation.privileged.joints[j] }
        }
        let (pose, opening) = goal(atTick: observation.episodeStep)
        solver.solve(pose, joints: &joints, iterations: 12)
        for j in 0..<5 { action[j] = Float(joints[j]) }
        action[5] = Float(opening)
    }

    /// TCP goal and opening at `tick`: smoothstep along the current leg.
    private func goal(atTick tick: Int) -> (ToolPose, Double) {
        var start = legStart, elapsed = tick
        for waypoint in plan {
            if elapsed < waypoint.ticks {
                let s = Double(elapsed + 1) / Double(waypoint.ticks)
                let t = s * s * (3 - 2 * s)
                let yaw = start.jawYaw + t * (waypoint.pose.jawYaw - start.jawYaw)
                return (ToolPose(position: .mix(start.position, waypoint.pose.position, t), jawYaw: yaw), waypoint.opening)
            }
            elapsed -= waypoint.ticks
            start = waypoint.pose
        }
        let last = plan.last
        return (last?.pose ?? legStart, last?.opening ?? 0)
    }
}
