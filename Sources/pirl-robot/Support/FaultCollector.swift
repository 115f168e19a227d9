import RobotIO
import Synchronization

/// Collects hardware-fault warnings from a bus's warning handler.
final class FaultCollector: Sendable {
    private let faults = Mutex<[MotorFault]>([])

    func append(_ fault: MotorFault) { faults.withLock { $0.append(fault) } }

    var all: [MotorFault] { faults.withLock { $0 } }
}
