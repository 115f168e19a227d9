/// The servos' own motion profile: a position servo with a speed limit does not jump to a
/// new goal, its internal setpoint travels there at that speed, and the position loop (the
/// twin's actuator) follows the setpoint. With torque off the setpoint stays with the limp
/// joint, so torque on again starts from where the joint is.
struct ServoSetpoints {
    /// The setpoint of each joint, joint units.
    private(set) var values: [Double]

    init(jointCount: Int) {
        values = [Double](repeating: 0, count: jointCount)
    }

    /// Moves joint `joint`'s setpoint one physics step of `seconds` toward `goal` at most at
    /// `speedLimit` (joint units per second; infinity: straight to the goal) and returns it.
    mutating func advance(joint: Int, toward goal: Double, speedLimit: Double, torqueEnabled: Bool, present: Double,
                          seconds: Double) -> Double {
        guard torqueEnabled else {
            values[joint] = present
            return present
        }
        let reach = speedLimit * seconds
        let setpoint = values[joint]
        values[joint] = reach.isFinite ? setpoint + min(max(goal - setpoint, -reach), reach) : goal
        return values[joint]
    }

    /// Every setpoint at `pose` (an episode begins with the arm at rest there).
    mutating func reset(to pose: [Double]) {
        for joint in values.indices where joint < pose.count { values[joint] = pose[joint] }
    }
}
