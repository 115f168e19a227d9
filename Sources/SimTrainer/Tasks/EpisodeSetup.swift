/// A cube placed for an episode.
public struct PlacedCube: Sendable, Hashable, Codable {
    /// Centre on the table (m).
    public var position: Vector3
    /// Rotation about the vertical (rad).
    public var yaw: Double
    /// Colour and its name.
    public var color: NamedColor
}

/// A static object (plate, reach target, push zone) placed for an episode.
public struct PlacedMarker: Sendable, Hashable, Codable {
    /// Position of its reference point (plate / zone: centre on the table; target: centre).
    public var position: Vector3
    /// Colour and its name.
    public var color: NamedColor
}

/// Everything a task sampled for one episode: what is where, in which colour,
/// and the instruction. Objects left `nil` (or cubes not listed) are parked.
public struct EpisodeSetup: Sendable, Hashable, Codable {
    /// The instruction given to the policy.
    public var instruction: String
    /// Cubes on the table; index 0 is the task cube, the rest are distractors (at most 3 in all).
    public var cubes: [PlacedCube] = []
    /// The plate, for place tasks.
    public var plate: PlacedMarker?
    /// The reach target.
    public var target: PlacedMarker?
    /// The push zone.
    public var zone: PlacedMarker?
    /// Pick-and-place suite combination, when the episode comes from the suite.
    public var combination: PickPlaceCombination?
}

/// What a task reports after a control step.
public struct TaskOutcome: Sendable, Equatable {
    /// The success predicate holds.
    public var success: Bool
    /// Dense progress in [0, 1] for the optional shaped reward.
    public var progress: Double
    /// Progress through the task's stages in [0, 1], for ``ShapingPotential/stages``;
    /// nil where the task has no stages beyond ``progress``.
    public var stageProgress: Double? = nil
}

extension EpisodeSetup {
    /// A setup with only an instruction (objects parked), e.g. for a real arm's recording.
    public init(instruction: String) {
        self.init(instruction: instruction, cubes: [], plate: nil, target: nil, zone: nil, combination: nil)
    }
}
