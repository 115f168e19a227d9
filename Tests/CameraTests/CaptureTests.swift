import Foundation
import TestSupport
import Testing
@testable import Camera

@Suite("Capture from the fake V4L2 device through libv4l2", .serialized, .enabled(if: FakeCamera.isInstalled))
struct CaptureTests {
    @Test("raw YUYV: the fake's exact bytes, consecutive sequence numbers, 1/fps timestamps")
    func rawYUYV() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=640x480,320x240", "fps=30,15"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv]))
        #expect(camera.setup.format == NegotiatedFormat(pixelFormat: .yuyv, width: 640, height: 480, bytesPerLine: 1280, sizeImage: 614_400))
        #expect(camera.setup.framesPerSecond == 30)
        #expect(camera.setup.bufferCount == 4)
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
        #expect(camera.statistics.dropped == 0)
        #expect(camera.statistics.damaged == 0)
    }

    @Test("raw YUYV decodes to the pattern's RGB (BT.601 limited range)")
    func rawYUYVDecoded() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv], width: 320, height: 240))
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        let info = try camera.read(into: &buffer)
        var image = RGBImage()
        try FrameDecoder().decode(buffer, into: &image)
        #expect(image.width == 320 && image.height == 240)
        try expectPattern(image, sequence: info.sequence, tolerance: 3)
    }

    @Test("raw MJPEG: valid JPEG bytes, decoded by libturbojpeg to the pattern")
    func rawMJPEG() throws {
        let fake = try FakeCamera(["formats=YUYV,MJPG", "sizes=640x480"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.mjpeg, .yuyv]))
        #expect(camera.setup.format.pixelFormat == .mjpeg)
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        let decoder = FrameDecoder()
        var image = RGBImage()
        for _ in 0..<3 {
            let info = try camera.read(into: &buffer)
            #expect(info.byteCount < 614_400)
            buffer.withBytes { bytes in
                #expect(bytes[0] == 0xFF && bytes[1] == 0xD8)
                #expect(bytes[bytes.count - 2] == 0xFF && bytes[bytes.count - 1] == 0xD9)
            }
            try decoder.decode(buffer, into: &image)
            try expectPattern(image, sequence: info.sequence, tolerance: 6)
        }
    }

    @Test("conversion mode: libv4l2 turns YUYV into RGB24 (libv4lconvert, full-range formula)")
    func conversionFromYUYV() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=640x480"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(mode: .conversion))
        #expect(camera.setup.format == NegotiatedFormat(pixelFormat: .rgb24, width: 640, height: 480, bytesPerLine: 1920, sizeImage: 921_600))
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        let info = try camera.read(into: &buffer)
        #expect(info.pixelFormat == .rgb24 && info.byteCount == 921_600)
        var image = RGBImage()
        try FrameDecoder().decode(buffer, into: &image)
        for (x, y) in [(5, 5), (100, 100), (200, 300), (300, 10), (420, 470), (500, 200), (630, 100)] {
            let yuv = FakePattern.yuv(FakePattern.rgb(x: x, y: y, sequence: info.sequence, width: 640))
            // libv4lconvert (rgbyuv.c, v4lconvert_yuyv_to_rgb24) reads YUYV as full range
            // in integer arithmetic: R = Y + (3V' >> 1), G = Y − ((3U' + 6V') >> 3),
            // B = Y + (129U' >> 6), with U' = U − 128, V' = V − 128, clamped.
            let l = Int(yuv.y), u = Int(yuv.u) - 128, v = Int(yuv.v) - 128
            let expected = [l + ((3 * v) >> 1), l - ((3 * u + 6 * v) >> 3), l + ((129 * u) >> 6)]
                .map { UInt8(min(255, max(0, $0))) }
            let pixel = image[x, y]
            #expect([pixel.r, pixel.g, pixel.b] == expected, "pixel (\(x), \(y))")
        }
    }

    @Test("conversion mode: libv4l2 decodes an MJPEG-only camera to RGB24")
    func conversionFromMJPEG() throws {
        let fake = try FakeCamera(["formats=MJPG", "sizes=640x480"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(mode: .conversion))
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        let info = try camera.read(into: &buffer)
        #expect(info.pixelFormat == .rgb24)
        var image = RGBImage()
        try FrameDecoder().decode(buffer, into: &image)
        try expectPattern(image, sequence: info.sequence, tolerance: 8)
    }

    /// Reads 12 frames from a 100 fps 320×240 YUYV fake with `fault` (a marker line such as
    /// `drop_every=3`), expecting each sequence number to be `published`; then stops the camera.
    /// Returns it (for its statistics) with its last frame.
    static func twelveFrames(withFault fault: String, published: (UInt32) -> Bool) throws -> (V4L2Camera, FrameInfo) {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240", "fps=100", fault])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv], fps: 100, width: 320, height: 240))
        try camera.start()
        var buffer = FrameBuffer()
        for _ in 0..<12 {
            let info = try camera.read(into: &buffer)
            #expect(published(info.sequence), "frame \(info.sequence)")
        }
        camera.stop()
        return (camera, try #require(camera.latestFrame(into: &buffer)))
    }

    @Test("sequence gaps are counted as drops, exactly")
    func drops() throws {
        let (camera, last) = try Self.twelveFrames(withFault: "drop_every=3") { $0 % 3 != 2 }
        let expected = UInt64((0...last.sequence).filter { $0 % 3 == 2 }.count)
        #expect(camera.statistics.dropped == expected)
        #expect(camera.statistics.published + camera.statistics.skipped + camera.statistics.dropped == UInt64(last.sequence) + 1)
    }

    @Test("error-flagged buffers are never published and are counted")
    func damagedBuffers() throws {
        let (camera, last) = try Self.twelveFrames(withFault: "error_every=4") { $0 == 0 || $0 % 4 != 0 }
        let flagged = UInt64((1...last.sequence).filter { $0 % 4 == 0 }.count)
        #expect(camera.statistics.damaged >= flagged && camera.statistics.damaged <= flagged + 1)
        #expect(camera.statistics.dropped == 0)
    }

    @Test("EIO from DQBUF is counted and capture goes on")
    func transientIOError() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240", "fps=100", "eio_at=5"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv], fps: 100, width: 320, height: 240))
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        var sequences: [UInt32] = []
        while (sequences.last ?? 0) < 10 { sequences.append(try camera.read(into: &buffer).sequence) }
        #expect(camera.statistics.ioErrors == 1)
        #expect(camera.statistics.dropped == 0)
        #expect(camera.state == .streaming)
    }

    @Test("EIO on every DQBUF: after 20 in a row the camera is reopened")
    func persistentIOError() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240", "fps=100", "eio_at=3", "eio_repeat=1"])
        defer { fake.remove() }
        var configuration = fake.configuration(formats: [.yuyv], fps: 100, width: 320, height: 240)
        configuration.reopenIntervalMilliseconds = 200
        let camera = try V4L2Camera(configuration: configuration)
        try camera.start()
        defer { camera.stop() }
        #expect(waitUntil(seconds: 2) { camera.state == .disconnected })
        #expect(camera.statistics.ioErrors == 20)
        #expect(camera.statistics.disconnects == 1)
        // The queue recovers (same node, fault gone): capture resumes after a reopen.
        try FakeCamera.writeMarker(at: fake.path, ["formats=YUYV", "sizes=320x240", "fps=100"])
        #expect(waitUntil(seconds: 2) { camera.state == .streaming && camera.statistics.reconnects == 1 })
        var buffer = FrameBuffer()
        let frame = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 500)
        #expect(frame.sequence < 50)
    }

    @Test("ENODEV: disconnected, stale frames for consumers, reopen by the by-id path after re-plug")
    func unplugAndReplug() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240", "fps=60", "enodev_after=5"])
        defer { fake.remove() }
        let link = try fake.link("usb-Pirl_Fake_Camera-video-index0", to: fake.path)
        var configuration = fake.configuration(formats: [.yuyv], fps: 60, width: 320, height: 240)
        configuration.reopenIntervalMilliseconds = 300
        let camera = try V4L2Camera(configuration: configuration)
        #expect(camera.setup.reopenPath == link)
        try camera.start()
        defer { camera.stop() }
        #expect(waitUntil(seconds: 2) { camera.state == .disconnected })
        // Unplugged: the node is gone, reopening fails until it comes back.
        try FileManager.default.removeItem(atPath: fake.path)
        var buffer = FrameBuffer()
        let lastBefore = try #require(camera.latestFrame(into: &buffer))
        #expect(lastBefore.sequence == 4)
        #expect(camera.statistics.disconnects == 1)
        pause(milliseconds: 400)
        #expect(camera.state == .disconnected)
        let stale = thrownError(CameraError.self) { _ = try camera.frame(notOlderThanMilliseconds: 100, into: &buffer) }
        guard case let .staleFrame(path, age, limit)? = stale else {
            Issue.record("expected a stale-frame error, got \(String(describing: stale))")
            return
        }
        #expect(path == fake.path && age > 100 && limit == 100)
        // Re-plugged as another node: the by-id link now points there.
        let replugged = fake.directory.appendingPathComponent("video1").path
        try FakeCamera.writeMarker(at: replugged, ["formats=YUYV", "sizes=320x240", "fps=60"])
        try fake.link("usb-Pirl_Fake_Camera-video-index0", to: replugged)
        #expect(waitUntil(seconds: 2) { camera.state == .streaming })
        let after = try camera.read(into: &buffer)
        #expect(after.index > lastBefore.index)
        #expect(after.sequence < 60)
        #expect(camera.statistics.reconnects == 1)
        _ = try camera.frame(notOlderThanMilliseconds: 100, into: &buffer)
    }

    @Test("stop() shuts down cleanly: the fd is closed and the device can be opened again")
    func cleanShutdown() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240"])
        defer { fake.remove() }
        let configuration = fake.configuration(formats: [.yuyv], width: 320, height: 240)
        for _ in 0..<2 {
            let camera = try V4L2Camera(configuration: configuration)
            try camera.start()
            var buffer = FrameBuffer()
            _ = try camera.read(into: &buffer)
            camera.stop()
            #expect(camera.state == .stopped)
            #expect(!openFileDescriptors().contains(fake.path))
            camera.stop()
        }
    }

    @Test("dropping a streaming camera without stop() still joins its thread and closes the fd")
    func deinitStops() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240"])
        defer { fake.remove() }
        let configuration = fake.configuration(formats: [.yuyv], width: 320, height: 240)
        do {
            let camera = try V4L2Camera(configuration: configuration)
            try camera.start()
            var buffer = FrameBuffer()
            _ = try camera.read(into: &buffer)
            #expect(openFileDescriptors().contains(fake.path))
        }
        #expect(!openFileDescriptors().contains(fake.path))
    }

    @Test("freshness: next frame times out, stale latest frame is a typed error")
    func freshness() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=320x240", "fps=5,30"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv], fps: 5, width: 320, height: 240))
        #expect(camera.setup.framesPerSecond == 5)
        var buffer = FrameBuffer()
        #expect(throws: CameraError.noFrameYet(path: fake.path)) { try camera.frame(notOlderThanMilliseconds: 50, into: &buffer) }
        #expect(camera.latestFrame(into: &buffer) == nil)
        try camera.start()
        defer { camera.stop() }
        let first = try camera.read(into: &buffer)
        #expect(first.sequence == 0)
        // The next frame is due 200 ms after the first: a 50 ms wait times out.
        #expect(throws: CameraError.timedOut(path: fake.path, milliseconds: 50)) {
            try camera.nextFrame(into: &buffer, timeoutMilliseconds: 50)
        }
        pause(milliseconds: 60)
        let stale = thrownError(CameraError.self) { _ = try camera.frame(notOlderThanMilliseconds: 30, into: &buffer) }
        guard case let .staleFrame(_, age, limit)? = stale else {
            Issue.record("expected a stale-frame error, got \(String(describing: stale))")
            return
        }
        #expect(age >= 30 && limit == 30)
        let next = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 400)
        #expect(next.sequence == 1 && next.index == first.index + 1)
        let latest = try #require(camera.latestFrame(into: &buffer))
        #expect(latest == next)
    }
}

/// Paths the test process has open, from /proc/self/fd.
func openFileDescriptors() -> [String] {
    DeviceDiscovery.entries(of: "/proc/self/fd").compactMap { DeviceDiscovery.realPath("/proc/self/fd/" + $0) }
}

/// Checks bar centres and the sequence block of a decoded fake frame.
/// `scale` is the decoded size over the captured size (DCT-scaled decoding).
func expectPattern(_ image: RGBImage, sequence: UInt32, tolerance: Int, scale: Int = 1,
                   sourceLocation: SourceLocation = #_sourceLocation) throws {
    let width = image.width
    let block = 32 / scale
    let points = [(block / 4, block / 4), (block * 3 / 4, block * 5 / 8)]
        + (0..<8).map { bar in (bar * width / 8 + width / 16, image.height / 2) }
    for (x, y) in points {
        let expected = FakePattern.rgb(x: x * scale, y: y * scale, sequence: sequence, width: width * scale)
        let pixel = image[x, y]
        for (got, want) in zip([pixel.r, pixel.g, pixel.b], expected) {
            #expect(abs(Int(got) - Int(want)) <= tolerance, "pixel (\(x), \(y)) = \(pixel), want \(expected)", sourceLocation: sourceLocation)
        }
    }
}
