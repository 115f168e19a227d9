#if canImport(Glibc)
import Glibc
#endif

/// What the capture thread owns: the open device, its format and how to
/// reopen it. The thread retains the worker, never the ``V4L2Camera``, so
/// dropping the camera still runs its deinit, which stops and joins the thread.
final class CaptureWorker: @unchecked Sendable {
    /// How long one poll(2) waits before the thread re-checks for a stop request.
    static let pollTimeoutMilliseconds: Int32 = 100
    /// Failed DQBUFs in a row after which the device is treated as lost and
    /// reopened (vb2 fails every DQBUF with EIO once its queue is in error).
    static let errorsBeforeReopen = 20

    /// Where frames, counters and the state go.
    let slot: FrameSlot
    /// The stable path reopened after ENODEV.
    let reopenPath: String
    /// How to configure the device, also on reopen (its formats may have been
    /// narrowed by a USB-bandwidth fallback before streaming started).
    var configuration: CameraConfiguration
    /// The open device; nil while disconnected.
    var device: V4L2Device?
    /// The format of the frames `device` delivers.
    var format: NegotiatedFormat

    init(slot: FrameSlot, configuration: CameraConfiguration, reopenPath: String, device: V4L2Device, format: NegotiatedFormat) {
        self.slot = slot
        self.configuration = configuration
        self.reopenPath = reopenPath
        self.device = device
        self.format = format
    }

    /// The capture thread: poll, DQBUF, drain to the newest frame, publish it,
    /// QBUF; on ENODEV, reopen until it works or a stop is requested.
    func run() {
        var lastSequence: UInt32?
        var consecutiveErrors = 0
        while !slot.isStopRequested {
            guard let device else {
                if reconnect() { lastSequence = nil }
                continue
            }
            var newest: DequeuedBuffer?
            do throws(Errno) {
                guard try device.waitForFrame(timeoutMilliseconds: Self.pollTimeoutMilliseconds) else { continue }
                repeat {
                    guard let buffer = try device.dequeue() else { break }
                    consecutiveErrors = 0
                    if let last = lastSequence, buffer.sequence > last &+ 1 {
                        let gap = UInt64(buffer.sequence - last - 1)
                        slot.record { $0.dropped += gap }
                    }
                    lastSequence = buffer.sequence
                    if buffer.isDamaged {
                        slot.record { $0.damaged += 1 }
                        try device.requeue(buffer.index)
                        continue
                    }
                    if let previous = newest {
                        slot.record { $0.skipped += 1 }
                        try device.requeue(previous.index)
                    }
                    newest = buffer
                } while device.hasFinishedBuffer(besides: newest?.index ?? -1)
                if let newest {
                    slot.publish(device.bytes(of: newest), format: format, buffer: newest)
                    try device.requeue(newest.index)
                }
            } catch {
                // A failure in the middle of a drain must not leak the buffer held so far.
                if let newest, error != .noDevice { try? device.requeue(newest.index) }
                consecutiveErrors += 1
                handle(error, on: device, lost: consecutiveErrors >= Self.errorsBeforeReopen)
                if self.device == nil { consecutiveErrors = 0 }
            }
        }
    }

    /// ENODEV, or too many failures in a row: the camera is gone, close it
    /// and reopen later. Anything else: count it and go on.
    private func handle(_ error: Errno, on device: V4L2Device, lost: Bool) {
        if error != .noDevice {
            slot.record { $0.ioErrors += 1 }
        }
        if error == .noDevice || lost {
            device.close()
            self.device = nil
            slot.record { $0.disconnects += 1 }
            slot.setState(.disconnected)
        } else {
            // A device that fails every DQBUF must not spin a core.
            _ = slot.waitForStop(milliseconds: 1)
        }
    }

    /// One reopen attempt after a pause; true when the camera streams again.
    private func reconnect() -> Bool {
        if slot.waitForStop(milliseconds: configuration.reopenIntervalMilliseconds) { return false }
        do {
            let (device, setup) = try V4L2Camera.openConfigured(
                path: reopenPath, reopenPath: reopenPath, configuration: configuration)
            try device.startStreaming()
            self.device = device
            self.format = setup.format
            slot.record { $0.reconnects += 1 }
            slot.setState(.streaming)
            return true
        } catch {
            return false
        }
    }
}
