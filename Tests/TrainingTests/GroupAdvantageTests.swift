import Testing
@testable import Training

@Suite("GRPO grouping and filtering")
struct GroupAdvantageTests {
    @Test func standardizesWithinTheGroup() {
        let group = GroupAdvantages.group(scores: [1, 0, 1, 0], minMean: 0.1, maxMean: 0.9)
        #expect(group.kept)
        #expect(group.meanScore == 0.5)
        for (a, expected) in zip(group.advantages, [Float(1), -1, 1, -1]) { #expect(Support.close(a, expected, 1e-4)) }
        #expect(abs(group.advantages.reduce(0, +)) < 1e-5)
    }

    @Test func dropsGroupsWithoutSignal() {
        let allFail = GroupAdvantages.group(scores: [0, 0, 0, 0], minMean: 0.1, maxMean: 0.9)
        let allPass = GroupAdvantages.group(scores: [1, 1, 1, 1], minMean: 0.1, maxMean: 0.9)
        let mostlyPass = GroupAdvantages.group(scores: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0], minMean: 0.1, maxMean: 0.9)
        #expect(!allFail.kept && !allPass.kept && !mostlyPass.kept)
        #expect(allFail.advantages.allSatisfy { $0 == 0 } && mostlyPass.advantages.allSatisfy { $0 == 0 })
    }

    @Test func boundsAreInclusive() {
        let low = GroupAdvantages.group(scores: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0], minMean: 0.1, maxMean: 0.9)
        #expect(low.kept)
    }

    @Test func splitsConsecutiveEnvironmentsIntoGroups() {
        let groups = GroupAdvantages.groups(scores: [1, 0, 0, 0, 1, 1], groupSize: 2, minMean: 0.1, maxMean: 0.9)
        #expect(groups.count == 3)
        #expect(groups[0].kept && !groups[1].kept && !groups[2].kept)
        #expect(groups[0].advantages[0] > 0 && groups[0].advantages[1] < 0)
    }

    @Test func usesReturnsNotOnlySuccess() {
        let group = GroupAdvantages.group(scores: [0.2, 0.4, 0.6], minMean: 0, maxMean: 1)
        #expect(group.advantages[0] < 0 && Support.close(group.advantages[1], 0, 1e-5) && group.advantages[2] > 0)
    }
}
