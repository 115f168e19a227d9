import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// An emulated servo bus on a pseudo-terminal: clients open `path` as if it were a
/// USB-serial adapter and talk Feetech or Dynamixel 2.0 to the robot's motors.
///
/// Every motor has its full control table, moves toward its goal while torque is on
/// (first-order, speed-limited, computed lazily from the monotonic clock; or as the
/// shaft in `options.mechanics` says, e.g. a joint of the MuJoCo twin), follows
/// its family's EEPROM rules, waits its return delay, and can be made to fail
/// (`VirtualBusFaults`). One dedicated thread serves the pty; the inspection and
/// set-up methods may be called from any thread.
///
/// ```swift
/// let bus = try VirtualServoBus(robot: .so101)
/// try bus.start()
/// defer { bus.stop() }
/// let port = try SerialPortOpener.open(bus.path, baudRate: 1_000_000)
/// ```
public final class VirtualServoBus: Sendable {
    /// The robot whose motors the bus emulates.
    public let robot: RobotSpec
    private let terminal: PseudoTerminal
    private let state: Mutex<VirtualBusState>
    private let lifecycle = Mutex(Lifecycle())
    private let stopRequested = Atomic<Bool>(false)

    private struct Lifecycle: Sendable {
        var thread: pthread_t?
        var started = false
        var stopped = false
    }

    /// Opens the pty and creates the optional symlink; motors are powered (calibrated when
    /// `options.calibration` says so) but the bus does not answer until `start()`.
    public init(robot: RobotSpec, options: VirtualBusOptions = .init()) throws {
        if let calibration = options.calibration, calibration.robot != robot {
            throw VirtualBusError.calibrationForAnotherRobot(calibration: calibration.robot.displayName,
                                                             robot: robot.displayName)
        }
        if let mechanics = options.mechanics, mechanics.count != robot.joints.count {
            throw VirtualBusError.mechanicsCount(given: mechanics.count, motors: robot.joints.count)
        }
        self.robot = robot
        terminal = try PseudoTerminal.open(linkPath: options.linkPath)
        state = Mutex(VirtualBusState(robot: robot, options: options, now: MonotonicClock.nanoseconds()))
    }

    deinit { stop() }

    /// The slave side of the pty (/dev/pts/N) that clients open.
    public var path: String { terminal.slavePath }

    /// The symlink to `path`, when one was requested.
    public var linkPath: String? { terminal.linkPath }

    /// Starts the serving thread (a dedicated pthread, not the cooperative pool, so
    /// return delays and blocking reads never stall Swift tasks). The vanish
    /// timer of the initial faults starts now. The thread keeps the bus alive until
    /// `stop()`, so always pair the two.
    public func start() throws {
        try lifecycle.withLock { life throws(VirtualBusError) in
            guard !life.started, !life.stopped else {
                throw .notStartable(reason: life.stopped ? "it was stopped" : "it is already running")
            }
            let now = MonotonicClock.nanoseconds()
            state.withLock { $0.setFaults($0.faults, now: now) }
            let context = Unmanaged.passRetained(self).toOpaque()
            var thread = pthread_t()
            let result = pthread_create(&thread, nil, { context in
                let bus = Unmanaged<VirtualServoBus>.fromOpaque(context!).takeRetainedValue()
                bus.serve()
                return nil
            }, context)
            guard result == 0 else {
                Unmanaged<VirtualServoBus>.fromOpaque(context).release()
                throw .threadStartFailed(message: String(cString: strerror(result)))
            }
            life.thread = thread
            life.started = true
        }
    }

    /// Stops the serving thread, closes the pty and removes the symlink. Idempotent.
    public func stop() {
        let thread: pthread_t? = lifecycle.withLock { life in
            guard !life.stopped else { return nil }
            life.stopped = true
            stopRequested.store(true, ordering: .releasing)
            defer { life.thread = nil }
            if life.thread == nil { terminal.close() }
            return life.thread
        }
        guard let thread else { return }
        pthread_join(thread, nil)
        terminal.close()
    }

    /// Replaces the faults in force; a vanish timer counts from now.
    public func setFaults(_ faults: VirtualBusFaults) {
        let now = MonotonicClock.nanoseconds()
        state.withLock { $0.setFaults(faults, now: now) }
    }

    /// The value of `register` of the motor with `id` now, decoded with the model's
    /// encoding; nil when no motor has that ID or its model lacks the register.
    public func value(of register: Register, id: MotorID) -> Int64? {
        let now = MonotonicClock.nanoseconds()
        return state.withLock { state in
            guard let index = state.motorIndex(id: id) else { return nil }
            state.motors[index].advance(to: now)
            return state.motors[index].value(of: register)
        }
    }

    /// Test set-up: sets a register of the motor with `id`, bypassing EEPROM and
    /// read-only rules. Setting Present_Position puts the motor there.
    public func setValue(_ value: Int64, of register: Register, id: MotorID) {
        let now = MonotonicClock.nanoseconds()
        state.withLock { state in
            guard let index = state.motorIndex(id: id) else { return }
            state.motors[index].setValue(value, of: register, now: now)
        }
    }

    /// Counters of packets seen and replies sent, dropped and corrupted.
    public var statistics: VirtualBusStatistics { state.withLock { $0.statistics } }

    // MARK: Serving thread

    /// How long an incomplete packet may wait for its remaining bytes before the
    /// parser gives up on its first byte, as a servo's inter-byte timeout does.
    private static let partialPacketTimeoutNanoseconds: UInt64 = 20_000_000
    /// How often the idle thread checks for `stop()`.
    private static let pollIntervalNanoseconds: Int64 = 20_000_000

    private func serve() {
        let codec = robot.servoProtocol.codec
        var chunk = [UInt8](repeating: 0, count: 4096)
        var pending: [UInt8] = []
        var start = 0
        var lastByteAt: UInt64 = 0
        while !stopRequested.load(ordering: .acquiring) {
            switch terminal.waitReadable(timeoutNanoseconds: Self.pollIntervalNanoseconds) {
            case 1:
                let n = terminal.read(into: &chunk)
                guard n > 0 else { continue }
                pending.append(contentsOf: chunk[0..<n])
                lastByteAt = MonotonicClock.nanoseconds()
            case 2:
                // No client has the slave open: the master reports a hang-up at once, so sleep
                // instead of spinning, and forget a partial packet the last client left behind.
                pending.removeAll(keepingCapacity: true)
                start = 0
                usleep(5_000)
                continue
            default:
                // Quiet line: a partial packet that stopped arriving is noise.
                guard start < pending.count,
                      MonotonicClock.nanoseconds() - lastByteAt > Self.partialPacketTimeoutNanoseconds
                else { continue }
                start += 1
                state.withLock { $0.statistics.corruptBytesSkipped += 1 }
            }
            let clientBaudRate = terminal.clientBaudRate()
            decoding: while start < pending.count {
                switch codec.decodeInstruction(in: &pending, from: start, to: pending.count) {
                case .packet(let packet):
                    let now = MonotonicClock.nanoseconds()
                    let replies = state.withLock {
                        $0.handle(packet: packet, parameters: pending[packet.parameters],
                                  clientBaudRate: clientBaudRate, now: now)
                    }
                    start += packet.consumed
                    send(replies)
                case .incomplete:
                    break decoding
                case .corrupt(let skip, _):
                    start += skip
                    state.withLock { $0.statistics.corruptBytesSkipped += skip }
                }
            }
            if start >= pending.count {
                pending.removeAll(keepingCapacity: true)
                start = 0
            } else if start > 1024 {
                pending.removeFirst(start)
                start = 0
            }
        }
    }

    /// Writes replies in order, each after its motor's return delay; replies with no
    /// delay go out in one write so a sync read costs one syscall.
    private func send(_ replies: [VirtualReply]) {
        var batch: [UInt8] = []
        for reply in replies {
            if reply.returnDelayMicroseconds > 0 {
                if !batch.isEmpty { terminal.write(batch) }
                batch.removeAll(keepingCapacity: true)
                usleep(UInt32(reply.returnDelayMicroseconds))
            }
            batch.append(contentsOf: reply.bytes)
        }
        if !batch.isEmpty { terminal.write(batch) }
    }
}
