/// How the control loop runs.
public struct LoopOptions: Sendable {
    /// Control rate.
    public var hertz: Double
    /// Stop after this many ticks (nil: until stopped).
    public var maxTicks: Int?
    /// Stop after this many simulated episodes (nil: no limit).
    public var maxEpisodes: Int?
    /// Ask for a new chunk when this few actions remain queued.
    public var refillThreshold: Int
    /// Hold position (watchdog) when no action arrived for this many ticks.
    public var watchdogTicks: Int
    /// Consecutive bus errors that stop the run.
    public var maxConsecutiveBusErrors: Int
    /// Try SCHED_FIFO + mlockall for the control thread.
    public var realtime: Bool

    /// Creates options; defaults suit a 30 Hz arm with 10-action chunks.
    public init(hertz: Double, maxTicks: Int? = nil, maxEpisodes: Int? = nil, refillThreshold: Int = 5, watchdogTicks: Int = 15,
                maxConsecutiveBusErrors: Int = 3, realtime: Bool = true) {
        self.hertz = hertz
        self.maxTicks = maxTicks
        self.maxEpisodes = maxEpisodes
        self.refillThreshold = refillThreshold
        self.watchdogTicks = watchdogTicks
        self.maxConsecutiveBusErrors = maxConsecutiveBusErrors
        self.realtime = realtime
    }
}
