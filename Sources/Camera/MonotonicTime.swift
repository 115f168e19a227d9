#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in nanoseconds, the clock V4L2 timestamps buffers with
/// (V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC), so frame ages are plain subtractions.
public enum MonotonicTime {
    /// clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
