import Foundation
import Testing
@testable import Camera

/// Runs Tests/CameraTests/Reference/pillow_preprocess.py and compares.
struct PillowReference {
    let bytes: [UInt8]
    let floats: [Float]

    init(image: RGBImage, width: Int, height: Int, method: ResizeMethod) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-pillow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.rgb")
        try Data(image.pixels.prefix(image.byteCount)).write(to: input)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Reference/pillow_preprocess.py")
        let prefix = directory.appendingPathComponent("out").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [ProcessInfo.processInfo.environment["PYTHON"] ?? "python3", script.path, input.path,
                             String(image.width), String(image.height), String(width), String(height),
                             method == .resizeWithPad ? "pad" : "crop", prefix]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CameraError.decodeFailed(format: .rgb24, reason: "pillow_preprocess.py failed; run ./scripts/install-deps.sh (Pillow, numpy)")
        }
        bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: prefix + ".u8")))
        let raw = try Data(contentsOf: URL(fileURLWithPath: prefix + ".f32"))
        floats = raw.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// A deterministic test image with gradients, edges and noise-like texture.
func sampleImage(width: Int, height: Int) -> RGBImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 3)
    var state: UInt32 = 12345
    for y in 0..<height {
        for x in 0..<width {
            state = state &* 1_664_525 &+ 1_013_904_223
            let offset = (y * width + x) * 3
            pixels[offset] = UInt8((x * 255) / max(1, width - 1))
            pixels[offset + 1] = (x / 7 + y / 5) % 2 == 0 ? 230 : 20
            pixels[offset + 2] = UInt8(truncatingIfNeeded: state >> 24)
        }
    }
    return RGBImage(width: width, height: height, pixels: pixels)
}

@Suite("Preprocessing against Pillow")
struct PreprocessingTests {
    static let cases: [(Int, Int, Int, Int, ResizeMethod)] = [
        (640, 480, 224, 224, .resizeWithPad),
        (640, 480, 64, 64, .resizeWithPad),
        (480, 640, 224, 224, .resizeWithPad),
        (100, 60, 224, 224, .resizeWithPad),
        (33, 17, 20, 30, .resizeWithPad),
        (640, 480, 224, 224, .centerCropResize),
        (640, 480, 64, 64, .centerCropResize),
        (50, 90, 96, 64, .centerCropResize),
    ]

    @Test("uint8 resize and float tensor match Pillow + numpy exactly", arguments: 0..<cases.count)
    func matchesPillow(_ index: Int) throws {
        let (inW, inH, outW, outH, method) = Self.cases[index]
        let image = sampleImage(width: inW, height: inH)
        let reference = try PillowReference(image: image, width: outW, height: outH, method: method)
        let preprocessor = ImagePreprocessor(width: outW, height: outH, method: method)
        var resized = RGBImage()
        preprocessor.resize(image, into: &resized)
        let ours = Array(resized.pixels.prefix(resized.byteCount))
        #expect(ours.count == reference.bytes.count)
        let mismatches = zip(ours, reference.bytes).filter { $0 != $1 }.count
        #expect(mismatches == 0, "\(mismatches) of \(ours.count) bytes differ from Pillow")
        var tensor = [Float](repeating: .nan, count: preprocessor.tensorElementCount)
        try tensor.withUnsafeMutableBufferPointer { try preprocessor.tensor(from: image, into: $0) }
        #expect(tensor == reference.floats)
    }

    @Test("CHW layout is the HWC tensor transposed")
    func chwLayout() throws {
        let image = sampleImage(width: 96, height: 72)
        let hwc = ImagePreprocessor(width: 32, height: 32, layout: .hwc)
        let chw = ImagePreprocessor(width: 32, height: 32, layout: .chw)
        var a = [Float](repeating: 0, count: hwc.tensorElementCount)
        var b = a
        try a.withUnsafeMutableBufferPointer { try hwc.tensor(from: image, into: $0) }
        try b.withUnsafeMutableBufferPointer { try chw.tensor(from: image, into: $0) }
        for pixel in stride(from: 0, to: 32 * 32, by: 37) {
            for channel in 0..<3 {
                #expect(a[pixel * 3 + channel] == b[channel * 1024 + pixel])
            }
        }
        #expect(a.min()! >= -1 && a.max()! <= 1)
        // 96×72 into 32×32: resized to 32×24 with 4 black rows on top → −1.
        #expect(a[0] == -1 && b[0] == -1)
    }

    @Test("extreme and empty inputs do not crash")
    func extremes() throws {
        let preprocessor = ImagePreprocessor(width: 16, height: 16)
        var out = RGBImage()
        preprocessor.resize(sampleImage(width: 1000, height: 1), into: &out)
        #expect(out.width == 16 && out.height == 16)
        // One resized row in the middle (row 7), black elsewhere.
        #expect(out[0, 0] == (0, 0, 0) && out[0, 15] == (0, 0, 0))
        preprocessor.resize(RGBImage(), into: &out)
        #expect(out.pixels.prefix(out.byteCount).allSatisfy { $0 == 0 })
    }

    @Test("a too-small output buffer is a typed error, not a crash")
    func tooSmall() {
        let preprocessor = ImagePreprocessor(width: 8, height: 8)
        var small = [Float](repeating: 0, count: 10)
        #expect(throws: CameraError.bufferTooSmall(needed: 192, available: 10)) {
            try small.withUnsafeMutableBufferPointer { try preprocessor.tensor(from: sampleImage(width: 16, height: 16), into: $0) }
        }
    }
}
