import Foundation
import Testing
@testable import Policy

/// openpi's normalization formulas and the norm_stats.json layout.
@Suite("Normalization")
struct NormalizationTests {
    let stats = NormStats(mean: [1, -2], std: [2, 0.5], q01: [-1, 0], q99: [3, 4])

    @Test func zScoreFormulaAndInverse() {
        let z = ZScoreNormalizer(stats: stats)
        let x: [Float] = [3, -1, 1, -2]  // two rows
        let y = z.apply(x)
        #expect(abs(y[0] - 2 / (2 + 1e-6)) < 1e-6 && abs(y[1] - 1 / (0.5 + 1e-6)) < 1e-5 && y[2] == 0 && y[3] == 0)
        for (a, b) in zip(z.invert(y), x) { #expect(abs(a - b) < 1e-5) }
    }

    @Test func quantileFormulaAndInverse() {
        let q = QuantileNormalizer(stats: stats)
        let y = q.apply([-1, 0, 3, 4, 1, 2])
        let expected: [Float] = [-1, -1, 1, 1, 0, 0]
        for (a, b) in zip(y, expected) { #expect(abs(a - b) < 1e-5) }
        for (a, b) in zip(q.invert(y), [-1, 0, 3, 4, 1, 2] as [Float]) { #expect(abs(a - b) < 1e-5) }
    }

    @Test func openpiLayoutDecodes() throws {
        let json = #"{"norm_stats": {"state": {"mean": [0.5], "std": [2], "q01": [-1], "q99": [1]}, "actions": {"mean": [1], "std": [1], "q01": [0], "q99": [2]}}}"#
        let file = try JSONDecoder().decode(NormStatsFile.self, from: Data(json.utf8))
        #expect(file.normStats["state"]?.std == [2])
        let encoded = String(decoding: try JSONEncoder().encode(file), as: UTF8.self)
        #expect(encoded.contains("\"norm_stats\""))
    }

    @Test func normalizerKinds() {
        #expect(NormalizationKind.zScore.normalizer(stats) is ZScoreNormalizer)
        #expect(NormalizationKind.quantile.normalizer(stats) is QuantileNormalizer)
    }
}
