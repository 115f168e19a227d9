/// What is known about one captured frame besides its bytes.
public struct FrameInfo: Sendable, Equatable {
    /// Pixel format of the bytes (RGB24 in conversion mode).
    public let pixelFormat: PixelFormat
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Bytes per row for packed formats, 0 for MJPEG.
    public let bytesPerLine: Int
    /// Number of valid bytes.
    public let byteCount: Int
    /// The driver's sequence number (restarts at 0 after a reopen).
    public let sequence: UInt32
    /// This camera's own frame counter: 1 for the first published frame,
    /// strictly increasing across reopens. Use it to tell new frames from old.
    public let index: UInt64
    /// Capture time on CLOCK_MONOTONIC, nanoseconds (see ``MonotonicTime``).
    public let timestampNanoseconds: UInt64

    /// Age at `now` (CLOCK_MONOTONIC ns), in milliseconds.
    public func ageMilliseconds(at now: UInt64 = MonotonicTime.nanoseconds()) -> Double {
        now >= timestampNanoseconds ? Double(now - timestampNanoseconds) / 1e6 : 0
    }
}

/// A caller-owned buffer that frames are copied into. It grows to the
/// largest frame it has held and is then reused, so steady-state reads do not
/// allocate.
public struct FrameBuffer: Sendable {
    /// The frame now held, nil before the first copy.
    public internal(set) var info: FrameInfo?
    private var storage: [UInt8] = []

    /// An empty buffer.
    public init() {}

    /// Calls `body` with the valid bytes of the held frame.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0.prefix(info?.byteCount ?? 0))) }
    }

    /// Copies `bytes` in and records `info`; grows only when needed.
    mutating func fill(from bytes: UnsafeRawBufferPointer, info: FrameInfo) {
        if storage.count < bytes.count { storage = [UInt8](repeating: 0, count: bytes.count) }
        storage.withUnsafeMutableBytes { destination in
            if let base = bytes.baseAddress, bytes.count > 0 {
                destination.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
            }
        }
        self.info = info
    }
}
