@testable import Camera
#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 5 ms until it holds or `seconds` pass; returns its last value.
func waitUntil(seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Double(clockNanoseconds()) / 1e9 + seconds
    while Double(clockNanoseconds()) / 1e9 < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

private func clockNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sleeps `milliseconds`.
func pause(milliseconds: Int) {
    usleep(UInt32(milliseconds) * 1000)
}

/// The CameraError `body` throws, nil when it throws nothing (or something else).
func cameraError(_ body: () throws -> Void) -> CameraError? {
    do {
        try body()
        return nil
    } catch let error as CameraError {
        return error
    } catch {
        return nil
    }
}
