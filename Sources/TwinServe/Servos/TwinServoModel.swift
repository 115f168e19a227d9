import CMuJoCo
import RobotIO
import SimTrainer

/// How the twin's servos behave (`sim serve --servo-model FILE`, docs/sim-serve.md): the
/// position loop of each joint (gain, damping, rotor inertia, friction, torque limit), the
/// servo's top speed, when it reports itself moving, how long it waits before replying and
/// how late a goal written on the wire reaches the motor. The defaults are the twin as built
/// (``SO101Geometry``): an STS3215 position loop with no top speed, no latency.
public struct TwinServoModel: Sendable, Equatable {
    /// One joint's position loop, in the joint's MJCF units: the arm's in N·m/rad, N·m·s/rad,
    /// kg·m², N·m and N·m; the jaw slide's in N/m, N·s/m, kg, N and N.
    public struct Loop: Sendable, Equatable {
        /// Position gain: force per unit of error between the setpoint and the joint.
        public var kp: Double
        /// Joint damping (viscous friction).
        public var damping: Double
        /// Reflected rotor inertia (MuJoCo armature).
        public var armature: Double
        /// Dry friction (MuJoCo frictionloss).
        public var friction: Double
        /// The most force the actuator exerts (the stall torque).
        public var forceLimit: Double

        public init(kp: Double, damping: Double, armature: Double, friction: Double, forceLimit: Double) {
            self.kp = kp
            self.damping = damping
            self.armature = armature
            self.friction = friction
            self.forceLimit = forceLimit
        }
    }

    /// Each joint's loop, in ``RobotIO/RobotSpec/so101`` order (the gripper last).
    public var loops: [Loop]
    /// The servo's top speed, ticks per second (Present_Velocity's unit): its setpoint never
    /// travels faster, whatever Goal_Velocity says; nil: none (only torque and damping limit it).
    public var speedLimitTicksPerSecond: Double?
    /// Moving reads 1 while the joint turns at least this fast, ticks per second.
    public var movingThresholdTicksPerSecond = 10.0
    /// Every servo's wait before its reply, µs; nil: the EEPROM's Return_Delay_Time (0).
    /// `--return-delay-us` wins over it.
    public var returnDelayMicroseconds: Int?
    /// From a goal (or torque, or speed) written on the wire to the motor acting on it, ms.
    public var latencyMilliseconds = 0.0

    /// The twin as built.
    public static let so101: TwinServoModel = {
        let g = SO101Geometry.self
        let arm = Loop(kp: g.armKp, damping: g.armDamping, armature: g.armArmature, friction: g.armFriction,
                       forceLimit: g.stallTorque)
        let jaw = Loop(kp: g.jawKp, damping: g.jawDamping, armature: g.jawArmature, friction: 0, forceLimit: g.jawForce)
        return TwinServoModel(loops: [arm, arm, arm, arm, arm, jaw])
    }()

    public init(loops: [Loop], speedLimitTicksPerSecond: Double? = nil) {
        self.loops = loops
        self.speedLimitTicksPerSecond = speedLimitTicksPerSecond
    }

    /// Physics steps a command waits before the motor acts on it.
    public func latencySteps(timestep: Double) -> Int { Int((latencyMilliseconds / 1000 / timestep).rounded()) }

    /// Writes every loop into `model`: actuator gain and bias (kp), force range, joint damping,
    /// armature and friction. Call before anything reads the actuators' nominal gains.
    public func apply(to model: MuJoCoModel, layout: TwinLayout) {
        let m = model.pointer
        for (joint, loop) in loops.enumerated() where joint < layout.actuators.count {
            let a = layout.actuators[joint], dof = layout.jointDofs[joint]
            m.pointee.actuator_gainprm[a * Int(mjNGAIN)] = loop.kp
            m.pointee.actuator_biasprm[a * Int(mjNBIAS) + 1] = -loop.kp
            m.pointee.actuator_forcerange[2 * a] = -loop.forceLimit
            m.pointee.actuator_forcerange[2 * a + 1] = loop.forceLimit
            m.pointee.dof_damping[dof] = loop.damping
            m.pointee.dof_armature[dof] = loop.armature
            m.pointee.dof_frictionloss[dof] = loop.friction
        }
    }

    /// The top speed of each joint in joint units per second, through the mounts `calibration`
    /// describes (infinity without a top speed).
    public func jointSpeedLimits(mountedAs calibration: Calibration) -> [Double] {
        calibration.joints.indices.map { joint in
            speedLimitTicksPerSecond.map { TwinServoMount(calibration: calibration, joint: joint).jointRate(fromTickRate: $0) }
                ?? .infinity
        }
    }
}
