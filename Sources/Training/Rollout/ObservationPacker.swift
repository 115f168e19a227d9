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
                guard let frame = o.images[camera.name] else { throw .missingCamera(index: index, camera: camera.name) }
                guard frame.width == camera.width, frame.height == camera.height, frame.rgb.count == camera.width * camera.height * 3 else {
                    throw .badImage(index: index, camera: camera.name, expected: "\(camera.width)x\(camera.height)x3",
                                    found: "\(frame.width)x\(frame.height), \(frame.rgb.count) bytes")
                }
                Self.appendCHW(frame, to: &batch.images[c])
            }
            guard o.state.count == config.io.stateDim else {
                throw .badState(index: index, expected: config.io.stateDim, found: o.state.count)
            }
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

    /// Appends `frame` as CHW floats `x/127.5 − 1` (the layout of ``RGBFrame/chwFloats()``).
    static func appendCHW(_ frame: RGBFrame, to out: inout [Float]) {
        let plane = frame.width * frame.height, start = out.count
        out.append(contentsOf: repeatElement(0, count: 3 * plane))
        frame.rgb.withUnsafeBufferPointer { rgb in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<plane {
                    for c in 0..<3 { o[start + c * plane + i] = Float(rgb[i * 3 + c]) / 127.5 - 1 }
                }
            }
        }
    }
}
