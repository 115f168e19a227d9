import CMuJoCo
import SimTrainer

/// Torque enable for the twin's position actuators. A servo with torque off is limp, so
/// its actuator's gain and bias (kp, kv) go to zero; turning it on restores the model's.
struct ServoPower {
    private let model: MuJoCoModel
    private let actuators: [Int]
    /// kp (gain 0), −kp and −kv (bias 1 and 2) of each joint's actuator, as built.
    private let nominal: [(gain: Double, bias1: Double, bias2: Double)]
    /// The upper end of each actuator's force range (the STS3215 stall torque for the arm).
    private let forceLimits: [Double]
    private(set) var enabled: [Bool]

    init(model: MuJoCoModel, actuators: [Int]) {
        self.model = model
        self.actuators = actuators
        let m = model.pointer.pointee
        nominal = actuators.map { a in
            (m.actuator_gainprm[a * Int(mjNGAIN)], m.actuator_biasprm[a * Int(mjNBIAS) + 1], m.actuator_biasprm[a * Int(mjNBIAS) + 2])
        }
        forceLimits = actuators.map { a in m.actuator_forcerange[2 * a + 1] }
        enabled = [Bool](repeating: true, count: actuators.count)
    }

    /// Joint `joint`'s actuator force as a fraction of its limit, −1…1 (0 while limp).
    func effort(of joint: Int, in data: MuJoCoData) -> Double {
        let limit = forceLimits[joint]
        guard limit > 0 else { return 0 }
        return min(1, max(-1, data.pointer.pointee.actuator_force[actuators[joint]] / limit))
    }

    /// Powers joint `joint` on or off (a no-op when it already is).
    mutating func set(_ on: Bool, joint: Int) {
        guard enabled[joint] != on else { return }
        enabled[joint] = on
        let m = model.pointer.pointee, a = actuators[joint], values = nominal[joint]
        m.actuator_gainprm[a * Int(mjNGAIN)] = on ? values.gain : 0
        m.actuator_biasprm[a * Int(mjNBIAS) + 1] = on ? values.bias1 : 0
        m.actuator_biasprm[a * Int(mjNBIAS) + 2] = on ? values.bias2 : 0
    }

    /// Every joint on.
    mutating func enableAll() {
        for joint in enabled.indices { set(true, joint: joint) }
    }
}
