import RobotIO
import Testing
@testable import SimTrainer

@Suite("Loading models")
struct ModelLoadingTests {
    /// Malformed XML, and an unknown attribute, which MuJoCo's message names.
    @Test("A bad MJCF becomes modelLoadFailed carrying MuJoCo's message", arguments: [
        ("<mujoco><worldbody><geom type=\"box\"></worldbody></mujoco>", "XML"),
        ("<mujoco><option bogus=\"1\"/></mujoco>", "bogus"),
    ])
    func badModel(xml: String, messageNames: String) {
        #expect {
            _ = try MuJoCoModel(xml: xml)
        } throws: { error in
            guard case .modelLoadFailed(let message) = error as? SimulationError else { return false }
            return message.contains(messageNames)
        }
    }

    @Test("Looking up a missing name throws unknownName")
    func missingName() throws {
        let model = try MuJoCoModel(xml: SceneMJCF.xml())
        #expect(throws: SimulationError.unknownName(kind: "site", name: "nowhere")) {
            _ = try model.id(of: .site, named: "nowhere")
        }
    }

    @Test("The twin has the SO-101's joints in RobotSpec order, one actuator each, 500 Hz physics")
    func twinLayout() throws {
        let model = try MuJoCoModel(xml: SceneMJCF.xml())
        let layout = try TwinLayout(model: model)
        #expect(model.timestep == 0.002)
        #expect(model.nu == RobotSpec.so101.joints.count)
        #expect(layout.jointQpos == layout.jointQpos.sorted())
        #expect(layout.kinds == RobotSpec.so101.joints.map(\.kind))
        for (index, joint) in RobotSpec.so101.joints.enumerated() {
            #expect(layout.actuators[index] == (try model.id(of: .actuator, named: joint.name)))
            let range = model.range(ofJoint: try model.id(of: .joint, named: joint.name))
            #expect(range.lower == SO101Geometry.ranges[index].lower && range.upper == SO101Geometry.ranges[index].upper)
        }
    }
}
