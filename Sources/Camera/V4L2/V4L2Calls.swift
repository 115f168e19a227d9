import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// Every libc and libv4l2 call of the Camera module goes through this file.
/// Each function names the call it wraps and reports failure as ``Errno``.
/// Retrying is explicit: `retryOnInterrupt` repeats a call that failed with
/// EINTR; DQBUF callers decide themselves what EAGAIN means.
enum V4L2Call {
    /// open(2) with O_RDWR | O_CLOEXEC, blocking, repeated on EINTR.
    /// libv4l2 expects an fd opened by the caller (see v4l2_fd_open below).
    static func openReadWrite(_ path: String) throws(Errno) -> Int32 {
        while true {
            let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
            if fd >= 0 { return fd }
            if errno != EINTR { throw Errno.current }
        }
    }

    /// v4l2_fd_open(fd, flags): hands the fd to libv4l2, which loads its
    /// plugins and, unless `V4L2_DISABLE_CONVERSION` is passed, emulates
    /// formats such as RGB24 via libv4lconvert. On failure the fd stays open.
    static func takeOver(_ fd: Int32, convert: Bool) throws(Errno) {
        let flags = convert ? 0 : PIRL_V4L2_DISABLE_CONVERSION
        if pirl_v4l2_fd_open(fd, flags) < 0 { throw Errno.current }
    }

    /// v4l2_close(fd).
    static func close(_ fd: Int32) {
        _ = pirl_v4l2_close(fd)
    }

    /// close(2), for an fd libv4l2 never took over.
    static func closeUnmanaged(_ fd: Int32) {
        _ = Glibc.close(fd)
    }

    /// v4l2_ioctl(fd, request, &argument), repeated on EINTR when asked.
    static func ioctl<Argument>(
        _ fd: Int32, _ request: UInt, _ argument: inout Argument, retryOnInterrupt: Bool = true
    ) throws(Errno) {
        while true {
            let result = withUnsafeMutablePointer(to: &argument) { pirl_v4l2_ioctl(fd, request, $0) }
            if result >= 0 { return }
            let error = Errno.current
            if error == .interrupted && retryOnInterrupt { continue }
            throw error
        }
    }

    /// v4l2_mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset).
    static func map(_ fd: Int32, length: Int, offset: UInt32) throws(Errno) -> UnsafeMutableRawPointer {
        guard let address = pirl_v4l2_mmap(fd, length, Int64(offset)), address != pirl_map_failed() else {
            throw Errno.current
        }
        return address
    }

    /// v4l2_munmap(address, length).
    static func unmap(_ address: UnsafeMutableRawPointer, length: Int) {
        _ = pirl_v4l2_munmap(address, length)
    }

    /// poll(2) for POLLIN on one fd, repeated on EINTR with the time left.
    /// Returns true when readable or in error (the next DQBUF tells which),
    /// false on timeout.
    static func waitReadable(_ fd: Int32, timeoutMilliseconds: Int32) throws(Errno) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let result = poll(&entry, 1, timeoutMilliseconds)
            if result > 0 { return true }
            if result == 0 { return false }
            if errno != EINTR { throw Errno.current }
        }
    }
}
