#if canImport(Glibc)
import Glibc
#endif

/// Polls `condition` every 5 ms until it holds or `seconds` pass; returns its last value.
public func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = monotonicSeconds() + seconds
    while monotonicSeconds() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}

/// The error of type `type` that `body` throws; nil when it throws nothing, or something else.
public func thrownError<Failure: Error>(_ type: Failure.Type, _ body: () throws -> Void) -> Failure? {
    do {
        try body()
        return nil
    } catch let error as Failure {
        return error
    } catch {
        return nil
    }
}

/// CLOCK_MONOTONIC in seconds.
private func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// The name of the enum case `body` throws as a `type` ("staleFrame"), "no error" when it throws
/// nothing, or the description of another error: one comparison checks which failure it was.
public func thrownCase<Failure: Error>(_ type: Failure.Type, _ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch let error as Failure {
        return Mirror(reflecting: error).children.first?.label ?? "\(error)"
    } catch {
        return "\(error)"
    }
}
