import CMuJoCo
import SimTrainer

/// Torque enable for the twin's position actuators. A servo with torque off is limp, so
/// its actuator's gain and bias (kp, kv) go to zero; turning it on restores the model's.
struct ServoPower {
    private let model: MuJoCoModel
    private let actuators: [Int]
    /// kp (gain 0), −kp and −kv (bias 1 and 2) of each joint's actuator, as built.
    private let nominal: [(gain: Double, bias1: Double, bias2: Double)]
    private(set) var enabled: [Bool]

    init(model: MuJoCoModel, actuators: [Int]) {
        self.model = model
        self.actuators = actuators
        let m = model.pointer.pointee
        nominal = actuators.map { a in
            (m.actuator_gainprm[a * Int(mjNGAIN)], m.actuator_biasprm[a * Int(mjNBIAS) + 1], m.actuator_biasprm[a * Int(mjNBIAS) + 2])
        }
        enabled = [Bool](repeating: true, count: actuators.count)
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
