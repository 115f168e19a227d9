import CFrameRing
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The writer's end of a frame ring (layout: Sources/CFrameRing/include/pirl_frame_ring.h):
/// a file mapped shared, into which one camera's MJPEG frames go, each with its capture
/// time; readers (the fake libv4l2 plugin in each capturing process) map the same file.
/// The file is built under a temporary name and renamed into place, so a reader never
/// finds a half-initialized header. One thread writes.
final class FrameRing: @unchecked Sendable {
    /// The ring file.
    let path: String
    private let header: UnsafeMutablePointer<pirl_frame_ring_header>
    private let size: Int

    /// Creates (or replaces) the ring at `path` for `width × height` MJPEG frames at
    /// `framesPerSecond`, keeping `slotCount` frames, delivered `latencyNanoseconds`
    /// after their capture. Connected, nothing published.
    init(path: String, width: Int, height: Int, framesPerSecond: Int, slotCount: Int,
         latencyNanoseconds: UInt64, payloadCapacity: Int) throws(TwinServeError) {
        self.path = path
        var slotSize: UInt32 = 0
        size = pirl_frame_ring_file_size(UInt32(slotCount), UInt32(payloadCapacity), &slotSize)
        let temporary = path + ".new"
        let fd = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .ringFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .ringFailed(path: path, reason: reason)
        }
        guard let map = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .ringFailed(path: path, reason: reason)
        }
        header = map.bindMemory(to: pirl_frame_ring_header.self, capacity: 1)
        let mjpeg = UInt32(0x47504A4D)  // v4l2_fourcc('M', 'J', 'P', 'G')
        pirl_frame_ring_init(header, UInt32(width), UInt32(height), mjpeg, UInt32(framesPerSecond), UInt32(slotCount),
                             slotSize, latencyNanoseconds)
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            munmap(map, size)
            unlink(temporary)
            throw .ringFailed(path: path, reason: reason)
        }
    }

    deinit { munmap(header, size) }

    /// Writes one frame; returns its frame number, or nil when it exceeds a slot.
    func write(jpeg: UnsafeRawBufferPointer, captureNanoseconds: UInt64) -> UInt64? {
        let number = pirl_frame_ring_write(header, captureNanoseconds, jpeg.baseAddress, UInt32(jpeg.count))
        return number >= 0 ? UInt64(number) : nil
    }

    /// Unplugs (every open capture fd fails with ENODEV from now on) or replugs.
    func setPlugged(_ plugged: Bool) { pirl_frame_ring_set_plugged(header, plugged ? 1 : 0) }

    /// Frames written so far.
    var published: UInt64 { pirl_frame_ring_published(header) }

    /// Removes the file (open mappings stay valid).
    func remove() { unlink(path) }
}
