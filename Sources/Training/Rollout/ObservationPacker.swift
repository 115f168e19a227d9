import Policy

/// Turns raw observations into the network's ``ObservationBatch`` into buffers that are
/// kept between calls (uint8 HWC → CHW floats in [−1, 1], states normalized, prompts
/// hashed), so a rollout step reuses its storage instead of allocating a new batch.
public final class ObservationPacker {
    /// The batch last packed.
    public private(set) var batch: ObservationBatch
    private let config: PolicyConfig
    private let tokenizer: InstructionTokenizer
    private let stateNormalizer: any VectorTransform
    private var tokenCache: [String: [Int32]] = [:]

    /// A packer for `config`'s cameras and state, normalizing states with `stateNormalizer`.
    public init(config: PolicyConfig, tokenizer: InstructionTokenizer, stateNormalizer: any VectorTransform) {
        self.config = config
        self.tokenizer = tokenizer
        self.stateNormalizer = stateNormalizer
        batch = ObservationBatch(count: 0, images: config.io.cameras.map { _ in [] }, state: [], tokens: [], tokenOffsets: [0])
    }

    /// Packs `observations` (checked against the config) and returns the batch.
    @discardableResult
    public func pack(_ observations: [RawObservation]) throws(ObservationError) -> ObservationBatch {
        batch.count = observations.count
        for c in batch.images.indices { batch.images[c].removeAll(keepingCapacity: true) }
        batch.state.removeAll(keepingCapacity: true)
        batch.tokens.removeAll(keepingCapacity: true)
        batch.tokenOffsets.removeAll(keepingCapacity: true)
        batch.tokenOffsets.append(0)
        for (index, o) in observations.enumerated() {
            for (c, camera) in config.io.cameras.enumerated() {
                try o.frame(for: camera, index: index).appendCHWFloats(to: &batch.images[c])
            }
            try o.checkState(dimension: config.io.stateDim, index: index)
            batch.state.append(contentsOf: stateNormalizer.apply(o.state))
            if let cached = tokenCache[o.prompt] {
                batch.tokens.append(contentsOf: cached)
            } else {
                let tokens = tokenizer.tokens(o.prompt)
                tokenCache[o.prompt] = tokens
                batch.tokens.append(contentsOf: tokens)
            }
            batch.tokenOffsets.append(Int32(batch.tokens.count))
        }
        return batch
    }
}
