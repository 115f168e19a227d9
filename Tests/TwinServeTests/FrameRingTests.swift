import CFrameRing
import Foundation
import Synchronization
import Testing
@testable import TwinServe
#if canImport(Glibc)
import Glibc
#endif

/// The frame ring as a reader in another process sees it: mapped read-only from its file.
private final class RingReader: @unchecked Sendable {
    let header: UnsafePointer<pirl_frame_ring_header>
    private let size: Int

    init(path: String) throws {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CocoaError(.fileNoSuchFile) }
        defer { close(fd) }
        var info = stat()
        fstat(fd, &info)
        size = Int(info.st_size)
        let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)!
        header = UnsafePointer(map.bindMemory(to: pirl_frame_ring_header.self, capacity: 1))
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: header), size) }

    /// Slot `index`'s frame and bytes, nil for an inconsistent read.
    func read(slot index: UInt32) -> (frame: pirl_frame_ring_frame, bytes: [UInt8])? {
        var frame = pirl_frame_ring_frame()
        var bytes = [UInt8](repeating: 0, count: Int(pirl_frame_ring_capacity(header)))
        let result = bytes.withUnsafeMutableBytes { pirl_frame_ring_read(header, index, &frame, $0.baseAddress, $0.count) }
        guard result == 0 else { return nil }
        return (frame, Array(bytes.prefix(Int(frame.jpeg_bytes))))
    }

    var isValid: Bool { pirl_frame_ring_is_valid(header, size) == 1 }
}

@Suite("Frame ring")
struct FrameRingTests {
    /// A fresh ring in a temporary file (30 fps); the caller removes it.
    private func makeRing(width: Int = 8, height: Int = 8, slotCount: Int = 3, latencyNanoseconds: UInt64 = 0,
                          payloadCapacity: Int) throws -> FrameRing {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-ring-\(UUID().uuidString)").path
        return try FrameRing(path: path, width: width, height: height, framesPerSecond: 30, slotCount: slotCount,
                             latencyNanoseconds: latencyNanoseconds, payloadCapacity: payloadCapacity)
    }

    @Test("header, slots and frames as written; frame n in slot n % count")
    func layout() throws {
        let ring = try makeRing(width: 640, height: 480, slotCount: 4, latencyNanoseconds: 33_000_000, payloadCapacity: 10_000)
        defer { ring.remove() }
        let reader = try RingReader(path: ring.path)
        #expect(reader.isValid)
        let h = reader.header.pointee
        #expect(h.width == 640 && h.height == 480 && h.frames_per_second == 30 && h.slot_count == 4)
        #expect(h.latency_ns == 33_000_000 && h.slot_size % 4096 == 0 && h.slot_size >= 10_064)
        #expect(pirl_frame_ring_is_connected(reader.header, 0) == 1)
        for n in 0..<6 {
            let payload = [UInt8](repeating: UInt8(n), count: 100 + n)
            let written = payload.withUnsafeBytes { ring.write(jpeg: $0, captureNanoseconds: UInt64(1000 + n)) }
            #expect(written == UInt64(n))
        }
        #expect(ring.published == 6)
        let newest = try #require(reader.read(slot: 5 % 4))
        #expect(newest.frame.frame == 5 && newest.frame.capture_ns == 1005 && newest.bytes == [UInt8](repeating: 5, count: 105))
        let oldest = try #require(reader.read(slot: 2))
        #expect(oldest.frame.frame == 2)
        let tooBig = [UInt8](repeating: 0, count: 20_000)
        #expect(tooBig.withUnsafeBytes { ring.write(jpeg: $0, captureNanoseconds: 0) } == nil)
    }

    @Test("a slot being written cannot be read")
    func writerInside() throws {
        let ring = try makeRing(payloadCapacity: 64)
        defer { ring.remove() }
        _ = [UInt8](repeating: 1, count: 10).withUnsafeBytes { ring.write(jpeg: $0, captureNanoseconds: 1) }
        let reader = try RingReader(path: ring.path)
        #expect(reader.read(slot: 0) != nil)
        // Simulate the writer between its two lock stores: the slot's lock is odd.
        let fd = open(ring.path, O_RDWR)
        defer { close(fd) }
        let length = Int(reader.header.pointee.header_size + 3 * reader.header.pointee.slot_size)
        let map = try #require(mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0))
        defer { munmap(map, length) }
        let lock = (map + Int(reader.header.pointee.header_size)).assumingMemoryBound(to: UInt64.self)
        lock.pointee += 1
        #expect(reader.read(slot: 0) == nil)
        lock.pointee += 1
        #expect(reader.read(slot: 0) != nil)
    }

    @Test("a reader racing the writer never gets a torn frame")
    func noTornReads() throws {
        let ring = try makeRing(payloadCapacity: 20_000)
        defer { ring.remove() }
        let reader = try RingReader(path: ring.path)
        let stop = Atomic<Bool>(false)
        // Byte i of frame n is (n + i) mod 256 and its size follows from n, so any mix of two
        // frames shows. Payloads are made beforehand: the writer spends its time in the slots.
        let patterns = (0..<256).map { n in (0..<20_000).map { UInt8(truncatingIfNeeded: n + $0) } }
        @Sendable func size(_ n: Int) -> Int { 5_000 + (n * 7919) % 15_000 }
        let writer = Thread {
            var n = 0
            while !stop.load(ordering: .acquiring) {
                _ = patterns[n % 256].withUnsafeBytes {
                    ring.write(jpeg: UnsafeRawBufferPointer(rebasing: $0.prefix(size(n))), captureNanoseconds: UInt64(n))
                }
                n += 1
            }
        }
        writer.start()
        var consistent = 0, torn = 0, refused = 0, round: UInt64 = 0
        let deadline = Date().addingTimeInterval(1.5)
        while consistent < 300 || refused < 20, Date() < deadline {
            let published = pirl_frame_ring_published(reader.header)
            guard published > 0 else { continue }
            // Every slot in turn, the one the writer is in included.
            round += 1
            let slot = (published + round) % 3
            guard slot < published else { continue }  // not written yet
            guard let (frame, bytes) = reader.read(slot: UInt32(slot)) else {
                refused += 1
                continue
            }
            let n = Int(frame.frame)
            let intact = bytes.count == size(n) && frame.capture_ns == UInt64(n)
                && bytes.indices.allSatisfy { bytes[$0] == UInt8(truncatingIfNeeded: n &+ $0) }
            if intact { consistent += 1 } else { torn += 1 }
        }
        stop.store(true, ordering: .releasing)
        #expect(torn == 0)
        #expect(consistent > 0)
        print("frame ring race: \(consistent) consistent reads, \(refused) refused (writer inside), \(torn) torn")
    }
}
