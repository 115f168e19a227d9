import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A named pthread running one closure, joined by ``join()``. The twin's physics and
/// render threads are long-lived loops that own thread-bound state (OSMesa contexts),
/// so they get a thread of their own rather than a task on a shared pool.
final class TwinThread: @unchecked Sendable {
    private var handle: pthread_t?

    /// Starts `body` on a new thread called `name` (at most 15 characters show in `top`).
    init(name: String, _ body: @escaping @Sendable () -> Void) throws(TwinServeError) {
        let box = Unmanaged.passRetained(Body(name: name, run: body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        // MuJoCo's renderer and the JPEG encoder use the stack more than Swift's default allows for.
        pthread_attr_setstacksize(&attributes, 8 << 20)
        let result = pthread_create(&thread, &attributes, { raw in
            let body = Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue()
            Thread.current.name = String(body.name.prefix(15))  // what `top -H` shows
            body.run()
            return nil
        }, box)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw .threadFailed(name: name, errno: result)
        }
        handle = thread
    }

    /// Waits for the closure to return. Idempotent.
    func join() {
        if let handle { pthread_join(handle, nil) }
        handle = nil
    }

    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(name: String, run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }
}

/// Sleeps until `deadline` (CLOCK_MONOTONIC ns); returns at once when it has passed.
func sleep(untilMonotonicNanoseconds deadline: UInt64) {
    var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
}
