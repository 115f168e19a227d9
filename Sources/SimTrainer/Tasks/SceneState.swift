/// The task-relevant state of a scene after a physics step, read from mjData.
public struct SceneState: Sendable {
    /// Tool centre point (between the jaw tips).
    public var tcp: Vector3
    /// Cube centres (task cube first; parked cubes included).
    public var cubes: [Vector3]
    /// The task cube touches both jaws.
    public var cubeGrasped: Bool
    /// The task cube touches either jaw.
    public var cubeTouchesJaw: Bool
    /// Jaw gap (m).
    public var jawGap: Double

    /// A state from its parts (for tests and replays).
    public init(tcp: Vector3, cubes: [Vector3], cubeGrasped: Bool = false, cubeTouchesJaw: Bool = false, jawGap: Double = 0) {
        self.tcp = tcp
        self.cubes = cubes
        self.cubeGrasped = cubeGrasped
        self.cubeTouchesJaw = cubeTouchesJaw
        self.jawGap = jawGap
    }

    /// Reads the state from `data`.
    public init(data: MuJoCoData, layout: TwinLayout) {
        tcp = data.position(ofSite: layout.tcp)
        cubes = layout.cubeBodies.map { data.position(ofBody: $0) }
        let fixed = data.touching(layout.cubeGeoms[0], layout.jawGeoms[0])
        let moving = data.touching(layout.cubeGeoms[0], layout.jawGeoms[1])
        cubeGrasped = fixed && moving
        cubeTouchesJaw = fixed || moving
        jawGap = data.qpos[layout.jointQpos[layout.jointQpos.count - 1]]
    }
}
