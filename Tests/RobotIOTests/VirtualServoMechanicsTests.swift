import Synchronization
import Testing
@testable import RobotIO

/// What a shaft was told, kept where the test can see it (the shaft itself is a value in the bus).
private final class DriveLog: Sendable {
    private let entries = Mutex<[VirtualServoDrive]>([])
    func append(_ drive: VirtualServoDrive) { entries.withLock { $0.append(drive) } }
    var all: [VirtualServoDrive] { entries.withLock { $0 } }
}

/// A shaft that stands where the test puts it and records what it is told.
private struct RecordingShaft: VirtualServoMechanics {
    let drives = DriveLog()
    let position: Double

    mutating func advance(to now: UInt64) -> VirtualServoReading {
        VirtualServoReading(position: position, velocity: -40, load: 250, isMoving: true)
    }

    mutating func follow(_ drive: VirtualServoDrive, at now: UInt64) { drives.append(drive) }

    mutating func place(at position: Double, now: UInt64) {}
}

/// The bus's protocol engine over a shaft plugged in from outside (as `sim serve` plugs in the twin).
@Suite struct VirtualServoMechanicsTests {
    @Test func theEngineReportsThePluggedShaftAndTellsItTheRegisters() throws {
        let shafts = (0..<6).map { RecordingShaft(position: 1000 + Double($0)) }
        let calibration = try Calibration.load(from: CalibrationFixtures.exampleFile("so101_example.json"), robot: .so101)
        let client = try VirtualBusTestClient(robot: .so101, options: .init(calibration: calibration, mechanics: shafts))
        let offset = Int64(calibration.joints[1].homingOffset)
        // Present = actual − offset; speed, load and Moving are the shaft's.
        #expect(try client.value(id: 2, .presentPosition, model: .sts3215) == 1001 - offset)
        #expect(try client.value(id: 2, .presentVelocity, model: .sts3215) == -40)
        #expect(try client.value(id: 2, .presentLoad, model: .sts3215) == 250)
        #expect(try client.value(id: 2, .moving, model: .sts3215) == 1)
        // A goal, a speed and torque on reach the shaft in its own frame (actual = goal + offset).
        _ = try client.write(id: 2, .goalVelocity, 500, model: .sts3215)
        _ = try client.write(id: 2, .goalPosition, 2000, model: .sts3215)
        _ = try client.write(id: 2, .torqueEnable, 1, model: .sts3215)
        let last = try #require(shafts[1].drives.all.last)
        #expect(last == VirtualServoDrive(goal: Double(2000 + offset), torqueEnabled: true, speedLimit: 500))
        #expect(shafts[0].drives.all.count == 1, "motor 1 was told once, when calibrated")
    }

    @Test func aWrongNumberOfShaftsIsRefused() {
        let shafts = [RecordingShaft(position: 0)]
        #expect(throws: VirtualBusError.mechanicsCount(given: 1, motors: 6)) {
            _ = try VirtualServoBus(robot: .so101, options: .init(mechanics: shafts))
        }
    }
}
