import Foundation

/// Per-dimension statistics of one quantity (openpi's `NormStats`).
public struct NormStats: Codable, Sendable, Equatable {
    /// Mean per dimension.
    public var mean: [Float]
    /// Standard deviation per dimension.
    public var std: [Float]
    /// 1st percentile per dimension.
    public var q01: [Float]
    /// 99th percentile per dimension.
    public var q99: [Float]

    /// Creates statistics; all four arrays must have the same length.
    public init(mean: [Float], std: [Float], q01: [Float], q99: [Float]) {
        self.mean = mean; self.std = std; self.q01 = q01; self.q99 = q99
    }

    /// Identity statistics for `dimension` dims (mean 0, std 1, q01 −1, q99 1).
    public static func identity(dimension: Int) -> NormStats {
        NormStats(mean: .init(repeating: 0, count: dimension), std: .init(repeating: 1, count: dimension),
                  q01: .init(repeating: -1, count: dimension), q99: .init(repeating: 1, count: dimension))
    }

    /// The number of dimensions.
    public var dimension: Int { mean.count }

    /// The statistics of dimensions `range` alone (e.g. the joint entries of a state that
    /// also holds object features).
    public func entries(_ range: Range<Int>) -> NormStats {
        NormStats(mean: Array(mean[range]), std: Array(std[range]), q01: Array(q01[range]), q99: Array(q99[range]))
    }
}

/// The contents of `norm_stats.json`: `{"norm_stats": {"state": …, "actions": …}}` (openpi layout).
public struct NormStatsFile: Codable, Sendable, Equatable {
    /// Statistics by key (`state`, `actions`).
    public var normStats: [String: NormStats]

    enum CodingKeys: String, CodingKey { case normStats = "norm_stats" }

    /// Creates the file contents.
    public init(normStats: [String: NormStats]) { self.normStats = normStats }

    /// Identity statistics for a config's state and action dims.
    public static func identity(for config: PolicyConfig) -> NormStatsFile {
        NormStatsFile(normStats: ["state": .identity(dimension: config.io.stateDim),
                                  "actions": .identity(dimension: config.io.actionDim)])
    }

    /// Checks that `state` and `actions` exist with the config's dims and consistent, finite arrays.
    public func validate(for config: PolicyConfig, file: String) throws(CheckpointError) {
        for (key, dim) in [("state", config.io.stateDim), ("actions", config.io.actionDim)] {
            guard let s = normStats[key] else { throw .normStats(file: file, detail: "missing \"\(key)\" statistics") }
            for (name, a) in [("mean", s.mean), ("std", s.std), ("q01", s.q01), ("q99", s.q99)] {
                guard a.count == dim else {
                    throw .normStats(file: file, detail: "\(key).\(name) has \(a.count) values, config expects \(dim)")
                }
                guard a.allSatisfy(\.isFinite) else { throw .normStats(file: file, detail: "\(key).\(name) has a non-finite value") }
            }
        }
    }
}
