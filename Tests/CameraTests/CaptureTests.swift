import Testing
@testable import Camera

@Suite("Capture from the fake V4L2 device", .serialized, .enabled(if: FakeCamera.isInstalled))
struct CaptureTests {
    @Test("raw YUYV frames carry the fake's exact bytes, sequence and timestamps")
    func rawYUYV() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=640x480", "fps=30"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv]))
        #expect(camera.setup.format == NegotiatedFormat(pixelFormat: .yuyv, width: 640, height: 480, bytesPerLine: 1280, sizeImage: 614_400))
        #expect(camera.setup.framesPerSecond == 30)
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        var previous: FrameInfo?
        for _ in 0..<5 {
            let info = try camera.read(into: &buffer)
            #expect(info.byteCount == 614_400)
            let now = MonotonicTime.nanoseconds()
            #expect(info.timestampNanoseconds <= now)
            #expect(info.ageMilliseconds(at: now) < 100)
            if let previous {
                #expect(info.index == previous.index + 1)
                #expect(info.sequence > previous.sequence)
                let interval = Double(info.timestampNanoseconds - previous.timestampNanoseconds) / 1e6
                #expect(abs(interval - Double(info.sequence - previous.sequence) * 1000 / 30) < 0.01)
            }
            buffer.withBytes { bytes in
                for (x, y) in [(0, 0), (30, 31), (100, 40), (400, 300), (638, 479)] {
                    let expected = FakePattern.yuv(FakePattern.rgb(x: x, y: y, sequence: info.sequence, width: 640))
                    let offset = y * 1280 + (x / 2) * 4
                    #expect(bytes[offset] == expected.y)
                    #expect(bytes[offset + 1] == expected.u)
                    #expect(bytes[offset + 3] == expected.v)
                }
            }
            previous = info
        }
        #expect(camera.statistics.published >= 5)
    }
}
