import Camera
import Policy
import Testing
@testable import Training

/// Camera frames, observations and rollout batches share one uint8 → [−1, 1] mapping: the
/// three paths that each had their own formula give bit-identical floats for one frame.
@Suite("Pixel conversion")
struct PixelConversionTests {
    /// A 16×16 frame holding every byte value 0…255 in each channel.
    static let frame: RGBFrame = {
        let width = 16, height = 16
        let rgb = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 / 3 + ($0 % 3) * 85) }
        return RGBFrame(width: width, height: height, rgb: rgb)
    }()

    /// The frame as CHW floats by the formula RGBFrame and ObservationPacker used before
    /// (`x / 127.5 − 1`), and by ImagePreprocessor's (`x / 255 · 2 − 1`).
    static func formerCHW(_ frame: RGBFrame, _ map: (Float) -> Float) -> [Float] {
        let plane = frame.width * frame.height
        var out = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane { for c in 0..<3 { out[c * plane + i] = map(Float(frame.rgb[i * 3 + c])) } }
        return out
    }

    static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    @Test func everyPathGivesTheFormerFloatsBitForBit() throws {
        let frame = Self.frame
        let former = Self.bits(Self.formerCHW(frame) { $0 / 127.5 - 1 })
        #expect(Self.bits(Self.formerCHW(frame) { $0 / 255.0 * 2.0 - 1.0 }) == former)

        // Camera: ImagePreprocessor's tensor of an image already at the model's size.
        let preprocessor = ImagePreprocessor(width: frame.width, height: frame.height, layout: .chw)
        var tensor = [Float](repeating: .nan, count: preprocessor.tensorElementCount)
        try tensor.withUnsafeMutableBufferPointer { out throws(CameraError) in
            try preprocessor.tensor(fromResized: RGBImage(width: frame.width, height: frame.height, pixels: frame.rgb),
                                    into: out)
        }
        #expect(Self.bits(tensor) == former)

        // Policy: RGBFrame's CHW floats, as ObservationBatch packs them.
        #expect(Self.bits(frame.chwFloats()) == former)

        // Training: the rollout packer's reused batch.
        var config = PolicyConfig()
        config.io.cameras = [PolicyConfig.Camera(name: "front", width: frame.width, height: frame.height)]
        let packer = ObservationPacker(config: config, tokenizer: InstructionTokenizer(vocabularySize: 11),
                                       stateNormalizer: ZScoreNormalizer(stats: .identity(dimension: 6)))
        let observation = RawObservation(images: ["front": frame], state: .init(repeating: 0, count: 6), prompt: "reach")
        let packed = try packer.pack([observation, observation])
        #expect(Self.bits(packed.images[0]) == former + former)
    }

    @Test func aFrameOfTheWrongSizeIsRefusedByEveryPacker() throws {
        var config = PolicyConfig()
        config.io.cameras = [PolicyConfig.Camera(name: "front", width: 8, height: 8)]
        let observation = RawObservation(images: ["front": Self.frame], state: .init(repeating: 0, count: 6), prompt: "reach")
        let expected = ObservationError.badImage(index: 0, camera: "front", expected: "8x8x3", found: "16x16, 768 bytes")
        let tokenizer = InstructionTokenizer(vocabularySize: 11)
        #expect(throws: expected) { _ = try ObservationBatch([observation], config: config, tokenizer: tokenizer) }
        let packer = ObservationPacker(config: config, tokenizer: tokenizer,
                                       stateNormalizer: ZScoreNormalizer(stats: .identity(dimension: 6)))
        #expect(throws: expected) { try packer.pack([observation]) }
    }
}
