import Foundation

/// A fixed set of real threads that run one job at a time, each worker on
/// its own share of the work. Worker `w` always runs on the same thread, so
/// thread-bound resources (OSMesa contexts) can be kept per worker.
///
/// `@unchecked Sendable`: the job and the completion count are handed over
/// through semaphores (each worker reads the job after its start semaphore is
/// signalled; the caller reads results after every done signal).
public final class WorkerPool: @unchecked Sendable {
    /// Number of worker threads.
    public let count: Int
    private var job: (@Sendable (Int) -> Void)?
    private let start: [DispatchSemaphore]
    private let done = DispatchSemaphore(value: 0)
    private var stopping = false
    private var threads: [Thread] = []

    /// Starts `count` worker threads.
    public init(count: Int) {
        precondition(count > 0, "a worker pool needs at least one thread")
        self.count = count
        start = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        for worker in 0..<count {
            let thread = Thread { [unowned self] in self.loop(worker) }
            thread.name = "sim-worker-\(worker)"
            thread.stackSize = 8 << 20
            threads.append(thread)
            thread.start()
        }
    }

    deinit {
        stopping = true
        job = nil
        for semaphore in start { semaphore.signal() }
        for _ in 0..<count { done.wait() }
    }

    /// Runs `body(worker)` on every worker thread and returns when all have finished.
    public func run(_ body: @escaping @Sendable (Int) -> Void) {
        job = body
        for semaphore in start { semaphore.signal() }
        for _ in 0..<count { done.wait() }
        job = nil
    }

    private func loop(_ worker: Int) {
        while true {
            start[worker].wait()
            if stopping {
                done.signal()
                return
            }
            job?(worker)
            done.signal()
        }
    }
}
