import Foundation

/// Temporally smooth Flow-SDE exploration: noise confined to the lowest frequencies of
/// each joint's trajectory over the chunk.
///
/// Independent noise on every entry makes the H executed actions of a joint jitter
/// around the mean; almost all of that perturbation is high-frequency, which the arm's
/// position control filters out and which therefore cannot change the outcome, yet each
/// of its H·D entries adds a term to the policy gradient's noise. Projected onto the
/// first `r_j` DCT-II cosines of joint j (constant, linear-like, …), the perturbation
/// becomes a shift or tilt of the whole trajectory: `Σ r_j` directions instead of `H·D`,
/// each with the same std as before. A joint with `r_j = 0` gets no noise at all (its
/// entries follow the mean and add nothing to log π).
///
/// The projection `P = B·Bᵀ` (B: the H × r_j orthonormal cosine basis of each joint) is
/// symmetric and idempotent. The transition is `x' = μ + s·P·ξ`, a Gaussian on the
/// subspace, so its log-density is the Gaussian one of the projected residual
/// `P·(x' − μ)` and its gradient with respect to μ is `P·(w ⊙ P·(x' − μ))/s²` for
/// per-entry weights w.
public struct ChunkNoiseBasis: Sendable, Equatable {
    /// H, rows per chunk.
    public let horizon: Int
    /// D, entries per row.
    public let actionDim: Int
    /// r_j, cosines kept for each of the D joints (0…H).
    public let frequencies: [Int]
    /// The most cosines any joint keeps (the basis' width).
    public let width: Int
    /// `horizon × width`, row-major: `basis[h·width + f]` is cosine f at row h.
    public let basis: [Float]

    /// The basis for chunks of `horizon × frequencies.count`, keeping `frequencies[j]`
    /// (0…horizon, at least one of them positive) cosines of joint j.
    public init(horizon: Int, frequencies: [Int]) {
        precondition(horizon >= 1 && !frequencies.isEmpty && frequencies.allSatisfy { (0...horizon).contains($0) }
                     && frequencies.contains { $0 > 0 }, "frequencies must be in 0...horizon, at least one positive")
        self.horizon = horizon
        self.actionDim = frequencies.count
        self.frequencies = frequencies
        let width = frequencies.max()!
        self.width = width
        var b = [Float](repeating: 0, count: horizon * width)
        for h in 0..<horizon {
            for f in 0..<width {
                let scale = (f == 0 ? 1.0 : 2.0) / Double(horizon)
                b[h * width + f] = Float(scale.squareRoot() * cos(Double.pi * (Double(h) + 0.5) * Double(f) / Double(horizon)))
            }
        }
        basis = b
    }

    /// The basis keeping the same `frequencies` (1…horizon) cosines of every joint.
    public init(horizon: Int, actionDim: Int, frequencies: Int) {
        self.init(horizon: horizon, frequencies: [Int](repeating: frequencies, count: actionDim))
    }

    /// Cosine coefficients per chunk: `Σ r_j` over the joints.
    public var coefficientCount: Int { frequencies.reduce(0, +) }

    /// Adds `B·c` to the chunk at `values`: coefficient `c[offset_j + f]` of cosine f of joint j,
    /// joint-major (the offsets are the running sums of ``frequencies``).
    public func addSynthesis(of coefficients: UnsafePointer<Float>, to values: UnsafeMutablePointer<Float>) {
        let w = width, d = actionDim
        var offset = 0
        for j in 0..<d {
            for h in 0..<horizon {
                var s: Float = 0
                for f in 0..<frequencies[j] { s += basis[h * w + f] * coefficients[offset + f] }
                values[h * d + j] += s
            }
            offset += frequencies[j]
        }
    }

    /// Replaces the chunk at `values` (`horizon × actionDim`, row-major) by its projection
    /// `P·values`, per joint. `scratch` holds at least ``width`` floats.
    public func project(_ values: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let w = width, d = actionDim
        for j in 0..<d {
            let r = frequencies[j]
            for f in 0..<r { scratch[f] = 0 }
            for h in 0..<horizon {
                let v = values[h * d + j]
                for f in 0..<r { scratch[f] += basis[h * w + f] * v }
            }
            for h in 0..<horizon {
                var s: Float = 0
                for f in 0..<r { s += basis[h * w + f] * scratch[f] }
                values[h * d + j] = s
            }
        }
    }
}
