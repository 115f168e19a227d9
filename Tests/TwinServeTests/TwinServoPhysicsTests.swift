import RobotIO
import SimTrainer
import TestSupport
import Testing
@testable import TwinServe
#if canImport(Glibc)
import Glibc
#endif

/// The twin's servos with the physics running: goals written on the wire move the MuJoCo
/// arm, at the speed Goal_Velocity allows, and torque off lets it sag; what the client reads
/// through the calibration is the twin's pose.
@Suite("Twin servos driving the physics", .serialized)
struct TwinServoPhysicsTests {
    /// A twin stepping in real time with the bus on its joints; episodes long enough for a test.
    private func withServedTwin(_ body: (TwinHost, TwinBusFixture) throws -> Void) throws {
        var settings = TwinHostConfiguration(task: .place)
        settings.environment.randomization = .none
        settings.environment.maxSteps = 100_000
        let board = TwinJointBoard()
        let host = try TwinHost(configuration: settings, port: board)
        let fixture = try TwinBusFixture(board: board)
        try host.start()
        defer {
            host.requestStop()
            host.wait()
        }
        try body(host, fixture)
    }

    @Test("a goal pose written through the calibration is where the twin goes, and where the client reads it")
    func goalsMoveTheTwin() throws {
        try withServedTwin { _, fixture in
            var target = try fixture.jointPositions()
            target[0] += 0.4  // the pan turns about a vertical axis: no gravity pulls it off its goal
            target[5] = 0.2   // the inverted gripper closes toward 0.2
            try fixture.writeGoals(target)
            let arrived = waitUntil(seconds: 3) {
                let twin = fixture.board.state.positions
                return abs(twin[0] - target[0]) < 0.01 && abs(twin[5] - target[5]) < 0.03
            }
            #expect(arrived, "twin at \(fixture.board.state.positions), target \(target)")
            // Once the arm is still, what run reads is the twin's pose within a tick or two.
            #expect(waitUntil(seconds: 3) { fixture.board.state.velocities.allSatisfy { abs($0) < 0.002 } })
            let twin = fixture.board.state.positions, read = try fixture.jointPositions()
            for joint in twin.indices {
                #expect(abs(read[joint] - twin[joint]) <= tolerance(ticks: 2, joint: joint, of: fixture.calibration))
            }
        }
    }

    @Test("Goal_Velocity slows the move to that speed")
    func speedLimit() throws {
        try withServedTwin { _, fixture in
            let ticksPerSecond = 300.0, radiansPerSecond = 300 * 2 * Double.pi / 4095
            try fixture.write(.goalVelocity, joint: 0, value: Int64(ticksPerSecond))
            var target = try fixture.jointPositions()
            let start = fixture.board.state.positions[0]
            target[0] = start + 0.6
            try fixture.writeGoals(target)
            let began = MonotonicClock.nanoseconds()
            usleep(500_000)
            let moved = fixture.board.state.positions[0] - start
            let seconds = Double(MonotonicClock.nanoseconds() - began) / 1e9
            // The setpoint ramps at the limit; the joint trails it by the position loop's lag.
            #expect(moved > 0.4 * radiansPerSecond * seconds && moved < 1.1 * radiansPerSecond * seconds,
                    "moved \(moved) rad in \(seconds) s at \(radiansPerSecond) rad/s")
            #expect(waitUntil(seconds: 3) { abs(fixture.board.state.positions[0] - target[0]) < 0.01 })
        }
    }

    @Test("torque off on the wire: the arm goes limp and sags; the client sees it move")
    func torqueOffSags() throws {
        try withServedTwin { _, fixture in
            usleep(300_000)
            let held = try fixture.jointPositions()
            try fixture.client.disableTorque()
            #expect(fixture.board.command.torqueEnabled == [Bool](repeating: false, count: 6))
            #expect(waitUntil(seconds: 2) {
                let now = (try? fixture.jointPositions()) ?? held
                return abs(now[1] - held[1]) > 0.05 || abs(now[2] - held[2]) > 0.05
            }, "shoulder lift or elbow sags")
            #expect(try fixture.read(.moving).contains(1), "a sagging joint reports Moving")
        }
    }
}
