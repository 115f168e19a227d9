import PropertyBased
import Testing
@testable import RobotIO

/// Properties of the tick ⇄ joint-unit maps over random calibrations and positions.
@Suite struct CalibrationPropertyTests {
    /// A calibrated range within the encoder, at least 2 ticks wide, and a kind.
    static let ranges = zip(Gen.int(in: 0...4094), Gen.int(in: 1...4095), Gen.bool())
        .map { a, width, isGripper in
            (min: a, max: Swift.min(4095, a + width), kind: isGripper ? JointKind.gripper : .revolute)
        }

    static func map(min: Int, max: Int, kind: JointKind, driveMode: Int = 0) -> JointUnitMap {
        JointUnitMap(calibration: JointCalibration(id: 1, driveMode: driveMode, homingOffset: 0,
                                                   rangeMin: min, rangeMax: max),
                     kind: kind, servoProtocol: .feetech)
    }

    @Test func ticksToUnitsToTicksIsTheIdentityWithinTheRange() async {
        await propertyCheck(input: Self.ranges, Gen.int(in: 0...4095), Gen.bool()) { range, tick, reversed in
            let map = Self.map(min: range.min, max: range.max, kind: range.kind, driveMode: reversed ? 1 : 0)
            let inRange = Int64(Swift.min(Swift.max(tick, range.min), range.max))
            #expect(map.goalTicks(forPosition: map.position(fromTicks: inRange)) == inRange)
        }
    }

    @Test func everyTickOfTheEncoderRoundTripsOnAFullTurnJoint() async {
        await propertyCheck(input: Gen.int(in: 0...4095)) { tick in
            let map = Self.map(min: 0, max: 4095, kind: .revolute)
            #expect(map.goalTicks(forPosition: map.position(fromTicks: Int64(tick))) == Int64(tick))
        }
    }

    @Test func goalsStayInTheCalibratedRange() async {
        await propertyCheck(input: Self.ranges, Gen.double(in: -20...20)) { range, position in
            let goal = Self.map(min: range.min, max: range.max, kind: range.kind).goalTicks(forPosition: position)
            #expect((Int64(range.min)...Int64(range.max)).contains(goal))
        }
    }

    @Test func gripperOpeningsStayBetweenZeroAndOne() async {
        await propertyCheck(input: Self.ranges, Gen.int(in: -5000...9000)) { range, tick in
            let opening = Self.map(min: range.min, max: range.max, kind: .gripper).position(fromTicks: Int64(tick))
            #expect((0...1).contains(opening))
        }
    }

    @Test func armAnglesGrowWithTicksAtLeRobotsScale() async {
        await propertyCheck(input: Self.ranges, Gen.int(in: 0...4094)) { range, tick in
            let map = Self.map(min: range.min, max: range.max, kind: .revolute)
            let step = map.position(fromTicks: Int64(tick) + 1) - map.position(fromTicks: Int64(tick))
            #expect(abs(step - 2 * Double.pi / 4095) < 1e-12)
            #expect(abs(map.position(fromTicks: Int64(range.min)) + map.position(fromTicks: Int64(range.max))) < 1e-9)
        }
    }
}
