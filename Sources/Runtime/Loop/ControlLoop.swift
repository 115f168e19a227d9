import Foundation
import Histogram
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The fixed-rate loop of docs/design/architecture.md: a control thread that reads the
/// joints, takes this tick's action from the queue (or holds), filters it
/// through the safety stage and writes the goals; and an inference thread that
/// refills the queue from a `ChunkSource` whenever it runs low.
///
/// Stopping (by `requestStop()`, SIGINT in the CLI, `maxTicks`, or a bus fault):
/// the last safe command is held for one more tick, then the backend is
/// deactivated (torque off).
public final class ControlLoop: @unchecked Sendable {
    /// The robot.
    public let robot: any RobotBackend
    /// Where actions come from.
    public let source: any ChunkSource
    /// The action queue between the threads.
    public let queue: ActionQueue
    /// Rate, thresholds.
    public let options: LoopOptions
    /// Called on the control thread after each tick's command is decided, before it is
    /// written (the dry run annotates its log from here; the recorder records).
    public var onCommand: ((_ tick: Int64, _ timeSeconds: Double, _ state: [Float], _ command: [Float],
                            _ flags: SafetyFlags) -> Void)?

    private var safety: SafetyFilter
    private let stateSlot = StateSlot()
    private let stopRequested = Atomic<Bool>(false)
    private let currentTick = Atomic<Int64>(-1)
    private let inferenceDone = Atomic<Bool>(false)
    /// Wakes the inference thread; guards `refillRequested` and `inferenceExited`.
    private let refill = NSCondition()
    private var refillRequested = true  // the first chunk is asked for at once
    private var inferenceExited = false
    private var inferenceHistogram = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    private let inferenceCounters = Mutex<(chunks: Int, failures: Int, lastError: String?)>((0, 0, nil))
    private let progressSlot = Mutex(LoopProgress())

    /// A snapshot of the running loop, for a status line printed by another thread.
    public var progress: LoopProgress { progressSlot.withLock { $0 } }

    /// Prepares a loop; nothing runs until `run()`.
    public init(robot: any RobotBackend, source: any ChunkSource, safety: SafetyFilter, blending: ChunkBlending,
                options: LoopOptions) {
        self.robot = robot
        self.source = source
        self.safety = safety
        self.options = options
        queue = ActionQueue(dimension: robot.jointNames.count,
                            capacity: max(4 * source.horizon, options.watchdogTicks + source.horizon), blending: blending)
    }

    /// Asks the loop to stop at the next tick (safe from any thread or a signal watcher).
    public func requestStop() { stopRequested.store(true, ordering: .relaxed) }

    /// The last error the chunk source threw, if any.
    public var lastInferenceError: String? { inferenceCounters.withLock { $0.lastError } }

    /// Runs until stopped; returns what it measured. Configure and activate happen
    /// here: the current pose is read, checked against the limits, held, and the
    /// ramp starts from it.
    public func run() throws -> LoopReport {
        let d = robot.jointNames.count
        var state = [Float](repeating: 0, count: d)
        try robot.configure()
        try robot.readState(into: &state)
        try safety.begin(at: state)
        try robot.activate(holding: state)

        var report = LoopReport()
        let inference = Thread { [self] in inferenceLoop() }
        inference.name = "pirl-inference"
        inference.stackSize = 8 << 20

        let realtime = options.realtime ? RealtimeScheduling.enable() : nil
        report.schedulingNotice = realtime?.notice
        var schedule = PeriodicSchedule(hertz: options.hertz)
        stateSlot.publish(tick: -1, timestamp: PeriodicSchedule.now(), state: state, epoch: queue.epoch)
        inference.start()

        var action = [Float](repeating: 0, count: d)
        var command = state
        var jitter = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        var work = Histogram<UInt64>(highestTrackableValue: 10_000_000, numberOfSignificantValueDigits: .three)
        var age = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
        var consecutiveBusErrors = 0
        var ticksWithoutAction = 0
        var epoch = queue.epoch
        var reason = "stopped"
        /// Counts a failed read or write; true once enough failed in a row that the run must stop.
        func busFailed(_ error: any Error) -> Bool {
            report.busErrors += 1
            consecutiveBusErrors += 1
            guard consecutiveBusErrors >= options.maxConsecutiveBusErrors else { return false }
            reason = "bus fault: \(error)"
            return true
        }

        while true {
            if stopRequested.load(ordering: .relaxed) { reason = "stop requested"; break }
            if let max = options.maxTicks, report.ticks >= max { reason = "\(max) ticks done"; break }
            let (tick, late) = schedule.waitForNextTick()
            let started = PeriodicSchedule.now()
            jitter.record(late / 1_000)
            currentTick.store(tick, ordering: .relaxed)

            do {
                try robot.readState(into: &state)
                consecutiveBusErrors = 0
                stateSlot.publish(tick: tick, timestamp: started, state: state, epoch: epoch)
            } catch {
                if busFailed(error) { break }
            }

            var flags: SafetyFlags
            if let source = queue.take(tick: tick, into: &action) {
                ticksWithoutAction = 0
                if source > 0 { age.record((started &- source) / 1_000) }
                flags = safety.filter(action, into: &command)
            } else {
                ticksWithoutAction += 1
                report.holdTicks += 1
                if ticksWithoutAction > options.watchdogTicks { report.watchdogTicks += 1 }
                flags = safety.hold(into: &command)
            }
            if flags.contains(.clampedToLimits) { report.limitClamps += 1 }
            if flags.contains(.clampedStep) { report.stepClamps += 1 }
            onCommand?(tick, Double(started - schedule.startNanoseconds) / 1e9, state, command, flags)
            do {
                try robot.writeGoals(command)
            } catch {
                if busFailed(error) { break }
            }
            if let outcome = robot.takeEpisodeOutcome() {
                // A simulated episode ended and the scene was reset: start over from the new pose.
                report.episodes.append(outcome)
                if let max = options.maxEpisodes, report.episodes.count >= max {
                    report.ticks += 1
                    reason = "\(max) episode\(max == 1 ? "" : "s") done"
                    break
                }
                queue.clear()
                epoch = queue.epoch
                do {
                    try robot.readState(into: &state)
                    try safety.begin(at: state)
                } catch {
                    reason = "episode reset failed: \(error)"
                    break
                }
                stateSlot.publish(tick: tick, timestamp: PeriodicSchedule.now(), state: state, epoch: epoch)
                ticksWithoutAction = 0
            }
            if queue.remaining(after: tick) <= options.refillThreshold { wakeInference() }
            report.ticks += 1
            let elapsed = PeriodicSchedule.now() - started
            work.record(elapsed / 1_000)
            progressSlot.withLock {
                $0.ticks = report.ticks
                $0.overruns = schedule.overruns
                $0.holdTicks = report.holdTicks
                $0.clamps = report.limitClamps + report.stepClamps
                $0.busErrors = report.busErrors
                $0.lastTickMicroseconds = Double(elapsed) / 1_000
                // Element-wise: assigning the array would share storage and copy on the next tick.
                if $0.command.count != command.count { $0.command = Array(repeating: 0, count: command.count) }
                for i in command.indices { $0.command[i] = command[i] }
            }
        }

        inferenceDone.store(true, ordering: .relaxed)
        wakeInference()
        if let problem = robot.deactivate() { reason += "; " + problem }
        refill.lock()
        while !inferenceExited { refill.wait() }
        refill.unlock()

        report.stopReason = reason
        report.overruns = schedule.overruns
        report.jitterMicroseconds = LatencySummary(jitter, scale: 1)
        report.tickWorkMicroseconds = LatencySummary(work, scale: 1)
        report.chunkAgeMilliseconds = LatencySummary(age, scale: 1_000)
        report.inferenceMilliseconds = LatencySummary(inferenceHistogram, scale: 1_000)
        let counters = queue.counters
        report.actionsDroppedLate = counters.droppedLate
        report.chunksRefused = counters.chunksRefused
        let inferred = inferenceCounters.withLock { $0 }
        report.chunks = inferred.chunks
        report.inferenceFailures = inferred.failures
        return report
    }

    /// Asks the inference thread for a chunk (cheap: a lock and a signal, no allocation).
    private func wakeInference() {
        refill.lock()
        refillRequested = true
        refill.signal()
        refill.unlock()
    }

    /// The inference thread: wait for a refill request, snapshot the newest state,
    /// run the source, push the chunk tagged with the snapshot's tick.
    private func inferenceLoop() {
        defer {
            refill.lock()
            inferenceExited = true
            refill.broadcast()
            refill.unlock()
        }
        let d = robot.jointNames.count
        while true {
            // Sleep until the control thread asks for a chunk (or the run ends) — no polling.
            refill.lock()
            while !refillRequested && !inferenceDone.load(ordering: .relaxed) { refill.wait() }
            refillRequested = false
            refill.unlock()
            if inferenceDone.load(ordering: .relaxed) { break }
            guard let snapshot = stateSlot.latest else { continue }
            let started = PeriodicSchedule.now()
            do {
                let actions = try source.chunk(for: snapshot)
                guard actions.count == source.horizon * d else {
                    throw RuntimeSetupError.chunkShape(expected: source.horizon * d, found: actions.count)
                }
                inferenceHistogram.record((PeriodicSchedule.now() - started) / 1_000)
                // The chunk is as old as its oldest input: the joint state or a camera frame.
                let images = source.lastObservationTimestamp
                let observed = images > 0 ? min(images, snapshot.timestampNanoseconds) : snapshot.timestampNanoseconds
                let chunk = ActionChunk(startTick: snapshot.tick + 1, horizon: source.horizon, dimension: d,
                                        actions: actions, observationTimestampNanoseconds: observed, epoch: snapshot.epoch)
                queue.push(chunk)
                inferenceCounters.withLock { $0.chunks += 1 }
                let milliseconds = Double(PeriodicSchedule.now() - started) / 1e6
                progressSlot.withLock {
                    $0.chunks += 1
                    $0.lastInferenceMilliseconds = milliseconds
                }
            } catch {
                inferenceCounters.withLock {
                    $0.failures += 1
                    $0.lastError = "\(error)"
                }
                // A stale camera or a failing policy: try again soon, without spinning.
                usleep(20_000)
                wakeInference()
            }
        }
    }
}
