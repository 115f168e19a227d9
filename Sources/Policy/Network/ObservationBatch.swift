import PixelConversion

/// A batch of preprocessed observations in the layout the network reads.
///
/// `images[c]` is `count × 3 × height × width` in [−1, 1] (CHW) for camera c of the
/// config; `state` is `count × stateDim` (already normalized); instruction tokens are
/// CSR-packed: sample b owns `tokens[tokenOffsets[b] ..< tokenOffsets[b + 1]]`.
public struct ObservationBatch: Sendable {
    /// Observations in the batch.
    public var count: Int
    /// Per camera, the batch of CHW images.
    public var images: [[Float]]
    /// `count × stateDim` normalized states.
    public var state: [Float]
    /// Hashed instruction tokens, all samples back to back.
    public var tokens: [Int32]
    /// `count + 1` offsets into `tokens`.
    public var tokenOffsets: [Int32]

    /// Creates a batch from its parts (shapes are checked by ``FlowPolicy/encode(_:)``).
    public init(count: Int, images: [[Float]], state: [Float], tokens: [Int32], tokenOffsets: [Int32]) {
        self.count = count; self.images = images; self.state = state
        self.tokens = tokens; self.tokenOffsets = tokenOffsets
    }

    /// Builds a batch from raw observations: RGB8 HWC frames (uint8 → [−1, 1], as
    /// docs/design/architecture.md's shared preprocessing), states normalized by `stateNormalizer`,
    /// prompts hashed by `tokenizer`.
    public init(
        _ observations: [RawObservation], config: PolicyConfig, tokenizer: InstructionTokenizer,
        stateNormalizer: (any VectorTransform)? = nil
    ) throws(ObservationError) {
        count = observations.count
        images = config.io.cameras.map { _ in [] }
        state = []
        tokens = []
        tokenOffsets = [0]
        for (index, o) in observations.enumerated() {
            for (c, camera) in config.io.cameras.enumerated() {
                try o.frame(for: camera, index: index).appendCHWFloats(to: &images[c])
            }
            try o.checkState(dimension: config.io.stateDim, index: index)
            state.append(contentsOf: stateNormalizer?.apply(o.state) ?? o.state)
            tokens.append(contentsOf: tokenizer.tokens(o.prompt))
            tokenOffsets.append(Int32(tokens.count))
        }
    }
}

/// One RGB8 frame, rows of `width × 3` bytes.
public struct RGBFrame: Codable, Sendable, Equatable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// `height × width × 3` bytes, row-major, RGB.
    public var rgb: [UInt8]

    /// Creates a frame.
    public init(width: Int, height: Int, rgb: [UInt8]) {
        self.width = width; self.height = height; self.rgb = rgb
    }

    /// The frame as CHW floats in [−1, 1] (``PixelToUnitRange``).
    public func chwFloats() -> [Float] {
        var out: [Float] = []
        appendCHWFloats(to: &out)
        return out
    }

    /// Appends the frame as CHW floats in [−1, 1] to `out`, reusing its capacity (a rollout's
    /// batch is refilled every step).
    public func appendCHWFloats(to out: inout [Float]) {
        precondition(rgb.count == width * height * 3, "a \(width)x\(height) frame needs \(width * height * 3) bytes")
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: rgb.count))
        rgb.withUnsafeBufferPointer { pixels in
            out.withUnsafeMutableBufferPointer { floats in
                PixelToUnitRange.write(pixels.baseAddress!, width: width, height: height, into: floats.baseAddress! + start,
                                       outputWidth: width, outputHeight: height, channelsFirst: true)
            }
        }
    }
}

/// An observation as the robot or simulator provides it (docs/design/architecture.md).
public struct RawObservation: Codable, Sendable, Equatable {
    /// Frames by camera name.
    public var images: [String: RGBFrame]
    /// Joint positions in joint units, in the robot spec's order.
    public var state: [Float]
    /// The instruction.
    public var prompt: String
    /// What only a simulator knows (SimTrainer's `ObjectState` features), for a teacher or
    /// a critic; empty on hardware. The policy's own inputs never include it: packing reads
    /// `images`, `state` and `prompt` only.
    public var privileged: [Float]

    /// Creates an observation.
    public init(images: [String: RGBFrame], state: [Float], prompt: String, privileged: [Float] = []) {
        self.images = images; self.state = state; self.prompt = prompt; self.privileged = privileged
    }

    private enum CodingKeys: String, CodingKey { case images, state, prompt, privileged }

    /// The frame of `camera`, checked against the size the config gives it; `index` names
    /// this observation in the error.
    public func frame(for camera: PolicyConfig.Camera, index: Int) throws(ObservationError) -> RGBFrame {
        guard let frame = images[camera.name] else { throw .missingCamera(index: index, camera: camera.name) }
        guard frame.width == camera.width, frame.height == camera.height,
              frame.rgb.count == camera.width * camera.height * 3 else {
            throw .badImage(index: index, camera: camera.name, expected: "\(camera.width)x\(camera.height)x3",
                            found: "\(frame.width)x\(frame.height), \(frame.rgb.count) bytes")
        }
        return frame
    }

    /// Checks the state has `dimension` values (the config's `io.stateDim`).
    public func checkState(dimension: Int, index: Int) throws(ObservationError) {
        guard state.count == dimension else { throw .badState(index: index, expected: dimension, found: state.count) }
    }

    /// Decodes an observation; `privileged` may be absent (an observation from hardware).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(images: try c.decode([String: RGBFrame].self, forKey: .images), state: try c.decode([Float].self, forKey: .state),
                  prompt: try c.decode(String.self, forKey: .prompt),
                  privileged: try c.decodeIfPresent([Float].self, forKey: .privileged) ?? [])
    }
}

/// An observation that does not fit the policy's I/O spec.
public enum ObservationError: Error, CustomStringConvertible, Equatable {
    /// A camera the config lists is absent.
    case missingCamera(index: Int, camera: String)
    /// A frame has the wrong size.
    case badImage(index: Int, camera: String, expected: String, found: String)
    /// The state vector has the wrong length.
    case badState(index: Int, expected: Int, found: Int)

    /// A readable message.
    public var description: String {
        switch self {
        case let .missingCamera(i, c): "observation \(i): no image for camera '\(c)'; the policy's config.json lists it"
        case let .badImage(i, c, e, f): "observation \(i): camera '\(c)' image is \(f), expected \(e); resize the frame to the config's size"
        case let .badState(i, e, f): "observation \(i): state has \(f) values, expected \(e) (io.stateDim)"
        }
    }
}
