import Foundation

/// Temporally smooth Flow-SDE exploration: noise confined to the lowest frequencies of
/// each joint's trajectory over the chunk.
///
/// Independent noise on every entry makes the H executed actions of a joint jitter
/// around the mean; almost all of that perturbation is high-frequency, which the arm's
/// position control filters out and which therefore cannot change the outcome, yet each
/// of its H·D entries adds a term to the policy gradient's noise. Projected onto the
/// first `frequencies` DCT-II cosines per joint (constant, linear-like, …), the
/// perturbation becomes a shift or tilt of the whole trajectory: `r·D` directions instead
/// of `H·D`, each with the same std as before.
///
/// The projection `P = B·Bᵀ` (B: the H × r orthonormal cosine basis, applied to every
/// joint) is symmetric and idempotent. The transition is `x' = μ + s·P·ξ`, a Gaussian on
/// the subspace, so its log-density is the Gaussian one of the projected residual
/// `P·(x' − μ)` and its gradient with respect to μ is `P·(w ⊙ P·(x' − μ))/s²` for
/// per-entry weights w.
public struct ChunkNoiseBasis: Sendable, Equatable {
    /// H, rows per chunk.
    public let horizon: Int
    /// D, entries per row.
    public let actionDim: Int
    /// r, cosines kept per joint.
    public let frequencies: Int
    /// `horizon × frequencies`, row-major: `basis[h·r + f]` is cosine f at row h.
    public let basis: [Float]

    /// The basis for chunks of `horizon × actionDim` keeping `frequencies` (1…horizon) cosines.
    public init(horizon: Int, actionDim: Int, frequencies: Int) {
        precondition(horizon >= 1 && actionDim >= 1 && (1...horizon).contains(frequencies),
                     "frequencies must be in 1...horizon")
        self.horizon = horizon
        self.actionDim = actionDim
        self.frequencies = frequencies
        var b = [Float](repeating: 0, count: horizon * frequencies)
        for h in 0..<horizon {
            for f in 0..<frequencies {
                let scale = (f == 0 ? 1.0 : 2.0) / Double(horizon)
                b[h * frequencies + f] = Float(scale.squareRoot() * cos(Double.pi * (Double(h) + 0.5) * Double(f) / Double(horizon)))
            }
        }
        basis = b
    }

    /// Replaces the chunk at `values` (`horizon × actionDim`, row-major) by its projection
    /// `P·values`, per joint. `scratch` holds at least `frequencies` floats.
    public func project(_ values: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
        let r = frequencies, d = actionDim
        for j in 0..<d {
            for f in 0..<r { scratch[f] = 0 }
            for h in 0..<horizon {
                let v = values[h * d + j]
                for f in 0..<r { scratch[f] += basis[h * r + f] * v }
            }
            for h in 0..<horizon {
                var s: Float = 0
                for f in 0..<r { s += basis[h * r + f] * scratch[f] }
                values[h * d + j] = s
            }
        }
    }
}
