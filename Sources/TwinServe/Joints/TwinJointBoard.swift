import Synchronization

/// The plain ``TwinJointPort``: a register board between the twin and whoever drives
/// it. A bus (or a test) writes goals and torque enable and reads present positions
/// at any time, from any thread; the physics thread reads the command and writes the
/// state through the port methods. With nobody writing, the arm holds its rest pose.
public final class TwinJointBoard: TwinJointPort {
    private struct Registers {
        var command: TwinJointCommand
        var state: TwinJointState
        var episodes = 0
    }

    private let registers: Mutex<Registers>

    /// A board for `jointCount` joints (6 for the SO-101), goals at 0, torque on.
    public init(jointCount: Int = 6) {
        registers = Mutex(Registers(command: TwinJointCommand(goals: [Double](repeating: 0, count: jointCount)),
                                    state: TwinJointState(jointCount: jointCount)))
    }

    // MARK: Bus side

    /// Sets the goal of `joint` (joint units).
    public func setGoal(_ value: Double, joint: Int) {
        registers.withLock { $0.command.goals[joint] = value }
    }

    /// Sets every goal (joint units, one per joint).
    public func setGoals(_ goals: [Double]) {
        registers.withLock { registers in
            for joint in registers.command.goals.indices where joint < goals.count { registers.command.goals[joint] = goals[joint] }
        }
    }

    /// Turns torque of `joint` (every joint when nil) on or off.
    public func setTorque(_ enabled: Bool, joint: Int? = nil) {
        registers.withLock { registers in
            if let joint {
                registers.command.torqueEnabled[joint] = enabled
            } else {
                for index in registers.command.torqueEnabled.indices { registers.command.torqueEnabled[index] = enabled }
            }
        }
    }

    /// Sets everything a servo tells its joint at once: goal (joint units), torque enable and
    /// speed limit (joint units per second; infinity: none). Returns the episodes begun so far,
    /// so the caller knows its command is newer than the last reset.
    @discardableResult
    public func drive(joint: Int, goal: Double, torqueEnabled: Bool, speedLimit: Double) -> Int {
        registers.withLock { registers in
            registers.command.goals[joint] = goal
            registers.command.torqueEnabled[joint] = torqueEnabled
            registers.command.speedLimits[joint] = speedLimit
            return registers.episodes
        }
    }

    /// One joint as last reported (allocates nothing, for a bus reading it at every packet).
    public func reading(joint: Int) -> TwinJointReading {
        registers.withLock { registers in
            TwinJointReading(position: registers.state.positions[joint], velocity: registers.state.velocities[joint],
                             effort: registers.state.efforts[joint], episodesStarted: registers.episodes)
        }
    }

    /// The command now in the registers.
    public var command: TwinJointCommand { registers.withLock { $0.command } }

    /// The arm as last reported by the twin.
    public var state: TwinJointState { registers.withLock { $0.state } }

    /// Episodes begun so far.
    public var episodesStarted: Int { registers.withLock { $0.episodes } }

    // MARK: Twin side (TwinJointPort)

    public func readCommand(into command: inout TwinJointCommand) {
        registers.withLock { registers in
            for joint in command.goals.indices where joint < registers.command.goals.count {
                command.goals[joint] = registers.command.goals[joint]
                command.torqueEnabled[joint] = registers.command.torqueEnabled[joint]
                command.speedLimits[joint] = registers.command.speedLimits[joint]
            }
        }
    }

    public func publish(_ state: TwinJointState) {
        registers.withLock { registers in
            for joint in state.positions.indices where joint < registers.state.positions.count {
                registers.state.positions[joint] = state.positions[joint]
                registers.state.velocities[joint] = state.velocities[joint]
                registers.state.efforts[joint] = state.efforts[joint]
            }
            registers.state.episodeTime = state.episodeTime
            registers.state.episode = state.episode
        }
    }

    public func episodeDidStart(restPose: [Double]) {
        registers.withLock { registers in
            for joint in registers.command.goals.indices where joint < restPose.count {
                registers.command.goals[joint] = restPose[joint]
                registers.command.torqueEnabled[joint] = true
                registers.command.speedLimits[joint] = .infinity
            }
            registers.episodes += 1
        }
    }
}

/// One joint of a ``TwinJointBoard`` as the twin last reported it.
public struct TwinJointReading: Sendable, Equatable {
    /// Present position, joint units.
    public var position: Double
    /// Present velocity, joint units per second.
    public var velocity: Double
    /// Actuator force over its limit, −1…1.
    public var effort: Double
    /// Episodes begun so far: a change means the twin reset the arm to rest.
    public var episodesStarted: Int
}
