import Testing
import Policy

@Suite("Critic time features")
struct EpisodeTimeFeaturesTests {
    static func features(_ remaining: Float, _ count: Int) -> [Float] {
        var out = [Float](repeating: .nan, count: count)
        out.withUnsafeMutableBufferPointer { EpisodeTimeFeatures.write(remaining: remaining, count: count, into: $0.baseAddress!) }
        return out
    }

    /// Hat functions at 0, ½, 1: the two nearest centres share the weight linearly; the
    /// ends and out-of-range times land on the end centres.
    @Test func hatFunctionsInterpolateBetweenCentres() {
        #expect(Self.features(1, 3) == [0, 0, 1])
        #expect(Self.features(0.5, 3) == [0, 1, 0])
        #expect(Self.features(0.25, 3) == [0.5, 0.5, 0])
        #expect(Self.features(0, 3) == [1, 0, 0])
        #expect(Self.features(-0.2, 3) == [1, 0, 0])
        #expect(Self.features(1.7, 3) == [0, 0, 1])
        let f = Self.features(2.0 / 3, 8)
        #expect(abs(f.reduce(0, +) - 1) < 1e-6)
        #expect(abs(f[4] - 1.0 / 3) < 1e-5 && abs(f[5] - 2.0 / 3) < 1e-5)
        #expect(Self.features(0.3, 1) == [0.3])
    }
}
