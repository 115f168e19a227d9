#if canImport(Glibc)
import Glibc
#endif

/// Sleeps `milliseconds`.
func pause(milliseconds: Int) {
    usleep(UInt32(milliseconds) * 1000)
}
