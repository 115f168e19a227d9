import RobotIO
import Synchronization

/// A virtual bus serving `robot` on a fresh pty, and a client bus opened on it.
/// Both stop when the fixture is released.
final class VirtualBusFixture {
    let virtual: VirtualServoBus
    let robotBus: RobotBus
    var bus: MotorBus { robotBus.bus }
    var motors: [Motor] { robotBus.motors }

    init(robot: RobotSpec, faults: VirtualBusFaults = .init(), calibration: Calibration? = nil,
         busOptions: MotorBusOptions? = nil) throws {
        var options = VirtualBusOptions()
        options.faults = faults
        options.calibration = calibration
        virtual = try VirtualServoBus(robot: robot, options: options)
        try virtual.start()
        // Generous allowance: the 2-core CI machine schedules the server thread late at times.
        let client = busOptions ?? MotorBusOptions(replyAllowanceMicroseconds: 50_000, retries: 3)
        robotBus = try RobotBus.open(robot: robot, port: virtual.path, options: client)
    }

    deinit {
        robotBus.bus.close()
        virtual.stop()
    }
}

/// Collects warnings from a bus's warning handler.
final class WarningLog: Sendable {
    private let entries = Mutex<[MotorFault]>([])
    func append(_ fault: MotorFault) { entries.withLock { $0.append(fault) } }
    var all: [MotorFault] { entries.withLock { $0 } }
}

/// Polls `condition` for up to `seconds`.
func eventually(seconds: Double = 2, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = MonotonicClock.nanoseconds() + UInt64(seconds * 1e9)
    while MonotonicClock.nanoseconds() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

#if canImport(Glibc)
import Glibc
#endif
