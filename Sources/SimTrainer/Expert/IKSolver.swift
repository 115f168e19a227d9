import CMuJoCo
import Foundation

/// A pose of the tool centre point: position, and the gripper pointing
/// straight down with its jaws opening along the horizontal direction `jawYaw`.
public struct ToolPose: Sendable, Equatable {
    /// TCP position (m, world).
    public var position: Vector3
    /// Direction the jaws open along, as an angle in the table plane (rad).
    public var jawYaw: Double
}

/// Damped-least-squares inverse kinematics for the five arm joints on the
/// twin, with MuJoCo's site Jacobian (mj_jacSite) on a private model and data:
/// Δq = (JᵀJ + λ²I)⁻¹ Jᵀ e, with e the position error and the orientation
/// error ½ Σₖ aₖ × dₖ over the current (a) and desired (d) frame axes.
/// Allocates nothing per iteration.
public final class IKSolver {
    private let model: MuJoCoModel
    private let data: MuJoCoData
    private let layout: TwinLayout
    private var jacp: [Double], jacr: [Double]
    private var stacked = [Double](repeating: 0, count: 30), errorVector = [Double](repeating: 0, count: 6)
    private var normal = [Double](repeating: 0, count: 25), rhs = [Double](repeating: 0, count: 5)
    /// Damping λ (larger: slower near singularities, never huge steps).
    public var damping = 0.02
    /// Weight of the orientation error against the position error (m per rad).
    public var orientationWeight = 0.1
    /// Arm joints solved for (all but the gripper).
    public let armJoints = 5

    /// A solver on a fresh copy of the twin.
    public init() throws(SimulationError) {
        model = try MuJoCoModel(xml: SceneMJCF.xml())
        data = MuJoCoData(model: model)
        layout = try TwinLayout(model: model)
        jacp = [Double](repeating: 0, count: 3 * model.nv)
        jacr = jacp
    }

    /// Joint positions (radians, five arm joints) that put the TCP at `pose`,
    /// iterating from `joints` (updated in place) at most `iterations` times.
    /// Returns the remaining position error (m).
    @discardableResult
    public func solve(_ pose: ToolPose, joints: inout [Double], iterations: Int = 30) -> Double {
        let dx = Vector3(0, 0, -1), dy = Vector3(cos(pose.jawYaw), sin(pose.jawYaw), 0)
        let dz = dx.cross(dy)
        var error = Double.infinity
        for _ in 0..<iterations {
            let qpos = data.qpos
            for j in 0..<armJoints { qpos[layout.jointQpos[j]] = joints[j] }
            data.kinematics()
            let p = data.position(ofSite: layout.tcp)
            let ep = pose.position - p
            error = ep.length
            let ax = data.axis(0, ofSite: layout.tcp), ay = data.axis(1, ofSite: layout.tcp), az = data.axis(2, ofSite: layout.tcp)
            let er = 0.5 * (ax.cross(dx) + ay.cross(dy) + az.cross(dz))
            if error < 2e-4 && er.length < 2e-3 { break }
            jacp.withUnsafeMutableBufferPointer { jp in
                jacr.withUnsafeMutableBufferPointer { jr in
                    mj_jacSite(model.pointer, data.pointer, jp.baseAddress, jr.baseAddress, Int32(layout.tcp))
                }
            }
            let w = orientationWeight
            errorVector[0] = ep.x; errorVector[1] = ep.y; errorVector[2] = ep.z
            errorVector[3] = w * er.x; errorVector[4] = w * er.y; errorVector[5] = w * er.z
            let nv = model.nv
            for j in 0..<armJoints {
                let dof = layout.jointDofs[j]
                for r in 0..<3 {
                    stacked[r * 5 + j] = jacp[r * nv + dof]
                    stacked[(r + 3) * 5 + j] = w * jacr[r * nv + dof]
                }
            }
            // Normal equations: A = JᵀJ + λ²I (5×5), b = Jᵀe.
            for i in 0..<5 {
                for k in 0..<5 {
                    var sum = 0.0
                    for r in 0..<6 { sum += stacked[r * 5 + i] * stacked[r * 5 + k] }
                    normal[i * 5 + k] = sum + (i == k ? damping * damping : 0)
                }
                var sum = 0.0
                for r in 0..<6 { sum += stacked[r * 5 + i] * errorVector[r] }
                rhs[i] = sum
            }
            Self.solveInPlace(&normal, &rhs, n: 5)
            for j in 0..<armJoints {
                let range = SO101Geometry.ranges[j]
                joints[j] = min(max(joints[j] + max(min(rhs[j], 0.3), -0.3), range.lower), range.upper)
            }
        }
        return error
    }

    /// Solves A x = b (A symmetric positive definite, n × n) by Gaussian
    /// elimination; x replaces b.
    static func solveInPlace(_ a: inout [Double], _ b: inout [Double], n: Int) {
        for col in 0..<n {
            let pivot = a[col * n + col]
            for row in (col + 1)..<n {
                let factor = a[row * n + col] / pivot
                for k in col..<n { a[row * n + k] -= factor * a[col * n + k] }
                b[row] -= factor * b[col]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[row]
            for k in (row + 1)..<n { sum -= a[row * n + k] * b[k] }
            b[row] = sum / a[row * n + row]
        }
    }
}
