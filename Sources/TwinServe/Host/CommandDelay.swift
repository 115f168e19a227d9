/// The servo's latency: the command the motor acts on is the one written `steps` physics
/// steps ago. A ring of copies filled element by element, so a step allocates nothing.
struct CommandDelay {
    private var slots: [TwinJointCommand]
    private var head = 0

    /// A delay of `steps` physics steps (0: none) for commands like `command`, which it holds
    /// until then.
    init(steps: Int, holding command: TwinJointCommand) {
        slots = [TwinJointCommand](repeating: command, count: steps + 1)
    }

    /// Takes in this step's command and writes the one due now into `due`.
    mutating func pass(_ command: TwinJointCommand, into due: inout TwinJointCommand) {
        guard slots.count > 1 else { return Self.copy(command, into: &due) }
        Self.copy(command, into: &slots[head])
        head = (head + 1) % slots.count
        Self.copy(slots[head], into: &due)
    }

    /// Every slot at `command` (an episode begins: nothing written before it is still on its way).
    mutating func reset(to command: TwinJointCommand) {
        for index in slots.indices { Self.copy(command, into: &slots[index]) }
    }

    private static func copy(_ source: TwinJointCommand, into target: inout TwinJointCommand) {
        for joint in source.goals.indices {
            target.goals[joint] = source.goals[joint]
            target.torqueEnabled[joint] = source.torqueEnabled[joint]
            target.speedLimits[joint] = source.speedLimits[joint]
        }
    }
}
