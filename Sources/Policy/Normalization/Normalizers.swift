/// A transform of flat vectors, applied row by row to a `rows × dimension` array.
///
/// Transforms are values (openpi's `transforms.py` habit); each normalizer has an
/// inverse, and inverses undo in reverse order.
public protocol VectorTransform: Sendable {
    /// Applies the transform to each `dimension`-long row of `values`.
    func apply(_ values: [Float]) -> [Float]
    /// Undoes ``apply(_:)``.
    func invert(_ values: [Float]) -> [Float]
}

/// z-score normalization, openpi's formula: `(x − mean) / (std + 1e-6)`;
/// inverse `x·(std + 1e-6) + mean`.
public struct ZScoreNormalizer: VectorTransform, Equatable {
    /// The statistics.
    public var stats: NormStats
    /// Creates a normalizer.
    public init(stats: NormStats) { self.stats = stats }

    /// Normalizes.
    public func apply(_ values: [Float]) -> [Float] {
        rowwise(values, stats.dimension) { x, i in (x - stats.mean[i]) / (stats.std[i] + 1e-6) }
    }

    /// Unnormalizes.
    public func invert(_ values: [Float]) -> [Float] {
        rowwise(values, stats.dimension) { x, i in x * (stats.std[i] + 1e-6) + stats.mean[i] }
    }
}

/// Quantile normalization to [−1, 1], openpi's formula:
/// `(x − q01) / (q99 − q01 + 1e-6)·2 − 1`; inverse `(x + 1)/2·(q99 − q01 + 1e-6) + q01`.
public struct QuantileNormalizer: VectorTransform, Equatable {
    /// The statistics.
    public var stats: NormStats
    /// Creates a normalizer.
    public init(stats: NormStats) { self.stats = stats }

    /// Normalizes.
    public func apply(_ values: [Float]) -> [Float] {
        rowwise(values, stats.dimension) { x, i in (x - stats.q01[i]) / (stats.q99[i] - stats.q01[i] + 1e-6) * 2 - 1 }
    }

    /// Unnormalizes.
    public func invert(_ values: [Float]) -> [Float] {
        rowwise(values, stats.dimension) { x, i in (x + 1) / 2 * (stats.q99[i] - stats.q01[i] + 1e-6) + stats.q01[i] }
    }
}

/// Which normalization a policy uses.
public enum NormalizationKind: String, Codable, Sendable, CaseIterable {
    /// ``ZScoreNormalizer``.
    case zScore = "z-score"
    /// ``QuantileNormalizer``.
    case quantile

    /// The normalizer of this kind for `stats`.
    public func normalizer(_ stats: NormStats) -> any VectorTransform {
        switch self {
        case .zScore: ZScoreNormalizer(stats: stats)
        case .quantile: QuantileNormalizer(stats: stats)
        }
    }
}

private func rowwise(_ values: [Float], _ dimension: Int, _ f: (Float, Int) -> Float) -> [Float] {
    precondition(dimension > 0 && values.count % dimension == 0, "values are not rows of \(dimension)")
    var out = values
    for j in 0..<values.count { out[j] = f(values[j], j % dimension) }
    return out
}
