/// One joint's line in the live range table: the extremes so far and where it is now.
public struct RecordedRange: Sendable, Hashable {
    /// Joint name.
    public var joint: String
    /// Lowest Present_Position seen.
    public var minimum: Int64
    /// Latest Present_Position.
    public var position: Int64
    /// Highest Present_Position seen.
    public var maximum: Int64

    /// Creates a table line.
    public init(joint: String, minimum: Int64, position: Int64, maximum: Int64) {
        self.joint = joint
        self.minimum = minimum
        self.position = position
        self.maximum = maximum
    }
}

/// The extremes each joint reaches while the operator moves the limp arm
/// through its range. Pure bookkeeping: the procedure feeds it samples.
public struct RangeRecorder: Sendable, Hashable {
    /// The joints being recorded, in sample order.
    public let joints: [String]
    /// Per joint: lowest, latest and highest position seen.
    public private(set) var ranges: [RecordedRange]

    /// Starts recording at `positions` (one per joint, in `joints` order).
    public init(joints: [String], startingAt positions: [Int64]) {
        precondition(joints.count == positions.count, "one starting position per joint")
        self.joints = joints
        self.ranges = zip(joints, positions).map {
            RecordedRange(joint: $0, minimum: $1, position: $1, maximum: $1)
        }
    }

    /// Adds one sample (one position per joint, in `joints` order).
    public mutating func record(_ positions: [Int64]) {
        precondition(positions.count == ranges.count, "one position per joint")
        for index in ranges.indices {
            let position = positions[index]
            ranges[index].position = position
            ranges[index].minimum = Swift.min(ranges[index].minimum, position)
            ranges[index].maximum = Swift.max(ranges[index].maximum, position)
        }
    }

    /// Joints whose minimum still equals their maximum: the operator has not moved them.
    public var unmovedJoints: [String] {
        ranges.filter { $0.minimum == $0.maximum }.map(\.joint)
    }
}
