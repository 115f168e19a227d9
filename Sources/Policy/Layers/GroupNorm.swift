/// Group normalization over NCHW feature maps (Wu & He 2018), with a per-channel affine.
///
/// The CNN trains on small batches of highly correlated frames, so a batch statistic
/// (BatchNorm) would be noisy and differ between training and acting; GroupNorm
/// normalizes each image on its own and behaves the same at batch 1.
///
/// Shapes: `x`, `y` are `images × channels × spatial`; the `channels / groups` channels
/// of a group are normalized together over space. Forward writes each (image, group)'s
/// mean and reciprocal standard deviation (`images × groups` each) for backward. ε = 1e-5
/// (PyTorch's default). `spatial` is an argument, not a property, so cameras of other
/// sizes share one layer's parameters.
public struct GroupNorm: Sendable {
    /// Channels normalized.
    public let channels: Int
    /// Groups; divides `channels`.
    public let groups: Int
    /// Offsets of `γ` and `β` (`channels` each).
    public let gamma: Int, beta: Int
    /// The variance floor.
    public static let epsilon: Float = 1e-5

    /// Registers `name.weight` (γ) and `name.bias` (β).
    public init(_ name: String, channels: Int, groups: Int, layout: inout ParameterLayout) {
        precondition(groups >= 1 && channels % groups == 0, "groups must divide channels")
        self.channels = channels; self.groups = groups
        gamma = layout.add("\(name).weight", shape: [channels])
        beta = layout.add("\(name).bias", shape: [channels])
    }

    /// Sets `γ = 1`, `β = 0`.
    public func initialize(_ p: UnsafeMutablePointer<Float>) {
        (p + gamma).update(repeating: 1, count: channels)
        (p + beta).update(repeating: 0, count: channels)
    }

    /// FLOPs per image of `spatial` positions (statistics, normalization, affine).
    public func flopsPerImage(spatial: Int) -> Int { 7 * channels * spatial }

    /// Normalizes `images` maps; writes `mean` and `rstd` per (image, group).
    public func forward(
        _ p: UnsafePointer<Float>, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        mean: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>, images: Int, spatial: Int
    ) {
        let perGroup = channels / groups, count = perGroup * spatial
        for img in 0..<images {
            for grp in 0..<groups {
                let offset = (img * channels + grp * perGroup) * spatial
                let xg = x + offset, yg = y + offset
                let (m, rs) = VectorMath.moments(xg, count: count, epsilon: GroupNorm.epsilon)
                mean[img * groups + grp] = m; rstd[img * groups + grp] = rs
                for c in 0..<perGroup {
                    let ch = grp * perGroup + c
                    let scale = rs * p[gamma + ch], shift = p[beta + ch] - m * scale
                    let xc = xg + c * spatial, yc = yg + c * spatial
                    for i in 0..<spatial { yc[i] = xc[i] * scale + shift }
                }
            }
        }
    }

    /// Accumulates `dγ`, `dβ` and adds the input gradient to `dx`.
    public func backward(
        _ p: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>,
        x: UnsafePointer<Float>, mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
        dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, images: Int, spatial: Int
    ) {
        let perGroup = channels / groups, n = Float(perGroup * spatial)
        for img in 0..<images {
            for grp in 0..<groups {
                let offset = (img * channels + grp * perGroup) * spatial
                let m = mean[img * groups + grp], rs = rstd[img * groups + grp]
                // d = γ·dy is the gradient of x̂; dx = rs·(d − mean(d) − x̂·mean(d·x̂)).
                var sumD: Float = 0, sumDN: Float = 0
                for c in 0..<perGroup {
                    let ch = grp * perGroup + c, gm = p[gamma + ch]
                    let xc = x + offset + c * spatial, dyc = dy + offset + c * spatial
                    var dGamma: Float = 0, dBeta: Float = 0
                    for i in 0..<spatial {
                        let xhat = (xc[i] - m) * rs
                        dGamma += dyc[i] * xhat; dBeta += dyc[i]
                    }
                    g[gamma + ch] += dGamma; g[beta + ch] += dBeta
                    sumD += gm * dBeta; sumDN += gm * dGamma
                }
                let meanD = sumD / n, meanDN = sumDN / n
                for c in 0..<perGroup {
                    let ch = grp * perGroup + c, gm = p[gamma + ch]
                    let xc = x + offset + c * spatial, dyc = dy + offset + c * spatial, dxc = dx + offset + c * spatial
                    for i in 0..<spatial {
                        let xhat = (xc[i] - m) * rs
                        dxc[i] += rs * (gm * dyc[i] - meanD - xhat * meanDN)
                    }
                }
            }
        }
    }
}
