import Testing
@testable import RobotIO

/// Half-turn homing and range recording, the pure parts of the procedure.
@Suite struct CalibrationHomingTests {
    @Test func feetechOffsetIsActualMinusHalfTurn() {
        // Feetech: present = actual − offset; LeRobot: offset = pos − int(4095 / 2)
        #expect(HalfTurnHoming.halfTurnTicks(for: .sts3215) == 2047)
        #expect(HalfTurnHoming.offset(forActualPosition: 577, model: .sts3215) == -1470)
        #expect(HalfTurnHoming.offset(forActualPosition: 4094, model: .sts3215) == 2047)
        #expect(HalfTurnHoming.presentPosition(actual: 577, offset: -1470, model: .sts3215) == 2047)
    }

    @Test func dynamixelOffsetIsHalfTurnMinusActual() {
        // Dynamixel: present = actual + offset; LeRobot: offset = int(4095 / 2) − pos
        #expect(HalfTurnHoming.offset(forActualPosition: 3000, model: .xl430w250) == -953)
        #expect(HalfTurnHoming.offset(forActualPosition: 5000, model: .xl330m288) == -2953)
        #expect(HalfTurnHoming.presentPosition(actual: 3000, offset: -953, model: .xl430w250) == 2047)
    }

    @Test func homingOffsetRangesPerProtocol() {
        #expect(MotorModel.sts3215.homingOffsetRange == -2047...2047)
        #expect(MotorModel.xl330m288.homingOffsetRange == -1_044_479...1_044_479)
        // The one Feetech pose half-turn homing cannot take: the encoder's last tick.
        #expect(!MotorModel.sts3215.homingOffsetRange.contains(
            Int(HalfTurnHoming.offset(forActualPosition: 4095, model: .sts3215))))
    }

    @Test func recorderKeepsExtremesAndLatest() {
        var recorder = RangeRecorder(joints: ["a", "b", "c"], startingAt: [2047, 2047, 100])
        #expect(recorder.unmovedJoints == ["a", "b", "c"])
        recorder.record([1000, 2047, 100])
        recorder.record([3000, 2047, 100])
        recorder.record([2500, 2050, 100])
        #expect(recorder.ranges == [
            RecordedRange(joint: "a", minimum: 1000, position: 2500, maximum: 3000),
            RecordedRange(joint: "b", minimum: 2047, position: 2050, maximum: 2050),
            RecordedRange(joint: "c", minimum: 100, position: 100, maximum: 100),
        ])
        #expect(recorder.unmovedJoints == ["c"])
    }
}
