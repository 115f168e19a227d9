import Foundation

/// The task objects of a scene as a small feature vector, for state-based policies
/// (LeRobot's `observation.environment_state`): what a camera would have to find,
/// given directly. Only a simulator knows it, so policies that read it run in sim only.
///
/// Layout (metres, the table frame of the twin): the task cube's current centre
/// `x, y, z`; its yaw at the start of the episode as `sin, cos`; the goal's `x, y, z`
/// (plate centre on the table, reach target, push zone centre). Absent objects are zeros.
public enum ObjectState {
    /// Number of features.
    public static let count = 8
    /// Feature names, in order.
    public static let names = ["cube_x", "cube_y", "cube_z", "cube_yaw_sin", "cube_yaw_cos", "goal_x", "goal_y", "goal_z"]

    /// The features of `setup` in the current `scene`.
    public static func features(setup: EpisodeSetup, scene: SceneState) -> [Float] {
        var f = [Float](repeating: 0, count: count)
        if let cube = setup.cubes.first, let position = scene.cubes.first {
            f[0] = Float(position.x); f[1] = Float(position.y); f[2] = Float(position.z)
            f[3] = Float(sin(cube.yaw)); f[4] = Float(cos(cube.yaw))
        }
        if let goal = setup.plate ?? setup.target ?? setup.zone {
            f[5] = Float(goal.position.x); f[6] = Float(goal.position.y); f[7] = Float(goal.position.z)
        }
        return f
    }
}
