/// The MJCF text of the twin's scene: a table, the SO-101 built from
/// primitives (``SO101Geometry``), three cubes (the task cube and two
/// distractors), a plate, a reach target and a push zone, a front camera and a
/// wrist camera (``TwinCamera``). Every task uses this one layout; objects a task does not use
/// are parked out of view (``SceneMJCF/parking``), so one renderer serves all.
public enum SceneMJCF {
    /// Physics time step (s): 500 Hz.
    public static let timestep = 0.002
    /// Edge length of every cube (m).
    public static let cubeSize = 0.025
    /// Radius and thickness of the plate (m).
    public static let plateRadius = 0.05, plateThickness = 0.006
    /// Half edge of the square push zone (m).
    public static let zoneHalfSize = 0.04
    /// Names of the cubes: index 0 is the task cube.
    public static let cubeNames = ["cube", "distractor1", "distractor2"]
    /// Where unused object `index` waits: far below and behind the table.
    public static func parking(_ index: Int) -> Vector3 { Vector3(-2, 0.2 * Double(index), -2.9875) }

    /// The scene's MJCF text. `textures` declares the procedural textures and their materials
    /// (``SceneTextures``; no geom uses one until the randomizer assigns it, and a model without
    /// them renders the same pixels); their pixels are written by ``SceneTextures/paint(_:)``.
    /// `cameras`: the front and wrist cameras' poses (a ``TwinCameraPose`` moves the front one).
    public static func xml(offscreenWidth: Int = 640, offscreenHeight: Int = 480, textures: Bool = true,
                           cameras: [TwinCamera] = TwinCamera.all) -> String {
        let g = SO101Geometry.self
        let front = cameras.first { $0.name == TwinCamera.front.name } ?? .front
        let wrist = cameras.first { $0.name == TwinCamera.wrist.name } ?? .wrist
        let r = g.ranges
        let half = cubeSize / 2
        let cubes = cubeNames.enumerated().map { index, name in
            let p = parking(index)
            return """
                <body name="\(name)" pos="\(p.x) \(p.y) \(p.z)">
                  <freejoint name="\(name)_free"/>
                  <geom name="\(name)_geom" class="object" type="box" size="\(half) \(half) \(half)" mass="0.02" rgba="0.8 0.1 0.1 1"/>
                </body>
            """
        }.joined(separator: "\n")
        return """
        <mujoco model="so101_twin">
          <compiler angle="radian" autolimits="true"/>
          <option timestep="\(timestep)" cone="elliptic" impratio="10" iterations="20"/>
          <visual>
            <global offwidth="\(offscreenWidth)" offheight="\(offscreenHeight)" fovy="45"/>
            <quality offsamples="0" shadowsize="1024" numslices="12" numstacks="6" numquads="1"/>
            <headlight ambient="0.35 0.35 0.35" diffuse="0.4 0.4 0.4" specular="0 0 0"/>
          </visual>
          <default>
            <default class="arm">
              <joint damping="\(g.armDamping)" armature="\(g.armArmature)" frictionloss="\(g.armFriction)"/>
              <position kp="\(g.armKp)" forcerange="\(-g.stallTorque) \(g.stallTorque)"/>
              <geom contype="0" conaffinity="0" rgba="1 0.82 0.12 1" density="600"/>
              <default class="motor"><geom rgba="0.1 0.1 0.1 1"/></default>
              <default class="collider"><geom contype="2" conaffinity="1" friction="1.5 0.02 0.002" condim="4"/></default>
            </default>
            <default class="object">
              <geom contype="1" conaffinity="3" friction="1.2 0.02 0.002" condim="3"/>
            </default>
            <default class="marker">
              <geom contype="0" conaffinity="0"/>
            </default>
          </default>
        \(textures ? SceneTextures.assetsMJCF : "")
          <worldbody>
            <light name="key" pos="0.3 -0.4 1.2" dir="-0.2 0.3 -1" diffuse="0.6 0.6 0.6" directional="false" castshadow="true"/>
            <light name="fill" pos="-0.4 0.5 1.0" dir="0.3 -0.4 -1" diffuse="0.25 0.25 0.25" castshadow="false"/>
            <geom name="table" type="box" pos="0.2 0 -0.02" size="0.4 0.45 0.02" rgba="0.55 0.45 0.35 1" contype="1" conaffinity="3" friction="1 0.02 0.002"/>
            <geom name="wall" type="box" pos="-0.25 0 0.3" size="0.01 0.8 0.35" rgba="0.82 0.84 0.86 1" contype="0" conaffinity="0"/>
            <geom name="floor" type="plane" pos="0 0 -0.75" size="2 2 0.1" rgba="0.35 0.36 0.38 1" contype="0" conaffinity="0"/>
            <geom name="parking" type="box" pos="-2 0.2 -3.02" size="0.3 0.5 0.02" rgba="0.3 0.3 0.3 1" contype="1" conaffinity="3"/>
            \(front.mjcf)
            <body name="base" childclass="arm">
              <geom name="base" type="cylinder" size="0.045 0.03" pos="0 0 0.03" rgba="1 0.82 0.12 1"/>
              <geom class="motor" type="box" size="0.02 0.024 0.018" pos="0 0 0.076"/>
              <body name="shoulder" pos="0 0 \(g.panHeight)">
                <joint name="shoulder_pan" axis="0 0 1" range="\(r[0].lower) \(r[0].upper)"/>
                <geom type="box" size="0.03 0.025 0.02" pos="0.012 0 0.025"/>
                <geom class="motor" type="box" size="0.012 0.02 0.024" pos="\(g.liftOffset.forward) 0 \(g.liftOffset.up - 0.012)"/>
                <body name="upper_arm" pos="\(g.liftOffset.forward) 0 \(g.liftOffset.up)">
                  <joint name="shoulder_lift" axis="0 1 0" range="\(r[1].lower) \(r[1].upper)"/>
                  <geom type="capsule" fromto="0 0 0 \(g.upperArm.forward) 0 \(g.upperArm.up)" size="0.016"/>
                  <geom class="motor" type="box" size="0.012 0.024 0.02" pos="\(g.upperArm.forward) 0 \(g.upperArm.up - 0.01)"/>
                  <body name="lower_arm" pos="\(g.upperArm.forward) 0 \(g.upperArm.up)">
                    <joint name="elbow_flex" axis="0 1 0" range="\(r[2].lower) \(r[2].upper)"/>
                    <geom type="capsule" fromto="0 0 0 \(g.forearm) 0 0" size="0.014"/>
                    <geom class="motor" type="box" size="0.02 0.024 0.012" pos="\(g.forearm - 0.015) 0 0"/>
                    <body name="wrist" pos="\(g.forearm) 0 0">
                      <joint name="wrist_flex" axis="0 1 0" range="\(r[3].lower) \(r[3].upper)"/>
                      <geom class="collider" type="box" size="0.026 0.02 0.016" pos="0.03 0 0" rgba="0.1 0.1 0.1 1"/>
                      <body name="gripper" pos="\(g.wrist) 0 0">
                        <joint name="wrist_roll" axis="1 0 0" range="\(r[4].lower) \(r[4].upper)"/>
                        <geom class="collider" type="box" size="0.02 0.028 0.018" pos="0.018 -0.004 0" rgba="1 0.82 0.12 1"/>
                        <geom name="fixed_jaw" class="collider" type="box" size="0.03 0.0025 0.01" pos="\(g.toolLength - 0.015) -0.019 0" rgba="1 0.82 0.12 1"/>
                        <site name="tcp" pos="\(g.toolLength) 0 0" size="0.004" rgba="0 1 0 0"/>
                        \(wrist.mjcf)
                        <body name="moving_jaw" pos="\(g.toolLength - 0.015) -0.014 0">
                          <joint name="gripper" type="slide" axis="0 1 0" range="\(r[5].lower) \(r[5].upper)" damping="\(g.jawDamping)" armature="\(g.jawArmature)" frictionloss="0"/>
                          <geom name="moving_jaw" class="collider" type="box" size="0.03 0.0025 0.01" rgba="0.1 0.1 0.1 1"/>
                        </body>
                      </body>
                    </body>
                  </body>
                </body>
              </body>
            </body>
        \(cubes)
            <body name="plate" mocap="true" pos="\(parking(3).x) \(parking(3).y) -3">
              <geom name="plate" class="object" type="cylinder" size="\(plateRadius) \(plateThickness / 2)" pos="0 0 \(plateThickness / 2)" rgba="0.1 0.3 0.9 1"/>
            </body>
            <body name="target" mocap="true" pos="\(parking(4).x) \(parking(4).y) -2.9">
              <geom name="target" class="marker" type="sphere" size="0.012" rgba="0.1 0.8 0.1 1"/>
            </body>
            <body name="zone" mocap="true" pos="\(parking(5).x) \(parking(5).y) -3">
              <geom name="zone" class="marker" type="box" size="\(zoneHalfSize) \(zoneHalfSize) 0.0005" pos="0 0 0.0005" rgba="0.2 0.7 0.2 1"/>
            </body>
          </worldbody>
          <actuator>
            <position name="shoulder_pan" class="arm" joint="shoulder_pan" ctrlrange="\(r[0].lower) \(r[0].upper)"/>
            <position name="shoulder_lift" class="arm" joint="shoulder_lift" ctrlrange="\(r[1].lower) \(r[1].upper)"/>
            <position name="elbow_flex" class="arm" joint="elbow_flex" ctrlrange="\(r[2].lower) \(r[2].upper)"/>
            <position name="wrist_flex" class="arm" joint="wrist_flex" ctrlrange="\(r[3].lower) \(r[3].upper)"/>
            <position name="wrist_roll" class="arm" joint="wrist_roll" ctrlrange="\(r[4].lower) \(r[4].upper)"/>
            <position name="gripper" joint="gripper" kp="\(g.jawKp)" forcerange="\(-g.jawForce) \(g.jawForce)" ctrlrange="\(r[5].lower) \(r[5].upper)"/>
          </actuator>
        </mujoco>
        """
    }
}
