/// How the twin's cameras are published: rate, latency and compression of the MJPEG
/// stream a capturing process receives through the fake libv4l2 plugin.
public struct CameraPublishingOptions: Sendable, Equatable {
    /// Frames per second of every camera (UVC webcams: 30 at 640×480).
    public var framesPerSecond = 30
    /// Exposure + USB transfer: how long after the instant a frame shows it reaches
    /// DQBUF, which stamps it with that arrival instant. 33 ms by default, about what UVC
    /// webcams show at 30 fps (one frame of exposure and readout, then the transfer); a
    /// policy on the twin thus sees pictures as old as on the arm, and not older.
    public var latencyMilliseconds = 33.0
    /// libturbojpeg quality of the MJPEG frames (4:2:2, as webcams send).
    public var jpegQuality = 90
    /// Frames kept in the ring: enough to cover the latency with room for a slow reader.
    public var slotCount = 8
    /// Keep the last this many renders (pixels, capture time, frame number) for
    /// ``TwinCameraPublisher/recentRenders()``; 0 in normal use (tests compare with them).
    public var retainedRenders = 0

    /// Defaults: 30 fps, 33 ms, quality 90, 8 slots.
    public init() {}

    /// Names the first bad value.
    public func validate() throws(TwinServeError) {
        guard (1...120).contains(framesPerSecond) else {
            throw .invalidOption("--camera-fps must be 1…120, got \(framesPerSecond)")
        }
        guard (1...100).contains(jpegQuality) else { throw .invalidOption("--jpeg-quality must be 1…100, got \(jpegQuality)") }
        guard (3...64).contains(slotCount) else { throw .invalidOption("a frame ring needs 3…64 slots, got \(slotCount)") }
        // A frame must still be in the ring when it arrives: the writer is then
        // latency × fps frames further on, and one slot is always being rewritten.
        let limit = 1000 * Double(slotCount - 2) / Double(framesPerSecond)
        guard latencyMilliseconds >= 0, latencyMilliseconds <= limit else {
            throw .invalidOption("--camera-latency-ms must be 0…\(Int(limit)) at \(framesPerSecond) fps, got \(latencyMilliseconds)")
        }
        guard retainedRenders >= 0 else { throw .invalidOption("retainedRenders must not be negative") }
    }
}

/// What a camera publisher has done since it started.
public struct CameraPublishingStatistics: Sendable, Equatable {
    /// Frames written to the ring.
    public var frames = 0
    /// Frame times that passed without a frame because the renderer was still busy.
    public var lateFrames = 0
    /// Frame times skipped on purpose: stalled or unplugged.
    public var withheldFrames = 0
    /// Time spent rendering / encoding, summed and at most (ms).
    public var renderMilliseconds = 0.0, maxRenderMilliseconds = 0.0
    public var encodeMilliseconds = 0.0, maxEncodeMilliseconds = 0.0
    /// JPEG bytes written, summed.
    public var jpegBytes = 0

    /// Mean render time per frame (ms).
    public var meanRenderMilliseconds: Double { frames > 0 ? renderMilliseconds / Double(frames) : 0 }
    /// Mean JPEG encode (and ring write) time per frame (ms).
    public var meanEncodeMilliseconds: Double { frames > 0 ? encodeMilliseconds / Double(frames) : 0 }
    /// Mean JPEG size (bytes).
    public var meanJPEGBytes: Int { frames > 0 ? jpegBytes / frames : 0 }
}

/// A rendered frame as published, for tests comparing it with what a capture returns.
public struct PublishedRender: Sendable {
    /// Its number in the ring (0 for the first).
    public var frame: UInt64
    /// The instant it shows (CLOCK_MONOTONIC ns); DQBUF stamps it `latency` later.
    public var captureNanoseconds: UInt64
    /// RGB8, rows top-down, at the camera's native size.
    public var pixels: [UInt8]
}
