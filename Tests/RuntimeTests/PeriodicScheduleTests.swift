import Testing
@testable import Runtime
#if canImport(Glibc)
import Glibc
#endif

@Suite struct PeriodicScheduleTests {
    @Test func ticksAreDueOnAbsoluteDeadlines() {
        var schedule = PeriodicSchedule(hertz: 200)
        var ticks: [Int64] = []
        for _ in 0..<20 { ticks.append(schedule.waitForNextTick().tick) }
        let elapsed = PeriodicSchedule.now() - schedule.startNanoseconds
        #expect(ticks == Array(0..<20))
        // 20 ticks at 5 ms: tick 19 is due at 95 ms; no drift accumulates beyond scheduling noise.
        #expect(elapsed >= 95_000_000)
        #expect(elapsed < 95_000_000 + 50_000_000)
    }

    @Test func overrunsSkipWholePeriodsAndAreCounted() {
        var schedule = PeriodicSchedule(hertz: 100)
        _ = schedule.waitForNextTick()            // tick 0
        usleep(35_000)                            // a 35 ms stall: ticks 1…3 are missed
        let next = schedule.waitForNextTick()
        #expect(schedule.overruns >= 2)
        #expect(next.tick == Int64(1 + schedule.overruns))
        #expect(next.tick >= 3)
    }
}
