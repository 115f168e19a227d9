#if canImport(Glibc)
import Glibc
#endif

/// A V4L2 camera streaming on its own capture thread, which drains the
/// driver's queue to the newest frame and keeps it, with its capture time and
/// sequence number, in a latest-frame slot.
///
/// Lifecycle: `init` opens and configures the device (communication up, no
/// streaming); ``start()`` turns streaming on and starts the capture thread;
/// ``stop()`` (or deinit) joins the thread and shuts the device down.
///
/// Three ways to read, none of which allocate once the caller's
/// ``FrameBuffer`` has grown to frame size:
/// - ``read(into:)``: blocks until there is a frame the buffer has not held yet;
/// - ``nextFrame(into:timeoutMilliseconds:)``: a frame captured after the call;
/// - ``latestFrame(into:)``: the newest frame at once, with its timestamp, so
///   the caller judges staleness; ``frame(notOlderThanMilliseconds:into:)``
///   does the judging and throws ``CameraError/staleFrame(path:ageMilliseconds:limitMilliseconds:)``.
///
/// On ENODEV the camera reports ``CameraState/disconnected`` and keeps
/// reopening ``CameraSetup/reopenPath``; consumers see the last frame age.
public final class V4L2Camera: @unchecked Sendable {
    /// What was asked for.
    public let configuration: CameraConfiguration
    /// What the device agreed to. Set by `init`; ``start()`` may replace it
    /// once, before streaming, when it falls back to a lighter format.
    public private(set) var setup: CameraSetup
    let slot = FrameSlot()
    /// Used by the thread that created the camera until ``start()``, then by
    /// the capture thread until ``stop()`` has joined it.
    private let worker: CaptureWorker
    private var thread: pthread_t?

    /// Opens and configures the camera: QUERYCAP, S_FMT (compared with the
    /// request), S_PARM, controls (set and read back), REQBUFS + mmap + QBUF.
    public init(configuration: CameraConfiguration) throws(CameraError) {
        self.configuration = configuration
        let reopenPath = DeviceDiscovery.stablePath(for: configuration.device, in: configuration.byIDDirectory)
        let (device, setup) = try Self.openConfigured(
            path: configuration.device, reopenPath: reopenPath, configuration: configuration)
        self.setup = setup
        worker = CaptureWorker(
            slot: slot, configuration: configuration, reopenPath: reopenPath, device: device, format: setup.format)
    }

    deinit { stop() }

    /// Opens `path` and configures it as `configuration` says.
    static func openConfigured(
        path: String, reopenPath: String, configuration: CameraConfiguration
    ) throws(CameraError) -> (V4L2Device, CameraSetup) {
        let convert = configuration.mode == .conversion
        let device = try V4L2Device(path: path, convert: convert)
        let format = try device.negotiate(
            formats: configuration.requestedFormats, width: configuration.width,
            height: configuration.height, convert: convert)
        let fps = try device.setFrameRate(configuration.framesPerSecond)
        let controls = try device.apply(configuration.controls)
        let buffers = try device.allocateBuffers(count: configuration.bufferCount)
        let setup = CameraSetup(
            devicePath: path, reopenPath: reopenPath, capabilities: device.capabilities, format: format,
            framesPerSecond: fps, controls: controls, bufferCount: buffers)
        return (device, setup)
    }

    /// VIDIOC_STREAMON and the capture thread. When STREAMON fails with
    /// ENOSPC (USB bandwidth) in raw mode, the camera is reconfigured with the
    /// next of ``CameraConfiguration/preferredFormats`` (e.g. YUYV → MJPEG) and
    /// tried again; when none is left it throws ``CameraError/usbBandwidth(path:format:)``.
    public func start() throws(CameraError) {
        guard thread == nil, worker.device != nil else { return }
        try startStreamingWithFallback()
        slot.setStopRequested(false)
        slot.setState(.streaming)
        let context = Unmanaged.passRetained(worker).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(&handle, nil, { raw in
            let worker = Unmanaged<CaptureWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<CaptureWorker>.fromOpaque(context).release()
            worker.device?.close()
            worker.device = nil
            slot.setState(.stopped)
            throw .ioctlFailed(path: setup.devicePath, operation: "pthread_create", errno: Errno(result))
        }
        thread = handle
    }

    private func startStreamingWithFallback() throws(CameraError) {
        var remaining = configuration.mode == .raw ? formats(after: setup.format.pixelFormat) : []
        while true {
            do {
                try worker.device?.startStreaming()
                return
            } catch {
                guard case .usbBandwidth = error, !remaining.isEmpty else { throw error }
                worker.device?.close()
                worker.device = nil
                var lighter = worker.configuration
                lighter.preferredFormats = remaining
                let (device, setup) = try Self.openConfigured(
                    path: configuration.device, reopenPath: self.setup.reopenPath, configuration: lighter)
                worker.device = device
                worker.format = setup.format
                worker.configuration = lighter
                self.setup = setup
                remaining = formats(after: setup.format.pixelFormat)
            }
        }
    }

    /// The preferred formats after `format`.
    private func formats(after format: PixelFormat) -> [PixelFormat] {
        Array(worker.configuration.preferredFormats.drop { $0 != format }.dropFirst())
    }

    /// Stops the capture thread (waits at most one frame interval or poll
    /// timeout), then STREAMOFF, munmap, REQBUFS 0, close. Idempotent.
    public func stop() {
        slot.setStopRequested(true)
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        worker.device?.close()
        worker.device = nil
        slot.setState(.stopped)
    }

    /// Streaming, disconnected (reopening) or stopped.
    public var state: CameraState { slot.state }

    /// Counters since start: published, dropped (sequence gaps), skipped, damaged, errors.
    public var statistics: CaptureStatistics { slot.statistics }

    // MARK: Reading

    /// Blocking read: waits (up to ``CameraConfiguration/readTimeoutMilliseconds``)
    /// for a frame newer than the one `buffer` holds, and copies it in.
    public func read(into buffer: inout FrameBuffer) throws(CameraError) -> FrameInfo {
        let seen = buffer.info?.index ?? 0
        let timeout = configuration.readTimeoutMilliseconds
        guard let info = slot.copyFrame(newerThan: seen, into: &buffer, deadline: Self.deadline(timeout)) else {
            throw .timedOut(path: setup.devicePath, milliseconds: Double(timeout))
        }
        return info
    }

    /// The next fresh frame: one published after this call, within `timeoutMilliseconds`.
    public func nextFrame(into buffer: inout FrameBuffer, timeoutMilliseconds: Int) throws(CameraError) -> FrameInfo {
        let current = slot.latestInfo?.index ?? 0
        guard let info = slot.copyFrame(newerThan: current, into: &buffer, deadline: Self.deadline(timeoutMilliseconds)) else {
            throw .timedOut(path: setup.devicePath, milliseconds: Double(timeoutMilliseconds))
        }
        return info
    }

    /// The newest frame at once, or nil before the first one. Its
    /// ``FrameInfo/timestampNanoseconds`` tells the caller how old it is.
    public func latestFrame(into buffer: inout FrameBuffer) -> FrameInfo? {
        slot.copyFrame(newerThan: 0, into: &buffer, deadline: 0)
    }

    /// The newest frame if it is at most `limit` ms old; otherwise throws
    /// ``CameraError/staleFrame(path:ageMilliseconds:limitMilliseconds:)``
    /// (or ``CameraError/noFrameYet(path:)``) and leaves `buffer` unchanged.
    public func frame(notOlderThanMilliseconds limit: Double, into buffer: inout FrameBuffer) throws(CameraError) -> FrameInfo {
        guard let info = slot.latestInfo else { throw .noFrameYet(path: setup.devicePath) }
        let age = info.ageMilliseconds()
        guard age <= limit else {
            throw .staleFrame(path: setup.devicePath, ageMilliseconds: age, limitMilliseconds: limit)
        }
        guard let copied = slot.copyFrame(newerThan: info.index - 1, into: &buffer, deadline: 0) else {
            throw .noFrameYet(path: setup.devicePath)
        }
        return copied
    }

    private static func deadline(_ milliseconds: Int) -> UInt64 {
        MonotonicTime.nanoseconds() + UInt64(max(0, milliseconds)) * 1_000_000
    }
}
