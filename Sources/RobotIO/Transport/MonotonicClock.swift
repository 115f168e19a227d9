#if canImport(Glibc)
import Glibc
#endif

/// Nanoseconds on CLOCK_MONOTONIC. Deadlines in RobotIO are absolute instants
/// on this clock so a retry loop never drifts.
public enum MonotonicClock {
    /// Now, in nanoseconds since an arbitrary fixed point.
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// An absolute deadline `microseconds` from now.
    @inline(__always)
    public static func deadline(afterMicroseconds microseconds: Int) -> UInt64 {
        nanoseconds() &+ UInt64(max(0, microseconds)) &* 1_000
    }
}
