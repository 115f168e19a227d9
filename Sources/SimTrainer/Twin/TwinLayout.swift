import RobotIO

/// Ids and addresses of the twin's named parts in one model, resolved once by
/// name. Joint order is RobotIO's ``RobotSpec/so101`` order.
public struct TwinLayout: Sendable {
    /// qpos address of each robot joint, in joint order.
    public let jointQpos: [Int]
    /// qvel address of each robot joint, in joint order.
    public let jointDofs: [Int]
    /// Actuator id of each robot joint, in joint order.
    public let actuators: [Int]
    /// Kinds of the robot joints (revolute or gripper), in joint order.
    public let kinds: [JointKind]
    /// The tool centre point site between the jaw tips.
    public let tcp: Int
    /// Fixed cameras: front and wrist.
    public let frontCamera: Int, wristCamera: Int
    /// Cube bodies (task cube first) and their free joints' qpos addresses.
    public let cubeBodies: [Int], cubeQpos: [Int], cubeDofs: [Int], cubeGeoms: [Int]
    /// Mocap indices of the plate, reach target and push zone.
    public let plateMocap: Int, targetMocap: Int, zoneMocap: Int
    /// Geoms that get task colours.
    public let plateGeom: Int, targetGeom: Int, zoneGeom: Int, tableGeom: Int
    /// The wall behind the arm (textured with the table when textures are on).
    public let wallGeom: Int
    /// The two jaw geoms.
    public let jawGeoms: [Int]
    /// Light ids (key, fill).
    public let lights: [Int]

    /// Resolves every name in `model`.
    /// - Throws: ``SimulationError/unknownName(kind:name:)`` for a missing part.
    public init(model: MuJoCoModel, robot: RobotSpec = .so101) throws(SimulationError) {
        var qpos: [Int] = [], dofs: [Int] = [], actuators: [Int] = []
        for joint in robot.joints {
            let id = try model.id(of: .joint, named: joint.name)
            qpos.append(model.qposAddress(ofJoint: id))
            dofs.append(model.dofAddress(ofJoint: id))
            actuators.append(try model.id(of: .actuator, named: joint.name))
        }
        jointQpos = qpos
        jointDofs = dofs
        self.actuators = actuators
        kinds = robot.joints.map(\.kind)
        tcp = try model.id(of: .site, named: "tcp")
        frontCamera = try model.id(of: .camera, named: "front")
        wristCamera = try model.id(of: .camera, named: "wrist")
        var bodies: [Int] = [], cubeQpos: [Int] = [], cubeDofs: [Int] = [], cubeGeoms: [Int] = []
        for name in SceneMJCF.cubeNames {
            bodies.append(try model.id(of: .body, named: name))
            let joint = try model.id(of: .joint, named: name + "_free")
            cubeQpos.append(model.qposAddress(ofJoint: joint))
            cubeDofs.append(model.dofAddress(ofJoint: joint))
            cubeGeoms.append(try model.id(of: .geom, named: name + "_geom"))
        }
        cubeBodies = bodies
        self.cubeQpos = cubeQpos
        self.cubeDofs = cubeDofs
        self.cubeGeoms = cubeGeoms
        func mocap(_ name: String) throws(SimulationError) -> Int {
            let body = try model.id(of: .body, named: name)
            return Int(model.pointer.pointee.body_mocapid[body])
        }
        plateMocap = try mocap("plate")
        targetMocap = try mocap("target")
        zoneMocap = try mocap("zone")
        plateGeom = try model.id(of: .geom, named: "plate")
        targetGeom = try model.id(of: .geom, named: "target")
        zoneGeom = try model.id(of: .geom, named: "zone")
        tableGeom = try model.id(of: .geom, named: "table")
        wallGeom = try model.id(of: .geom, named: "wall")
        jawGeoms = [try model.id(of: .geom, named: "fixed_jaw"), try model.id(of: .geom, named: "moving_jaw")]
        lights = [try model.id(of: .light, named: "key"), try model.id(of: .light, named: "fill")]
    }
}
