import Foundation
import TestSupport
import Testing
@testable import Camera

@Suite("Frame decoder", .serialized, .enabled(if: FakeCamera.isInstalled))
struct DecoderTests {
    /// One raw MJPEG frame from the fake.
    static func mjpegFrame() throws -> FrameBuffer {
        let fake = try FakeCamera(["formats=MJPG", "sizes=640x480"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.mjpeg]))
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        _ = try camera.read(into: &buffer)
        return buffer
    }

    @Test("DCT-scaled decoding picks the smallest scale covering the requested size")
    func dctScaling() throws {
        let frame = try Self.mjpegFrame()
        let decoder = FrameDecoder()
        var image = RGBImage()
        for (request, expected) in [((224, 224), (320, 240)), ((224, 168), (320, 240)), ((64, 64), (160, 120)), ((64, 48), (80, 60)), ((641, 10), (640, 480))] {
            try decoder.decode(frame, into: &image, minimumSize: request)
            #expect(image.width == expected.0 && image.height == expected.1, "request \(request)")
        }
        try decoder.decode(frame, into: &image, minimumSize: (224, 224))
        try expectPattern(image, sequence: frame.info!.sequence, tolerance: 8, scale: 2)
    }

    @Test("fast DCT decodes the same pattern")
    func fastDCT() throws {
        let frame = try Self.mjpegFrame()
        var image = RGBImage()
        try FrameDecoder(fastDCT: true).decode(frame, into: &image)
        #expect(image.width == 640 && image.height == 480)
        try expectPattern(image, sequence: frame.info!.sequence, tolerance: 8)
    }

    @Test("a truncated or garbage JPEG is a typed decode error")
    func garbage() throws {
        let info = FrameInfo(pixelFormat: .mjpeg, width: 640, height: 480, bytesPerLine: 0, byteCount: 64,
                             sequence: 0, index: 1, timestampNanoseconds: 0)
        let bytes = [UInt8](repeating: 0x42, count: 64)
        var image = RGBImage()
        let error = thrownError(CameraError.self) { try bytes.withUnsafeBytes { try FrameDecoder().decode($0, info: info, into: &image) } }
        guard case .decodeFailed(format: .mjpeg, _)? = error else {
            Issue.record("expected decodeFailed, got \(String(describing: error))")
            return
        }
    }

    @Test("a short YUYV buffer is refused, not read past its end")
    func shortYUYV() {
        let info = FrameInfo(pixelFormat: .yuyv, width: 4, height: 2, bytesPerLine: 8, byteCount: 10,
                             sequence: 0, index: 1, timestampNanoseconds: 0)
        let bytes = [UInt8](repeating: 128, count: 10)
        var image = RGBImage()
        #expect(throws: CameraError.decodeFailed(format: .yuyv, reason: "10 bytes for 4x2")) {
            try bytes.withUnsafeBytes { try FrameDecoder().decode($0, info: info, into: &image) }
        }
    }

    @Test("YUYV limited range: 16 is black, 235 is white, chroma moves the right channels")
    func yuyvLevels() throws {
        let info = FrameInfo(pixelFormat: .yuyv, width: 4, height: 1, bytesPerLine: 8, byteCount: 8,
                             sequence: 0, index: 1, timestampNanoseconds: 0)
        // Pixels: black, white (neutral chroma), then a pair with strong V (red).
        let bytes: [UInt8] = [16, 128, 235, 128, 82, 90, 82, 240]
        var image = RGBImage()
        try bytes.withUnsafeBytes { try FrameDecoder().decode($0, info: info, into: &image) }
        #expect(image[0, 0] == (0, 0, 0))
        #expect(image[1, 0] == (255, 255, 255))
        let red = image[2, 0]
        #expect(red.r > 240 && red.g < 10 && red.b < 10, "\(red)")
    }
}
