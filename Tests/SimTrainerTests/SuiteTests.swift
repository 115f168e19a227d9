import Testing
@testable import SimTrainer

@Suite("Pick-and-place suite")
struct SuiteTests {
    @Test("6 cube colours × 5 plate colours × 3 distractor counts × 4 layouts, 72 held out")
    func combinations() {
        let all = PickPlaceSuite.combinations
        #expect(all.count == 360)
        #expect(Set(all).count == 360)
        #expect(PickPlaceSuite.combinations(in: .heldOut).count == 72)
        #expect(PickPlaceSuite.combinations(in: .inDistribution).count == 288)
        for split in SuiteSplit.allCases {
            let colours = Set(PickPlaceSuite.combinations(in: split).map(\.cubeColor))
            #expect(colours.count == NamedColor.palette.count, "every cube colour appears in \(split)")
        }
    }

    @Test("Each split samples only its own combinations; distractors take other colours")
    func sampling() {
        var random = SimRandom(seed: 4)
        for split in SuiteSplit.allCases {
            let suite = PickPlaceSuite(split: split)
            for _ in 0..<100 {
                let setup = suite.sampleEpisode(&random)
                let combination = setup.combination!
                #expect(combination.isHeldOut == (split == .heldOut))
                #expect(setup.cubes.count == 1 + combination.distractors)
                let colours = setup.cubes.map(\.color.name)
                #expect(Set(colours).count == colours.count)
                #expect(!colours.contains(setup.plate!.color.name))
                #expect(setup.instruction == "put the \(colours[0]) cube on the \(setup.plate!.color.name) plate")
            }
        }
    }
}
