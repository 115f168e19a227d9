import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// One buffer returned by VIDIOC_DQBUF.
struct DequeuedBuffer {
    /// Buffer index, for QBUF and the mapping.
    let index: Int
    /// The driver's frame counter; gaps are frames the driver dropped.
    let sequence: UInt32
    /// Valid bytes in the buffer.
    let bytesUsed: Int
    /// V4L2_BUF_FLAG_* bits.
    let flags: UInt32
    /// Capture time on CLOCK_MONOTONIC, in nanoseconds.
    let timestampNanoseconds: UInt64

    /// True when the driver flagged the frame as damaged.
    var isDamaged: Bool { flags & V4L2Flag.bufferError != 0 }
}

/// An open V4L2 capture node, reached through libv4l2. Owns the file
/// descriptor and the MMAP buffers; ``close()`` (or deinit) runs the whole
/// shutdown: STREAMOFF, munmap, REQBUFS 0, v4l2_close.
///
/// Not thread-safe: one thread (the capture thread) drives it.
final class V4L2Device {
    /// The path it was opened by.
    let path: String
    /// QUERYCAP's answer.
    let capabilities: DeviceCapabilities
    private var fd: Int32
    private var mappings: [(address: UnsafeMutableRawPointer, length: Int)] = []
    private var streaming = false
    private var formatName = ""

    /// open(2), v4l2_fd_open, VIDIOC_QUERYCAP. Throws ``CameraError/notACaptureDevice(path:card:)``
    /// for nodes without video capture + streaming (UVC metadata nodes).
    init(path: String, convert: Bool) throws(CameraError) {
        self.path = path
        let fd: Int32
        do { fd = try V4L2Call.openReadWrite(path) } catch { throw .cannotOpen(path: path, errno: error) }
        do { try V4L2Call.takeOver(fd, convert: convert) } catch {
            V4L2Call.closeUnmanaged(fd)
            throw .ioctlFailed(path: path, operation: "v4l2_fd_open", errno: error)
        }
        self.fd = fd
        var cap = v4l2_capability()
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_QUERYCAP, &cap) } catch {
            V4L2Call.close(fd)
            throw error == .invalid || error.code == ENOTTY
                ? .notACaptureDevice(path: path, card: "not a V4L2 device")
                : CameraError.from(error, path: path, operation: "VIDIOC_QUERYCAP")
        }
        let nodeCaps = cap.capabilities & V4L2Flag.deviceCaps != 0 ? cap.device_caps : cap.capabilities
        capabilities = DeviceCapabilities(
            driver: string(fromCArray: cap.driver), card: string(fromCArray: cap.card),
            busInfo: string(fromCArray: cap.bus_info), capabilities: nodeCaps)
        guard capabilities.canCaptureVideo else {
            V4L2Call.close(fd)
            self.fd = -1
            throw .notACaptureDevice(path: path, card: capabilities.card)
        }
    }

    deinit { close() }

    // MARK: Enumeration

    /// VIDIOC_ENUM_FMT over capture formats.
    func pixelFormats() -> [PixelFormat] {
        var result: [PixelFormat] = []
        for index in 0..<64 {
            var desc = v4l2_fmtdesc()
            desc.index = UInt32(index)
            desc.type = V4L2Flag.captureType
            guard (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_ENUM_FMT, &desc)) != nil else { break }
            result.append(PixelFormat(fourcc: desc.pixelformat))
        }
        return result
    }

    /// VIDIOC_ENUM_FRAMESIZES (discrete sizes; a stepwise range yields its maximum).
    func frameSizes(for format: PixelFormat) -> [(width: Int, height: Int)] {
        var result: [(width: Int, height: Int)] = []
        for index in 0..<64 {
            var size = v4l2_frmsizeenum()
            size.index = UInt32(index)
            size.pixel_format = format.fourcc
            guard (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_ENUM_FRAMESIZES, &size)) != nil else { break }
            if size.type == V4L2Flag.discrete {
                result.append((Int(size.discrete.width), Int(size.discrete.height)))
            } else {
                result.append((Int(size.stepwise.max_width), Int(size.stepwise.max_height)))
                break
            }
        }
        return result
    }

    /// VIDIOC_ENUM_FRAMEINTERVALS, as frames per second (discrete intervals only).
    func frameRates(for format: PixelFormat, width: Int, height: Int) -> [Double] {
        var result: [Double] = []
        for index in 0..<32 {
            var interval = v4l2_frmivalenum()
            interval.index = UInt32(index)
            interval.pixel_format = format.fourcc
            interval.width = UInt32(width)
            interval.height = UInt32(height)
            guard (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_ENUM_FRAMEINTERVALS, &interval)) != nil,
                  interval.type == V4L2Flag.discrete else { break }
            let fraction = interval.discrete
            if fraction.numerator > 0 { result.append(Double(fraction.denominator) / Double(fraction.numerator)) }
        }
        return result
    }

    // MARK: Configuration

    /// VIDIOC_S_FMT with the first of `formats` the device offers (conversion
    /// mode: RGB24, which libv4l2 emulates). libv4l2 and drivers substitute
    /// silently, so the answer is compared field by field with the request.
    func negotiate(formats: [PixelFormat], width: Int, height: Int, convert: Bool) throws(CameraError) -> NegotiatedFormat {
        let offered = pixelFormats()
        guard let chosen = convert ? formats.first : formats.first(where: offered.contains) else {
            throw .unsupportedFormat(path: path, requested: formats, available: offered)
        }
        var format = v4l2_format()
        format.type = V4L2Flag.captureType
        format.fmt.pix.width = UInt32(width)
        format.fmt.pix.height = UInt32(height)
        format.fmt.pix.pixelformat = chosen.fourcc
        format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_S_FMT, &format) } catch {
            throw CameraError.from(error, path: path, operation: "VIDIOC_S_FMT \(chosen) \(width)x\(height)")
        }
        let granted = NegotiatedFormat(
            pixelFormat: PixelFormat(fourcc: format.fmt.pix.pixelformat),
            width: Int(format.fmt.pix.width), height: Int(format.fmt.pix.height),
            bytesPerLine: Int(format.fmt.pix.bytesperline), sizeImage: Int(format.fmt.pix.sizeimage))
        guard granted.pixelFormat == chosen, granted.width == width, granted.height == height else {
            throw .formatMismatch(path: path, requested: "\(chosen) \(width)x\(height)", granted: granted.description)
        }
        formatName = granted.description
        return granted
    }

    /// VIDIOC_S_PARM with timeperframe = 1/fps. Returns the rate the driver
    /// granted, or nil when it cannot set a rate (no V4L2_CAP_TIMEPERFRAME).
    func setFrameRate(_ framesPerSecond: Double) throws(CameraError) -> Double? {
        var parm = v4l2_streamparm()
        parm.type = V4L2Flag.captureType
        guard (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_G_PARM, &parm)) != nil,
              parm.parm.capture.capability & V4L2Flag.timePerFrame != 0 else { return nil }
        parm.parm.capture.timeperframe.numerator = 1000
        parm.parm.capture.timeperframe.denominator = UInt32((framesPerSecond * 1000).rounded())
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_S_PARM, &parm) } catch {
            throw CameraError.from(error, path: path, operation: "VIDIOC_S_PARM \(framesPerSecond) fps")
        }
        let granted = parm.parm.capture.timeperframe
        return granted.numerator > 0 ? Double(granted.denominator) / Double(granted.numerator) : nil
    }

    /// VIDIOC_QUERYCTRL, VIDIOC_S_CTRL, then VIDIOC_G_CTRL for each control.
    /// A control the camera lacks is reported with `readBack == nil`.
    func apply(_ settings: CameraControlSettings) throws(CameraError) -> [AppliedControl] {
        var applied: [AppliedControl] = []
        for (control, value) in settings.requests {
            var query = v4l2_queryctrl()
            query.id = control.id
            guard (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_QUERYCTRL, &query)) != nil,
                  query.flags & V4L2Flag.controlDisabled == 0 else {
                applied.append(AppliedControl(control: control, requested: value, readBack: nil))
                continue
            }
            var setting = v4l2_control(id: control.id, value: value)
            do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_S_CTRL, &setting) } catch {
                throw CameraError.from(error, path: path, operation: "VIDIOC_S_CTRL \(control)=\(value)")
            }
            var reading = v4l2_control(id: control.id, value: 0)
            do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_G_CTRL, &reading) } catch {
                throw CameraError.from(error, path: path, operation: "VIDIOC_G_CTRL \(control)")
            }
            applied.append(AppliedControl(control: control, requested: value, readBack: reading.value))
        }
        return applied
    }

    /// VIDIOC_G_CTRL for one control.
    func value(of control: CameraControl) throws(CameraError) -> Int32 {
        var reading = v4l2_control(id: control.id, value: 0)
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_G_CTRL, &reading) } catch {
            throw CameraError.from(error, path: path, operation: "VIDIOC_G_CTRL \(control)")
        }
        return reading.value
    }

    // MARK: Streaming

    /// VIDIOC_REQBUFS (MMAP), then VIDIOC_QUERYBUF + v4l2_mmap + VIDIOC_QBUF for each buffer.
    /// Returns the number of buffers the driver granted.
    func allocateBuffers(count: Int) throws(CameraError) -> Int {
        var request = v4l2_requestbuffers()
        request.count = UInt32(count)
        request.type = V4L2Flag.captureType
        request.memory = V4L2Flag.memoryMMAP
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_REQBUFS, &request) } catch {
            throw CameraError.from(error, path: path, operation: "VIDIOC_REQBUFS \(count) MMAP")
        }
        guard request.count >= 2 else {
            throw .ioctlFailed(path: path, operation: "VIDIOC_REQBUFS granted \(request.count) buffers", errno: .noSpace)
        }
        for index in 0..<Int(request.count) {
            var buffer = makeBuffer(index: index)
            do {
                try V4L2Call.ioctl(fd, PIRL_VIDIOC_QUERYBUF, &buffer)
                let address = try V4L2Call.map(fd, length: Int(buffer.length), offset: buffer.m.offset)
                mappings.append((address, Int(buffer.length)))
                try V4L2Call.ioctl(fd, PIRL_VIDIOC_QBUF, &buffer)
            } catch {
                throw CameraError.from(error, path: path, operation: "buffer \(index) QUERYBUF/mmap/QBUF")
            }
        }
        return mappings.count
    }

    /// VIDIOC_STREAMON.
    func startStreaming() throws(CameraError) {
        var type = Int32(bitPattern: V4L2Flag.captureType)
        do { try V4L2Call.ioctl(fd, PIRL_VIDIOC_STREAMON, &type) } catch {
            throw CameraError.from(error, path: path, operation: "VIDIOC_STREAMON", format: formatName)
        }
        streaming = true
    }

    /// poll(2) for a finished buffer; false on timeout.
    func waitForFrame(timeoutMilliseconds: Int32) throws(Errno) -> Bool {
        try V4L2Call.waitReadable(fd, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// VIDIOC_DQBUF, repeated on EINTR; nil on EAGAIN: no frame after all (the fd is
    /// blocking, so only a driver that reports it spuriously, or the twin's camera
    /// source standing in for a poll(2) timeout, says so). The caller goes back to
    /// poll(2), where it also sees a stop request, instead of retrying at once.
    func dequeue() throws(Errno) -> DequeuedBuffer? {
        var buffer = makeBuffer(index: 0)
        do {
            try V4L2Call.ioctl(fd, PIRL_VIDIOC_DQBUF, &buffer)
        } catch where error == .wouldBlock {
            return nil
        }
        let timestamp: UInt64
        if buffer.flags & V4L2Flag.timestampMask == V4L2Flag.timestampMonotonic {
            timestamp = UInt64(buffer.timestamp.tv_sec) &* 1_000_000_000 &+ UInt64(buffer.timestamp.tv_usec) &* 1_000
        } else {
            timestamp = MonotonicTime.nanoseconds()
        }
        return DequeuedBuffer(
            index: Int(buffer.index), sequence: buffer.sequence, bytesUsed: Int(buffer.bytesused),
            flags: buffer.flags, timestampNanoseconds: timestamp)
    }

    /// VIDIOC_QUERYBUF on every buffer: true when one besides `index` is
    /// DONE, i.e. a DQBUF will return at once. Lets the capture thread drain
    /// to the newest frame without a second poll(2).
    func hasFinishedBuffer(besides index: Int) -> Bool {
        for other in mappings.indices where other != index {
            var buffer = makeBuffer(index: other)
            if (try? V4L2Call.ioctl(fd, PIRL_VIDIOC_QUERYBUF, &buffer)) != nil,
               buffer.flags & V4L2Flag.bufferDone != 0 {
                return true
            }
        }
        return false
    }

    /// VIDIOC_QBUF: gives buffer `index` back to the driver.
    func requeue(_ index: Int) throws(Errno) {
        var buffer = makeBuffer(index: index)
        try V4L2Call.ioctl(fd, PIRL_VIDIOC_QBUF, &buffer)
    }

    /// The mapped bytes of buffer `index`.
    func bytes(of buffer: DequeuedBuffer) -> UnsafeRawBufferPointer {
        let mapping = mappings[buffer.index]
        return UnsafeRawBufferPointer(start: mapping.address, count: min(buffer.bytesUsed, mapping.length))
    }

    /// STREAMOFF, munmap every buffer, REQBUFS 0, v4l2_close. Safe to call twice;
    /// failures (ENODEV after an unplug) are ignored, the fd is always closed.
    func close() {
        guard fd >= 0 else { return }
        if streaming {
            var type = Int32(bitPattern: V4L2Flag.captureType)
            try? V4L2Call.ioctl(fd, PIRL_VIDIOC_STREAMOFF, &type)
            streaming = false
        }
        for mapping in mappings { V4L2Call.unmap(mapping.address, length: mapping.length) }
        if !mappings.isEmpty {
            var request = v4l2_requestbuffers()
            request.type = V4L2Flag.captureType
            request.memory = V4L2Flag.memoryMMAP
            try? V4L2Call.ioctl(fd, PIRL_VIDIOC_REQBUFS, &request)
            mappings.removeAll()
        }
        V4L2Call.close(fd)
        fd = -1
    }

    private func makeBuffer(index: Int) -> v4l2_buffer {
        var buffer = v4l2_buffer()
        buffer.index = UInt32(index)
        buffer.type = V4L2Flag.captureType
        buffer.memory = V4L2Flag.memoryMMAP
        return buffer
    }
}
