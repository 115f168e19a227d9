#if canImport(Glibc)
import Glibc
#endif

/// Real-time scheduling for the calling thread, when the system permits it.
public enum RealtimeScheduling {
    /// What `enable` achieved.
    public struct Outcome: Sendable, Equatable {
        /// SCHED_FIFO is in effect for this thread.
        public var fifo: Bool
        /// Memory is locked (no page faults on the hot path).
        public var memoryLocked: Bool
        /// One line for the user when something was not permitted; nil when all went through.
        public var notice: String?
    }

    /// Tries SCHED_FIFO at `priority` for the calling thread and mlockall for the
    /// process. Failure is not an error: the loop runs with normal scheduling
    /// and the notice says how to allow it.
    public static func enable(priority: Int32 = 80) -> Outcome {
        var param = sched_param()
        param.sched_priority = priority
        let fifo = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param) == 0
        let locked = mlockall(MCL_CURRENT | MCL_FUTURE) == 0
        var missing: [String] = []
        if !fifo { missing.append("SCHED_FIFO") }
        if !locked { missing.append("mlockall") }
        let notice = missing.isEmpty ? nil
            : "real-time scheduling not permitted (\(missing.joined(separator: ", "))); running with normal "
                + "scheduling. Allow it with `ulimit -r 99 -l unlimited` (limits.conf: rtprio 99, memlock unlimited)."
        return Outcome(fifo: fifo, memoryLocked: locked, notice: notice)
    }
}
