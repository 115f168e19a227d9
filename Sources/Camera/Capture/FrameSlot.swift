/// The latest-frame slot between one capture thread and any number of
/// consumers. The producer copies each frame into a back buffer without the
/// lock and swaps it in under the lock; consumers copy the front buffer out
/// under the lock, so nobody ever sees a half-written frame.
final class FrameSlot: @unchecked Sendable {
    private let lock = ConditionLock()
    private var front: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0)
    private var back: UnsafeMutableRawBufferPointer = .init(start: nil, count: 0)
    private var latest: FrameInfo?
    private var nextIndex: UInt64 = 1
    private var counters = CaptureStatistics()
    private var currentState = CameraState.stopped
    private var stopRequested = false

    deinit {
        front.deallocate()
        back.deallocate()
    }

    // MARK: Producer side (capture thread)

    /// Copies `bytes` in as the newest frame and wakes waiting consumers.
    func publish(_ bytes: UnsafeRawBufferPointer, format: NegotiatedFormat, buffer: DequeuedBuffer) {
        if back.count < bytes.count {
            back.deallocate()
            back = .allocate(byteCount: max(bytes.count, format.sizeImage), alignment: 64)
        }
        if let source = bytes.baseAddress, bytes.count > 0 {
            back.baseAddress!.copyMemory(from: source, byteCount: bytes.count)
        }
        lock.withLock {
            swap(&front, &back)
            latest = FrameInfo(
                pixelFormat: format.pixelFormat, width: format.width, height: format.height,
                bytesPerLine: format.bytesPerLine, byteCount: bytes.count, sequence: buffer.sequence,
                index: nextIndex, timestampNanoseconds: buffer.timestampNanoseconds)
            nextIndex += 1
            counters.published += 1
            lock.broadcast()
        }
    }

    /// Updates the counters under the lock.
    func record(_ change: (inout CaptureStatistics) -> Void) {
        lock.withLock { change(&counters) }
    }

    /// Sets the state and wakes waiters (a consumer may care about a disconnect).
    func setState(_ state: CameraState) {
        lock.withLock {
            currentState = state
            lock.broadcast()
        }
    }

    /// Waits up to `milliseconds` for a stop request; true when stopping.
    func waitForStop(milliseconds: Int) -> Bool {
        let deadline = MonotonicTime.nanoseconds() + UInt64(max(0, milliseconds)) * 1_000_000
        return lock.withLock {
            while !stopRequested {
                if !lock.wait(until: deadline) { break }
            }
            return stopRequested
        }
    }

    /// Asks the capture thread to finish (or clears that request before a start).
    func setStopRequested(_ value: Bool) {
        lock.withLock {
            stopRequested = value
            lock.broadcast()
        }
    }

    /// True once a stop was requested.
    var isStopRequested: Bool { lock.withLock { stopRequested } }

    // MARK: Consumer side

    /// The counters now.
    var statistics: CaptureStatistics { lock.withLock { counters } }

    /// The state now.
    var state: CameraState { lock.withLock { currentState } }

    /// Info of the newest frame without copying it.
    var latestInfo: FrameInfo? { lock.withLock { latest } }

    /// Copies the newest frame whose index is above `index` into `buffer`,
    /// waiting until `deadline` (CLOCK_MONOTONIC ns) for one to arrive.
    /// Returns nil on timeout. `index` 0 accepts any frame.
    func copyFrame(newerThan index: UInt64, into buffer: inout FrameBuffer, deadline: UInt64) -> FrameInfo? {
        lock.withLock {
            while true {
                if let latest, latest.index > index {
                    buffer.fill(from: UnsafeRawBufferPointer(rebasing: front[0..<latest.byteCount]), info: latest)
                    return latest
                }
                if stopRequested || !lock.wait(until: deadline) {
                    if let latest, latest.index > index {
                        buffer.fill(from: UnsafeRawBufferPointer(rebasing: front[0..<latest.byteCount]), info: latest)
                        return latest
                    }
                    return nil
                }
            }
        }
    }
}
