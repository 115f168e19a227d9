/// Kinematic and actuator facts of the SO-101 follower used by the twin.
///
/// Joint-to-joint offsets, axes and ranges follow TheRobotStudio's public
/// SO-101 description (SO-ARM100 repository, `Simulation/SO101/
/// so101_new_calib.urdf`, generated from the Onshape CAD): pan axis 94.9 mm
/// above the base, lift axis 54.2 mm above and 30.4 mm beside the pan axis,
/// upper arm 112.6 mm with a 28 mm offset, forearm 134.9 mm, wrist to roll
/// 61.1 mm, roll axis to jaw tip about 98 mm; ranges ±1.92, ±1.745, ±1.69,
/// ±1.658 and ±2.79 rad. Zero is the middle of each range ("new calibration"):
/// upper arm vertical, forearm and wrist horizontal, pointing along +x.
/// Positive lift, elbow and wrist flex tilt the arm forward / down.
///
/// Servo facts: Feetech STS3215, 2.94 N·m stall torque (30 kg·cm at 12 V);
/// the position loop is modelled as a MuJoCo position actuator (kp in N·m/rad)
/// with joint damping and reflected rotor inertia (armature).
///
/// The jaw is modelled as a parallel slide (the real moving jaw swings on a
/// hinge); the policy only sees the opening 0…1, mapped linearly to the gap.
public enum SO101Geometry {
    /// Height of the pan axis above the table (m).
    public static let panHeight = 0.0949
    /// Lift axis relative to the pan frame (forward, up) (m).
    public static let liftOffset = (forward: 0.0304, up: 0.0542)
    /// Elbow axis relative to the lift frame at zero (forward, up) (m).
    public static let upperArm = (forward: 0.028, up: 0.11257)
    /// Forearm length, elbow to wrist flex (m).
    public static let forearm = 0.1349
    /// Wrist flex to wrist roll (m).
    public static let wrist = 0.0611
    /// Wrist roll axis to the tool centre point between the jaw tips (m).
    public static let toolLength = 0.085
    /// Joint ranges in radians (arm) and the jaw gap range in metres, in joint order.
    public static let ranges: [(lower: Double, upper: Double)] = [
        (-1.91986, 1.91986), (-1.74533, 1.74533), (-1.69, 1.69), (-1.65806, 1.65806), (-2.79253, 2.79253),
        (0, jawTravel),
    ]
    /// Jaw gap at opening 1 (m).
    public static let jawTravel = 0.05
    /// Position gain of the arm servos (N·m/rad).
    public static let armKp = 60.0
    /// STS3215 stall torque (N·m), the arm actuators' force limit.
    public static let stallTorque = 2.94
    /// Position gain of the jaw (N/m) and its force limit (N).
    public static let jawKp = 300.0, jawForce = 10.0
    /// Arm joints: damping (N·m·s/rad), reflected rotor inertia (kg·m²) and dry friction (N·m).
    public static let armDamping = 1.0, armArmature = 0.03, armFriction = 0.05
    /// The jaw slide: damping (N·s/m) and reflected inertia (kg); no dry friction.
    public static let jawDamping = 60.0, jawArmature = 0.01
}
