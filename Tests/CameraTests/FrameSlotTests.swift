import Foundation
import Testing
@testable import Camera

/// The latest-frame slot without any device: publication, freshness, waking.
@Suite("Latest-frame slot")
struct FrameSlotTests {
    static let format = NegotiatedFormat(pixelFormat: .yuyv, width: 4, height: 2, bytesPerLine: 8, sizeImage: 16)

    static func publish(_ slot: FrameSlot, value: UInt8, sequence: UInt32, count: Int = 16) {
        let bytes = [UInt8](repeating: value, count: count)
        let buffer = DequeuedBuffer(index: 0, sequence: sequence, bytesUsed: count, flags: 0,
                                    timestampNanoseconds: MonotonicTime.nanoseconds())
        bytes.withUnsafeBytes { slot.publish($0, format: format, buffer: buffer) }
    }

    @Test("empty slot: nothing to copy, a timed wait returns nil after its deadline")
    func empty() {
        let slot = FrameSlot()
        var buffer = FrameBuffer()
        #expect(slot.copyFrame(newerThan: 0, into: &buffer, deadline: 0) == nil)
        let start = MonotonicTime.nanoseconds()
        #expect(slot.copyFrame(newerThan: 0, into: &buffer, deadline: start + 30_000_000) == nil)
        #expect(MonotonicTime.nanoseconds() - start >= 29_000_000)
        #expect(buffer.info == nil)
    }

    @Test("each publication gets the next index; only newer frames satisfy a wait")
    func indices() {
        let slot = FrameSlot()
        var buffer = FrameBuffer()
        Self.publish(slot, value: 7, sequence: 10)
        let first = slot.copyFrame(newerThan: 0, into: &buffer, deadline: 0)
        #expect(first?.index == 1 && first?.sequence == 10)
        buffer.withBytes { #expect(Array($0) == [UInt8](repeating: 7, count: 16)) }
        #expect(slot.copyFrame(newerThan: 1, into: &buffer, deadline: 0) == nil)
        Self.publish(slot, value: 9, sequence: 12, count: 12)
        let second = slot.copyFrame(newerThan: 1, into: &buffer, deadline: 0)
        #expect(second?.index == 2 && second?.byteCount == 12)
        buffer.withBytes { #expect(Array($0) == [UInt8](repeating: 9, count: 12)) }
        #expect(slot.statistics.published == 2)
    }

    @Test("a waiting reader wakes when a frame is published")
    func wakesReader() async {
        let slot = FrameSlot()
        let publisher = Thread {
            usleep(20_000)
            Self.publish(slot, value: 1, sequence: 0)
        }
        publisher.start()
        var buffer = FrameBuffer()
        let start = MonotonicTime.nanoseconds()
        let info = slot.copyFrame(newerThan: 0, into: &buffer, deadline: start + 2_000_000_000)
        #expect(info?.index == 1)
        #expect(MonotonicTime.nanoseconds() - start < 1_000_000_000)
    }

    @Test("a stop request wakes a waiting reader at once")
    func stopWakes() {
        let slot = FrameSlot()
        let stopper = Thread {
            usleep(20_000)
            slot.setStopRequested(true)
        }
        stopper.start()
        var buffer = FrameBuffer()
        let start = MonotonicTime.nanoseconds()
        #expect(slot.copyFrame(newerThan: 0, into: &buffer, deadline: start + 5_000_000_000) == nil)
        #expect(MonotonicTime.nanoseconds() - start < 1_000_000_000)
        #expect(slot.waitForStop(milliseconds: 1000))
    }

    @Test("a frame buffer keeps its storage once grown")
    func bufferReuse() {
        let slot = FrameSlot()
        var buffer = FrameBuffer()
        Self.publish(slot, value: 3, sequence: 0)
        _ = slot.copyFrame(newerThan: 0, into: &buffer, deadline: 0)
        let address = buffer.withBytes { $0.baseAddress }
        Self.publish(slot, value: 4, sequence: 1, count: 8)
        _ = slot.copyFrame(newerThan: 1, into: &buffer, deadline: 0)
        #expect(buffer.withBytes { $0.baseAddress } == address)
        buffer.withBytes { #expect($0.count == 8 && $0[0] == 4) }
    }

    @Test("frame age is measured on CLOCK_MONOTONIC")
    func age() {
        let info = FrameInfo(pixelFormat: .yuyv, width: 1, height: 1, bytesPerLine: 2, byteCount: 2,
                             sequence: 0, index: 1, timestampNanoseconds: 5_000_000)
        #expect(info.ageMilliseconds(at: 12_500_000) == 7.5)
        #expect(info.ageMilliseconds(at: 1_000_000) == 0)
    }
}

@Suite("Camera error messages")
struct CameraErrorMessageTests {
    @Test("every error names the device or file and says what to do")
    func messages() {
        let errors: [CameraError] = [
            .cannotOpen(path: "/dev/video0", errno: Errno(EACCES)),
            .notACaptureDevice(path: "/dev/video1", card: "C920"),
            .busy(path: "/dev/video0", operation: "VIDIOC_S_FMT"),
            .usbBandwidth(path: "/dev/video0", format: "YUYV 1280x720"),
            .invalidRequest(path: "/dev/video0", operation: "VIDIOC_S_PARM"),
            .formatMismatch(path: "/dev/video0", requested: "MJPG 1280x720", granted: "MJPG 640x480"),
            .unsupportedFormat(path: "/dev/video0", requested: [.mjpeg], available: [.yuyv]),
            .disconnected(path: "/dev/video0"),
            .ioctlFailed(path: "/dev/video0", operation: "VIDIOC_QBUF", errno: Errno(EIO)),
            .staleFrame(path: "/dev/video0", ageMilliseconds: 250.04, limitMilliseconds: 100),
            .noFrameYet(path: "/dev/video0"),
            .timedOut(path: "/dev/video0", milliseconds: 50),
        ]
        for error in errors {
            #expect(error.description.contains("/dev/video"), "\(error)")
            #expect(error.description.contains("Fix: "), "\(error)")
        }
        #expect(CameraError.cannotOpen(path: "/dev/video0", errno: Errno(EACCES)).description.contains("'video' group"))
        #expect(CameraError.staleFrame(path: "/dev/video0", ageMilliseconds: 250.04, limitMilliseconds: 100)
            .description.hasPrefix("camera /dev/video0: newest frame is 250.0 ms old, limit 100.0 ms."))
        #expect(Errno(EBUSY).description == "EBUSY (Device or resource busy)")
        #expect(PixelFormat.mjpeg.description == "MJPG" && PixelFormat(fourcc: 0x5659_5559) == .yuyv)
    }
}
