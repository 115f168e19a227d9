import PropertyBased
import Testing
@testable import Runtime

@Suite struct SafetyFilterTests {
    static let limits = JointLimits(lower: [-1.5, -1, -2, -1.6, -3, 0], upper: [1.5, 1.2, 1.8, 1.6, 3, 1])
    static let names = ["shoulder_pan", "shoulder_lift", "elbow_flex", "wrist_flex", "wrist_roll", "gripper"]

    static func filter(rampTicks: Int = 0) -> SafetyFilter {
        SafetyFilter(limits: limits, maxStep: [0.05, 0.05, 0.05, 0.05, 0.05, 0.02], rampTicks: rampTicks,
                     jointNames: names)
    }

    /// Targets drawn anywhere, NaN and infinities included.
    static let anyValue = Gen.element(of: [Float.nan, .infinity, -.infinity, 1e9, -1e9, 0.3, -0.7]).compactMap { $0 }
    static let target = Gen.float(in: -10...10).array(of: 6)

    @Test func noCommandEverLeavesTheLimitsOrStepsTooFar() async {
        await propertyCheck(input: Self.target.array(of: 1...60), Gen.int(in: 0...5), Self.anyValue, Gen.int(in: 0...30)) {
            targets, poisonJoint, poison, poisonTick in
            var f = Self.filter(rampTicks: 10)
            try f.begin(at: [0, 0, 0, 0, 0, 0.5])
            var previous = f.lastCommand
            var command = [Float](repeating: 0, count: 6)
            for (tick, var target) in targets.enumerated() {
                if tick == poisonTick { target[poisonJoint] = poison }
                let flags = tick % 7 == 6 ? f.hold(into: &command) : f.filter(target, into: &command)
                #expect(Self.limits.contains(command), "tick \(tick): \(command) outside limits")
                for j in 0..<6 {
                    #expect(abs(command[j] - previous[j]) <= f.maxStep[j] * 1.0001, "tick \(tick) joint \(j) stepped too far")
                }
                if !target.allSatisfy(\.isFinite) && tick % 7 != 6 {
                    #expect(flags.contains(.nonFiniteTarget))
                    #expect(command == previous)
                }
                previous = command
            }
        }
    }

    @Test func clampsToLimitsAndSlowsLargeSteps() throws {
        var f = Self.filter()
        try f.begin(at: [1.49, 0, 0, 0, 0, 0.5])
        var command = [Float](repeating: 0, count: 6)
        let flags = f.filter([5, 0.2, 0, 0, 0, 0.5], into: &command)
        #expect(command[0] == 1.5)
        #expect(abs(command[1] - 0.05) < 1e-6)
        #expect(flags.contains(.clampedToLimits) && flags.contains(.clampedStep))
    }

    @Test func rampStartsSlow() throws {
        var f = Self.filter(rampTicks: 10)
        try f.begin(at: [0, 0, 0, 0, 0, 0.5])
        var command = [Float](repeating: 0, count: 6)
        let flags = f.filter([1, 0, 0, 0, 0, 0.5], into: &command)
        #expect(flags.contains(.ramping))
        #expect(abs(command[0] - 0.005) < 1e-6)  // 10 % of 0.05 on the first tick
        for _ in 0..<20 { _ = f.filter([1, 0, 0, 0, 0, 0.5], into: &command) }
        let later = command[0]
        _ = f.filter([1, 0, 0, 0, 0, 0.5], into: &command)
        #expect(abs(command[0] - later - 0.05) < 1e-5)  // full step after the ramp
    }

    @Test func nilTargetHolds() throws {
        var f = Self.filter()
        try f.begin(at: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
        var command = [Float](repeating: 0, count: 6)
        let flags = f.hold(into: &command)
        #expect(flags == SafetyFlags.holding)
        #expect(command == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    }

    @Test func refusesToStartOutsideLimits() {
        var f = Self.filter()
        #expect(throws: SafetyError.startOutsideLimits(joint: "elbow_flex", position: 2.5, lower: -2, upper: 1.8)) {
            try f.begin(at: [0, 0, 2.5, 0, 0, 0.5])
        }
        #expect(throws: SafetyError.jointCountMismatch(expected: 6, found: 5)) {
            try f.begin(at: [0, 0, 0, 0, 0])
        }
    }
}
