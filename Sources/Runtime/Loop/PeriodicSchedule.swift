#if canImport(Glibc)
import Glibc
#endif
import RobotIO

/// Absolute deadlines on CLOCK_MONOTONIC for a fixed-rate loop: tick n is due at
/// `start + n · period`, so sleeping never accumulates drift. After an overrun
/// whole periods are skipped (and counted) instead of running late ticks back to
/// back.
public struct PeriodicSchedule: Sendable {
    /// Period in nanoseconds.
    public let periodNanoseconds: UInt64
    /// When tick 0 was due.
    public let startNanoseconds: UInt64
    /// The tick the next `waitForNextTick` returns.
    public private(set) var nextTick: Int64 = 0
    /// Periods skipped because a tick ran past the next deadline.
    public private(set) var overruns = 0

    /// A schedule with tick 0 due at `start` (default: now).
    public init(hertz: Double, startNanoseconds: UInt64? = nil) {
        precondition(hertz > 0 && hertz <= 10_000, "rate must be in (0, 10000] Hz")
        periodNanoseconds = UInt64((1e9 / hertz).rounded())
        self.startNanoseconds = startNanoseconds ?? PeriodicSchedule.now()
    }

    /// The deadline of `tick`.
    public func deadline(of tick: Int64) -> UInt64 {
        startNanoseconds &+ UInt64(tick) &* periodNanoseconds
    }

    /// Sleeps until the next tick's deadline (clock_nanosleep, TIMER_ABSTIME) and
    /// returns the tick and how late the wake-up was. If that deadline already
    /// passed by a whole period or more, the missed ticks are skipped and counted.
    public mutating func waitForNextTick() -> (tick: Int64, lateNanoseconds: UInt64) {
        let now = PeriodicSchedule.now()
        var due = deadline(of: nextTick)
        if now > due + periodNanoseconds {
            let missed = Int64((now - due) / periodNanoseconds)
            overruns += Int(missed)
            nextTick += missed
            due = deadline(of: nextTick)
        }
        if now < due {
            var ts = timespec(tv_sec: Int(due / 1_000_000_000), tv_nsec: Int(due % 1_000_000_000))
            while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
        }
        let woke = PeriodicSchedule.now()
        let tick = nextTick
        nextTick += 1
        return (tick, woke > due ? woke - due : 0)
    }

    /// CLOCK_MONOTONIC now, in nanoseconds (RobotIO's clock, so bus deadlines and ticks agree).
    @inline(__always)
    public static func now() -> UInt64 { MonotonicClock.nanoseconds() }
}
