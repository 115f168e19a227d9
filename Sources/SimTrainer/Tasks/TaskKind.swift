import Foundation

/// The tasks of the suite.
public enum TaskKind: String, CaseIterable, Sendable, Codable {
    /// Touch a coloured target with the gripper.
    case reach
    /// Lift the cube 5 cm.
    case lift
    /// Put the cube on the plate.
    case place
    /// Push the cube into a marked zone.
    case push
    /// The multi-task pick-and-place suite (colours × plates × distractors × positions).
    case pickPlace = "pick-place"

    /// The task's implementation; `split` matters only for ``pickPlace``.
    public func task(split: SuiteSplit = .inDistribution) -> any SimTask {
        switch self {
        case .reach: return ReachTask()
        case .lift: return LiftTask()
        case .place: return PlaceTask()
        case .push: return PushTask()
        case .pickPlace: return PickPlaceSuite(split: split)
        }
    }
}

/// A task: how episodes are sampled, when they succeed, how progress is shaped.
public protocol SimTask: Sendable {
    /// Which task this is.
    var kind: TaskKind { get }
    /// Episode length limit in control steps (30 Hz).
    var maxSteps: Int { get }
    /// Object placement, colours and instruction of a new episode.
    func sampleEpisode(_ random: inout SimRandom) -> EpisodeSetup
    /// The success predicate and shaped progress for the current state.
    func outcome(of setup: EpisodeSetup, in state: SceneState) -> TaskOutcome
    /// Why the predicate does not hold in `state`, in a few words ("let go off the
    /// plate"), for the failure breakdown of an evaluation; asked only when an
    /// episode runs out of time, never per step.
    func failure(of setup: EpisodeSetup, in state: SceneState) -> String
}

/// Shared sampling helpers.
enum Workspace {
    /// Table region where objects to grasp are placed: x forward of the base, y to the side (m).
    static let x = 0.13...0.23, y = -0.10...0.10
    /// A random point of the workspace whose distance to each of `others` is at least its paired minimum.
    static func point(
        _ random: inout SimRandom, x: ClosedRange<Double> = Workspace.x, y: ClosedRange<Double> = Workspace.y,
        awayFrom others: [(Vector3, Double)]
    ) -> Vector3 {
        var candidate = Vector3.zero
        for _ in 0..<200 {
            candidate = Vector3(random.uniform(x.lowerBound, x.upperBound), random.uniform(y.lowerBound, y.upperBound), 0)
            if others.allSatisfy({ (candidate - $0.0).horizontalLength >= $0.1 }) { return candidate }
        }
        return candidate
    }
    /// A random cube colour and a different colour for its goal (plate or zone), each
    /// palette colour equally likely.
    static func cubeAndGoalColors(_ random: inout SimRandom) -> (cube: NamedColor, goal: NamedColor) {
        let palette = NamedColor.palette
        let cube = random.index(palette.count)
        var goal = random.index(palette.count - 1)
        if goal >= cube { goal += 1 }
        return (palette[cube], palette[goal])
    }
    /// A random cube yaw in ±45°.
    static func yaw(_ random: inout SimRandom) -> Double { random.uniform(-Double.pi / 4, Double.pi / 4) }
    /// A template with `{cube}`, `{plate}`, `{target}` replaced.
    static func fill(_ template: String, _ words: [String: String]) -> String {
        var text = template
        for (key, value) in words { text = text.replacingOccurrences(of: "{\(key)}", with: value) }
        return text
    }
}
