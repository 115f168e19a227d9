import Camera
import Foundation
import SimTrainer
import TestSupport
import Testing
@testable import TwinServe

/// The twin's camera path end to end: publisher → frame ring → fake libv4l2 plugin (live
/// mode) → `V4L2Camera` → `FrameDecoder`, as `pirl-robot run` captures a real webcam.
@Suite("Twin cameras through libv4l2", .serialized, .enabled(if: LiveTwin.pluginInstalled))
struct LiveCameraTests {
    @Test("captured frames are the rendered ones (within JPEG error), in order, stamped capture + latency")
    func renderedFramesArrive() throws {
        var options = CameraPublishingOptions()
        options.retainedRenders = 24
        options.latencyMilliseconds = 40
        let twin = try LiveTwin(options: options)
        defer { twin.close() }
        let camera = try V4L2Camera(configuration: twin.configuration())
        #expect(camera.setup.format.pixelFormat == .mjpeg)
        #expect(camera.setup.format.width == 640 && camera.setup.format.height == 480)
        #expect(camera.setup.framesPerSecond == 30)
        #expect(camera.setup.capabilities.card == "Pirl Twin front")
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        var image = RGBImage()
        let decoder = FrameDecoder()
        var previous: FrameInfo?
        var ages: [Double] = [], errors: [Double] = []
        for _ in 0..<12 {
            // A frame published after the call: its age at return is the delivery delay alone.
            let info = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 1000)
            let now = MonotonicTime.nanoseconds()
            // The buffer's timestamp is the arrival instant: never in the future.
            #expect(info.timestampNanoseconds <= now)
            if let previous {
                #expect(info.sequence > previous.sequence)
                #expect(info.timestampNanoseconds > previous.timestampNanoseconds)
            }
            previous = info
            // V4L2 timestamps are microseconds: the render is the one captured `latency` before.
            let renders = twin.publisher.recentRenders()
            let latency = UInt64(options.latencyMilliseconds * 1e6)
            guard let render = renders.first(where: {
                let arrival = $0.captureNanoseconds + latency
                return arrival >= info.timestampNanoseconds && arrival - info.timestampNanoseconds < 1000
            }) else {
                Issue.record("no published render matches timestamp \(info.timestampNanoseconds)")
                continue
            }
            ages.append(milliseconds(from: render.captureNanoseconds, to: now))
            try decoder.decode(buffer, into: &image)
            #expect(image.width == 640 && image.height == 480)
            var total = 0
            image.pixels.withUnsafeBufferPointer { decoded in
                for index in 0..<(640 * 480 * 3) { total += abs(Int(decoded[index]) - Int(render.pixels[index])) }
            }
            errors.append(Double(total) / Double(640 * 480 * 3))
        }
        // The picture is at least the latency old when it arrives, and not much more.
        #expect(ages.allSatisfy { $0 >= options.latencyMilliseconds })
        #expect(ages.sorted()[ages.count / 2] < options.latencyMilliseconds + 15)
        #expect(errors.allSatisfy { $0 < 3 }, "mean absolute error per channel: \(errors)")
        let stats = twin.publisher.statistics
        print("live camera: capture age at read \(ages.map { String(format: "%.1f", $0) }.joined(separator: " ")) ms "
              + "(latency \(options.latencyMilliseconds) ms); JPEG error \(String(format: "%.2f", errors.reduce(0, +) / Double(max(1, errors.count)))); "
              + "render \(String(format: "%.2f", stats.meanRenderMilliseconds)) ms (max \(String(format: "%.1f", stats.maxRenderMilliseconds))), "
              + "encode \(String(format: "%.2f", stats.meanEncodeMilliseconds)) ms (max \(String(format: "%.1f", stats.maxEncodeMilliseconds))), "
              + "\(stats.meanJPEGBytes) bytes/frame, late \(stats.lateFrames)")
    }

    @Test("a 15 fps stream gets every other frame of the 30 fps camera, with consecutive sequence numbers")
    func requestedRateIsHonoured() throws {
        let twin = try LiveTwin()
        defer { twin.close() }
        let camera = try V4L2Camera(configuration: twin.configuration(fps: 15))
        #expect(camera.setup.framesPerSecond == 15)
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        var infos: [FrameInfo] = []
        for _ in 0..<6 { infos.append(try camera.read(into: &buffer)) }
        for (earlier, later) in zip(infos, infos.dropFirst()) {
            #expect(later.sequence == earlier.sequence + 1)
            let interval = milliseconds(from: earlier.timestampNanoseconds, to: later.timestampNanoseconds)
            #expect(abs(interval - 66.7) < 8, "interval \(interval) ms")
        }
    }

    @Test("a stall: no new frame, reads time out and the frame goes stale; capture resumes after")
    func stall() throws {
        try withStreamingCamera { twin, camera, buffer in
            let before = try camera.read(into: &buffer)
            twin.publisher.stall(seconds: 0.8)
            let timedOut = thrownCase(CameraError.self) { _ = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 400) }
            #expect(timedOut == "timedOut")
            let staleFrame = thrownCase(CameraError.self) { _ = try camera.frame(notOlderThanMilliseconds: 200, into: &buffer) }
            #expect(staleFrame == "staleFrame")
            #expect(camera.state == .streaming)
            let after = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 1500)
            #expect(after.index > before.index)
            #expect(after.sequence > before.sequence)
            _ = try camera.frame(notOlderThanMilliseconds: 200, into: &buffer)
            #expect(camera.statistics.disconnects == 0 && camera.statistics.ioErrors == 0)
            // Stopping in the middle of a stall is as quick as on a real camera (poll timeout).
            twin.publisher.stall(seconds: 5)
            usleep(300_000)
            let start = MonotonicTime.nanoseconds()
            camera.stop()
            #expect(milliseconds(from: start, to: MonotonicTime.nanoseconds()) < 500)
        }
    }

    @Test("unplug: ENODEV, the node disappears, stale frames; replug: the camera reopens and streams")
    func unplugAndReplug() throws {
        try withStreamingCamera { twin, camera, buffer in
            let before = try camera.read(into: &buffer)
            twin.publisher.unplug()
            #expect(waitUntil(seconds: 1) { camera.state == .disconnected })
            #expect(camera.statistics.disconnects == 1)
            #expect(!FileManager.default.fileExists(atPath: twin.publisher.markerPath))
            // Opening it now fails as for a camera that is not there.
            let cannotOpen = thrownCase(CameraError.self) { _ = try V4L2Camera(configuration: twin.configuration()) }
            #expect(cannotOpen == "cannotOpen")
            usleep(250_000)
            let staleFrame = thrownCase(CameraError.self) { _ = try camera.frame(notOlderThanMilliseconds: 100, into: &buffer) }
            #expect(staleFrame == "staleFrame")
            try twin.publisher.replug()
            #expect(waitUntil(seconds: 2) { camera.state == .streaming })
            let after = try camera.nextFrame(into: &buffer, timeoutMilliseconds: 1000)
            #expect(after.index > before.index)
            #expect(camera.statistics.reconnects == 1)
            _ = try camera.frame(notOlderThanMilliseconds: 200, into: &buffer)
        }
    }

    @Test("stopping the publisher unplugs its camera for good and removes marker and ring")
    func stopUnplugs() throws {
        try withStreamingCamera { twin, camera, buffer in
            _ = try camera.read(into: &buffer)
            twin.publisher.stop()
            #expect(waitUntil(seconds: 1) { camera.state == .disconnected })
            #expect(!FileManager.default.fileExists(atPath: twin.publisher.markerPath))
            #expect(!FileManager.default.fileExists(atPath: twin.publisher.ringPath))
        }
    }

    /// Runs `body` with a served twin and its front camera streaming, and tears both down after.
    private func withStreamingCamera(_ body: (LiveTwin, V4L2Camera, inout FrameBuffer) throws -> Void) throws {
        let twin = try LiveTwin()
        defer { twin.close() }
        let camera = try V4L2Camera(configuration: twin.configuration())
        try camera.start()
        defer { camera.stop() }
        var buffer = FrameBuffer()
        try body(twin, camera, &buffer)
    }
}
