import CV4L2

/// Flag values from <linux/videodev2.h> that Swift imports with awkward types
/// or not at all, restated with their header names.
enum V4L2Flag {
    /// V4L2_CAP_VIDEO_CAPTURE.
    static let videoCapture: UInt32 = 0x0000_0001
    /// V4L2_CAP_META_CAPTURE: a metadata-only node (UVC exposes one per camera).
    static let metaCapture: UInt32 = 0x0080_0000
    /// V4L2_CAP_STREAMING: supports MMAP streaming I/O.
    static let streaming: UInt32 = 0x0400_0000
    /// V4L2_CAP_DEVICE_CAPS: `device_caps` is valid and describes this node.
    static let deviceCaps: UInt32 = 0x8000_0000
    /// V4L2_CAP_TIMEPERFRAME in v4l2_captureparm.capability.
    static let timePerFrame: UInt32 = 0x1000
    /// V4L2_BUF_FLAG_DONE: the buffer waits in the driver's outgoing queue.
    /// vb2 reports it in QUERYBUF for buffers in the DONE or ERROR state.
    static let bufferDone: UInt32 = 0x0000_0004
    /// V4L2_BUF_FLAG_ERROR: the frame is damaged (e.g. lost USB packets).
    static let bufferError: UInt32 = 0x0000_0040
    /// V4L2_BUF_FLAG_TIMESTAMP_MASK.
    static let timestampMask: UInt32 = 0x0000_e000
    /// V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC: the timestamp is on CLOCK_MONOTONIC.
    static let timestampMonotonic: UInt32 = 0x0000_2000
    /// V4L2_FRMSIZE_TYPE_DISCRETE / V4L2_FRMIVAL_TYPE_DISCRETE.
    static let discrete: UInt32 = 1
    /// V4L2_CTRL_FLAG_DISABLED in v4l2_queryctrl.flags.
    static let controlDisabled: UInt32 = 0x0001

    /// V4L2_BUF_TYPE_VIDEO_CAPTURE.
    static let captureType: UInt32 = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    /// V4L2_MEMORY_MMAP.
    static let memoryMMAP: UInt32 = V4L2_MEMORY_MMAP.rawValue
}

/// The text of a fixed-size, NUL-terminated C char array imported as a tuple.
func string<Tuple>(fromCArray tuple: Tuple) -> String {
    withUnsafeBytes(of: tuple) { bytes in
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
