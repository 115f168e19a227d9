import Foundation

/// One leg of a scripted motion: move the TCP to `pose` over `ticks` control
/// steps (smoothstep in Cartesian space) while commanding the jaw `opening`.
public struct Waypoint: Sendable, Equatable {
    /// Where the TCP ends this leg.
    public var pose: ToolPose
    /// Gripper opening 0…1 during the leg.
    public var opening: Double
    /// Duration in control ticks.
    public var ticks: Int
}

/// The waypoints of a task's scripted solution, built from the episode's ground truth.
public enum ExpertPlan {
    /// Heights of the TCP (m above the table) used by the plans.
    static let hover = 0.08, carry = 0.10, grasp = 0.02, pushHeight = 0.022

    /// The plan for `setup`; `noise` perturbs positions (σ = 2 mm) and durations (±2 ticks).
    public static func waypoints(for task: TaskKind, setup: EpisodeSetup, start: ToolPose, _ random: inout SimRandom) -> [Waypoint] {
        func jitter(_ p: Vector3) -> Vector3 { p + Vector3(0.002 * random.normal(), 0.002 * random.normal(), 0) }
        func ticks(_ n: Int) -> Int { n + random.index(5) - 2 }
        switch task {
        case .reach:
            let target = setup.target?.position ?? start.position
            let yaw = naturalYaw(at: target)
            let above = Vector3(target.x, target.y, max(target.z, 0.06) + 0.03)
            return [
                Waypoint(pose: ToolPose(position: jitter(above), jawYaw: yaw), opening: 0.5, ticks: ticks(25)),
                Waypoint(pose: ToolPose(position: target, jawYaw: yaw), opening: 0.5, ticks: ticks(18)),
                Waypoint(pose: ToolPose(position: target, jawYaw: yaw), opening: 0.5, ticks: 60),
            ]
        case .lift:
            return pick(setup.cubes[0], jitter: jitter, ticks: ticks) + [
                Waypoint(pose: ToolPose(position: Vector3(setup.cubes[0].position.x, setup.cubes[0].position.y, 0.12),
                                        jawYaw: graspYaw(setup.cubes[0])), opening: 0, ticks: 60),
            ]
        case .place, .pickPlace:
            let cube = setup.cubes[0]
            let plate = setup.plate?.position ?? cube.position
            let yaw = graspYaw(cube)
            let over = Vector3(plate.x, plate.y, carry)
            let release = Vector3(plate.x, plate.y, SceneMJCF.plateThickness + grasp + 0.006)
            return pick(cube, jitter: jitter, ticks: ticks) + [
                Waypoint(pose: ToolPose(position: jitter(over), jawYaw: yaw), opening: 0, ticks: ticks(32)),
                Waypoint(pose: ToolPose(position: release, jawYaw: yaw), opening: 0, ticks: ticks(20)),
                Waypoint(pose: ToolPose(position: release, jawYaw: yaw), opening: 1, ticks: 10),
                Waypoint(pose: ToolPose(position: over, jawYaw: yaw), opening: 1, ticks: 20),
                Waypoint(pose: ToolPose(position: over, jawYaw: yaw), opening: 1, ticks: 60),
            ]
        case .push:
            let cube = setup.cubes[0].position
            let zone = setup.zone?.position ?? cube
            var direction = zone - cube
            direction = (1 / max(direction.horizontalLength, 1e-6)) * Vector3(direction.x, direction.y, 0)
            let yaw = nearest(atan2(direction.y, direction.x), to: naturalYaw(at: cube), period: .pi)
            let behind = cube - (SceneMJCF.cubeSize / 2 + 0.025) * direction
            let end = zone - (SceneMJCF.cubeSize / 2 + 0.006) * direction
            return [
                Waypoint(pose: ToolPose(position: Vector3(behind.x, behind.y, hover), jawYaw: yaw), opening: 0, ticks: ticks(30)),
                Waypoint(pose: ToolPose(position: Vector3(behind.x, behind.y, pushHeight), jawYaw: yaw), opening: 0, ticks: ticks(18)),
                Waypoint(pose: ToolPose(position: Vector3(end.x, end.y, pushHeight), jawYaw: yaw), opening: 0, ticks: ticks(50)),
                Waypoint(pose: ToolPose(position: Vector3(end.x, end.y, hover), jawYaw: yaw), opening: 0, ticks: 60),
            ]
        }
    }

    /// Hover over the cube, descend, close, lift to carry height.
    private static func pick(_ cube: PlacedCube, jitter: (Vector3) -> Vector3, ticks: (Int) -> Int) -> [Waypoint] {
        let yaw = graspYaw(cube)
        let p = cube.position
        return [
            Waypoint(pose: ToolPose(position: jitter(Vector3(p.x, p.y, hover)), jawYaw: yaw), opening: 1, ticks: ticks(30)),
            Waypoint(pose: ToolPose(position: Vector3(p.x, p.y, grasp), jawYaw: yaw), opening: 1, ticks: ticks(20)),
            Waypoint(pose: ToolPose(position: Vector3(p.x, p.y, grasp), jawYaw: yaw), opening: 0, ticks: 12),
            Waypoint(pose: ToolPose(position: Vector3(p.x, p.y, carry), jawYaw: yaw), opening: 0, ticks: ticks(25)),
        ]
    }

    /// Jaw direction with the arm's wrist roll at zero, pointing down at `point`.
    static func naturalYaw(at point: Vector3) -> Double { atan2(point.y, point.x) + .pi / 2 }

    /// A jaw direction across two faces of the cube, the one nearest the natural direction.
    static func graspYaw(_ cube: PlacedCube) -> Double {
        nearest(cube.yaw, to: naturalYaw(at: cube.position), period: .pi / 2)
    }

    /// `angle + k·period` closest to `reference`.
    static func nearest(_ angle: Double, to reference: Double, period: Double) -> Double {
        angle + period * ((reference - angle) / period).rounded()
    }
}
