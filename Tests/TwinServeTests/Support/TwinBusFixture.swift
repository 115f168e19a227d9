import RobotIO
@testable import TwinServe

/// The twin's servo bus on a pty, its motors the joints of `board`, with the project's own
/// Feetech client (`RobotBus`, as `run` opens an arm) on the other end.
final class TwinBusFixture {
    let board: TwinJointBoard
    let calibration: Calibration
    let bus: VirtualServoBus
    let client: RobotBus

    init(board: TwinJointBoard = TwinJointBoard(), calibration: Calibration = TwinCalibration.so101) throws {
        self.board = board
        self.calibration = calibration
        bus = try TwinServoBus.make(board: board, calibration: calibration)
        try bus.start()
        // Generous allowance: the 2-core CI machine schedules the bus thread late at times.
        client = try RobotBus.open(robot: .so101, port: bus.path,
                                   options: MotorBusOptions(replyAllowanceMicroseconds: 50_000, retries: 3))
    }

    deinit {
        client.bus.close()
        bus.stop()
    }

    /// Present_Position of every joint, raw ticks.
    func ticks() throws -> [Int64] {
        var ticks = [Int64](repeating: 0, count: 6)
        try client.readPositions(into: &ticks)
        return ticks
    }

    /// Every joint's position as `run` reads it: Present_Position through the calibration.
    func jointPositions() throws -> [Double] { calibration.positions(fromTicks: try ticks()) }

    /// Writes goals (joint units) as `run` does: through the calibration, one sync write;
    /// then reads, so the bus has handled the write (a sync write has no reply) on return.
    func writeGoals(_ positions: [Double]) throws {
        try client.writeGoals(calibration.goalTicks(forPositions: positions))
        _ = try ticks()
    }

    /// One register of every motor.
    func read(_ register: Register) throws -> [Int64] {
        var values = [Int64](repeating: 0, count: 6)
        try client.perform { () throws(MotorBusError) in try client.bus.syncRead(register, from: client.motors, into: &values) }
        return values
    }

    /// Writes `value` to `register` of joint `joint`'s motor.
    func write(_ register: Register, joint: Int, value: Int64) throws {
        try client.perform { () throws(MotorBusError) in try client.bus.write(register, of: client.motors[joint], value: value) }
    }

    /// The twin reports the arm at `positions` (joint units), standing still.
    func publish(_ positions: [Double]) {
        var state = TwinJointState(jointCount: 6)
        state.positions = positions
        board.publish(state)
    }
}

/// A joint-units tolerance of `ticks` encoder ticks for joint `joint` of `calibration`.
func tolerance(ticks: Double, joint: Int, of calibration: Calibration) -> Double {
    ticks / abs(TwinServoMount(calibration: calibration, joint: joint).ticksPerUnit)
}

extension TwinBusFixture {
    /// The path of `relative` in this repository.
    static func repositoryFile(_ relative: String) -> String {
        var root = #filePath
        for _ in 0..<4 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
        return root + "/" + relative
    }
}
