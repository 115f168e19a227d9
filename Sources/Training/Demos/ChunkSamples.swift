import Policy

/// Labelled (observation, action chunk) samples that flow matching trains on: recorded
/// demonstrations (``DemoDataset``) or the teacher-labelled states a distillation stage
/// aggregates (``DistillationBuffer``). Chunks are in joint units, unnormalized.
public protocol ChunkSamples {
    /// Samples available now.
    var sampleCount: Int { get }
    /// The raw observation of sample `index` (in `0..<sampleCount`).
    func observation(sample index: Int) -> RawObservation
    /// Writes sample `index`'s `horizon × joints` chunk into `out`.
    func chunk(sample index: Int, horizon: Int, into out: inout [Float])
}

/// A ``DemoDataset`` as ``ChunkSamples``: every (episode, step) pair of its episodes.
public struct DemoSamples: ChunkSamples {
    /// The demonstrations.
    public let dataset: DemoDataset
    private let index: [(episode: Int, step: Int)]

    /// All samples of `dataset`.
    public init(_ dataset: DemoDataset) {
        self.dataset = dataset
        index = dataset.samples
    }

    public var sampleCount: Int { index.count }

    public func observation(sample i: Int) -> RawObservation {
        dataset.observation(episode: index[i].episode, step: index[i].step)
    }

    public func chunk(sample i: Int, horizon: Int, into out: inout [Float]) {
        dataset.chunk(episode: index[i].episode, step: index[i].step, horizon: horizon, into: &out)
    }
}
