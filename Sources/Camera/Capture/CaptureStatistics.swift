/// Counters kept by the capture thread since the camera started.
public struct CaptureStatistics: Sendable, Equatable {
    /// Frames published to the latest-frame slot.
    public var published: UInt64 = 0
    /// Frames the driver never delivered, from gaps in sequence numbers.
    public var dropped: UInt64 = 0
    /// Frames dequeued but superseded by a newer one before publication
    /// (the capture thread drains to the newest frame).
    public var skipped: UInt64 = 0
    /// Buffers flagged V4L2_BUF_FLAG_ERROR, never published.
    public var damaged: UInt64 = 0
    /// DQBUF calls that failed with EIO (transient USB errors).
    public var ioErrors: UInt64 = 0
    /// Times the camera was lost (ENODEV).
    public var disconnects: UInt64 = 0
    /// Times it was reopened after a loss.
    public var reconnects: UInt64 = 0

    /// All zero.
    public init() {}
}

/// Where the camera's capture thread stands.
public enum CameraState: Sendable, Equatable {
    /// Not started, or stopped.
    case stopped
    /// Frames are arriving.
    case streaming
    /// The device vanished (ENODEV); the thread keeps trying to reopen it.
    case disconnected
}
