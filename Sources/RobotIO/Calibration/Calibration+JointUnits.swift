extension Calibration {
    /// Joint positions (radians for arm joints, opening 0…1 for the gripper)
    /// from Present_Position ticks, both in joint order.
    ///
    /// Real-time safe: writes into `positions` in place and allocates nothing
    /// when it already has one element per joint.
    /// - Precondition: `ticks.count == positions.count == joints.count`.
    @inlinable
    public func positions<Unit: BinaryFloatingPoint>(fromTicks ticks: [Int64], into positions: inout [Unit]) {
        precondition(ticks.count == unitMaps.count && positions.count == unitMaps.count,
                     "expected \(unitMaps.count) ticks and positions, got \(ticks.count) and \(positions.count)")
        for index in unitMaps.indices {
            positions[index] = Unit(unitMaps[index].position(fromTicks: ticks[index]))
        }
    }

    /// Goal_Position ticks for joint positions (radians / opening 0…1), both in
    /// joint order, each clamped to its joint's calibrated range.
    ///
    /// Real-time safe: writes into `ticks` in place and allocates nothing
    /// when it already has one element per joint.
    /// - Precondition: `positions.count == ticks.count == joints.count`.
    @inlinable
    public func goalTicks<Unit: BinaryFloatingPoint>(forPositions positions: [Unit], into ticks: inout [Int64]) {
        precondition(positions.count == unitMaps.count && ticks.count == unitMaps.count,
                     "expected \(unitMaps.count) positions and ticks, got \(positions.count) and \(ticks.count)")
        for index in unitMaps.indices {
            ticks[index] = unitMaps[index].goalTicks(forPosition: Double(positions[index]))
        }
    }

    /// Joint positions for Present_Position ticks, as a new array (not for the control loop).
    public func positions(fromTicks ticks: [Int64]) -> [Double] {
        var positions = [Double](repeating: 0, count: unitMaps.count)
        self.positions(fromTicks: ticks, into: &positions)
        return positions
    }

    /// Goal_Position ticks for joint positions, as a new array (not for the control loop).
    public func goalTicks(forPositions positions: [Double]) -> [Int64] {
        var ticks = [Int64](repeating: 0, count: unitMaps.count)
        goalTicks(forPositions: positions, into: &ticks)
        return ticks
    }
}
