/// What the camera agreed to when it was opened: compare it with the
/// ``CameraConfiguration`` to see what the driver changed.
public struct CameraSetup: Sendable, Equatable {
    /// The path the camera was opened by.
    public let devicePath: String
    /// The path used to reopen it after an unplug (a /dev/v4l/by-id link when one exists).
    public let reopenPath: String
    /// QUERYCAP's answer.
    public let capabilities: DeviceCapabilities
    /// The format granted by S_FMT (RGB24 in conversion mode).
    public let format: NegotiatedFormat
    /// The frame rate granted by S_PARM, nil when the camera cannot set one.
    public let framesPerSecond: Double?
    /// The controls as read back after setting them.
    public let controls: [AppliedControl]
    /// MMAP buffers granted by REQBUFS.
    public let bufferCount: Int
}
