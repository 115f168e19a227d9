#if canImport(Glibc)
import Glibc
#endif

/// One emulated servo: its whole control-table memory, and the shaft behind it
/// (``VirtualServoMechanics``: simulated motion by default, a twin joint in `sim serve`).
///
/// The shaft is consulted lazily: every access first advances the motor to the current
/// time (`advance(to:)`), and every write that changes what the shaft must do tells it
/// (`follow`). Positions live in the encoder's "actual" frame; the homing offset maps them
/// to what Present_Position reports (Feetech: present = actual − offset, Dynamixel:
/// present = actual + offset).
struct VirtualMotor: Sendable {
    let model: MotorModel
    let table: ControlTable
    /// The raw control table, little-endian as on the wire.
    private(set) var memory: [UInt8]
    /// Register covering each byte address, for write-permission checks.
    private let specAtAddress: [RegisterSpec?]
    /// Addresses below this are EEPROM (Feetech 40, Dynamixel X 64).
    private let eepromEnd: Int
    private var mechanics: any VirtualServoMechanics
    /// The shaft at the last advance.
    private var shaft: VirtualServoReading
    /// What the shaft was last told to do.
    private var drive: VirtualServoDrive?

    /// Dynamixel Status Return Level (address 68; not in LeRobot's table): 0 ping only,
    /// 1 ping and reads, 2 everything.
    static let dynamixelStatusReturnLevelAddress = 68
    /// Dynamixel velocity unit: 0.229 rpm in encoder ticks per second.
    static let dynamixelTicksPerSecondPerVelocityUnit = 0.229 * 4096 / 60

    private var isFeetech: Bool { model.servoProtocol == .feetech }

    /// A motor as LeRobot's motor set-up leaves it: the robot spec's ID, baud rate,
    /// operating mode and gains; return delay 0; limits 0…4095; with `mechanics` as its shaft
    /// (the simulated one stands at mid position 2048).
    init(joint: JointSpec, baudRate: Int, mechanics: any VirtualServoMechanics, now: UInt64) {
        model = joint.model
        table = joint.model.controlTable
        self.mechanics = mechanics
        memory = [UInt8](repeating: 0, count: table.size)
        var specs = [RegisterSpec?](repeating: nil, count: table.size)
        for spec in table.registers.values {
            for address in spec.address..<min(table.size, spec.address + spec.size) { specs[address] = spec }
        }
        specAtAddress = specs
        eepromEnd = table.registers.values.filter { $0.memory == .ram }.map(\.address).min() ?? table.size
        shaft = VirtualServoReading(position: 2048)

        let baudCode = model.baudRateTable.first { $0.value == baudRate }?.key ?? 0
        let initial: [Register: Int64]
        if isFeetech {
            initial = [
                .firmwareMajorVersion: 3, .firmwareMinorVersion: 10, .modelNumber: Int64(model.modelNumber),
                .id: Int64(joint.id), .baudRate: Int64(baudCode), .returnDelayTime: 0, .responseStatusLevel: 1,
                .minPositionLimit: 0, .maxPositionLimit: 4095, .maxTemperatureLimit: 70, .maxVoltageLimit: 140,
                .minVoltageLimit: 40, .maxTorqueLimit: 1000, .pCoefficient: Int64(joint.gains.p),
                .iCoefficient: Int64(joint.gains.i), .dCoefficient: Int64(joint.gains.d), .protectionCurrent: 500,
                .operatingMode: Int64(joint.operatingMode), .overloadTorque: 80, .torqueLimit: 1000,
                // Power-on state of the STS3215: EEPROM locked until a client writes Lock = 0.
                .lock: 1, .goalPosition: 2048, .presentVoltage: 120, .presentTemperature: 30,
            ]
        } else {
            let isXL330 = model == .xl330m288 || model == .xl330m077
            initial = [
                .modelNumber: Int64(model.modelNumber), .firmwareVersion: 52, .id: Int64(joint.id),
                .baudRate: Int64(baudCode), .returnDelayTime: 0, .operatingMode: Int64(joint.operatingMode),
                .maxTemperatureLimit: isXL330 ? 70 : 72, .maxVoltageLimit: isXL330 ? 70 : 140,
                .minVoltageLimit: isXL330 ? 35 : 60, .velocityLimit: isXL330 ? 445 : 265,
                .maxPositionLimit: 4095, .minPositionLimit: 0, .currentLimit: 1750,
                .velocityIGain: isXL330 ? 1600 : 1920, .velocityPGain: isXL330 ? 180 : 100,
                .positionPGain: Int64(joint.gains.p), .positionIGain: Int64(joint.gains.i),
                .positionDGain: Int64(joint.gains.d), .goalPosition: 2048,
                .presentVoltage: isXL330 ? 50 : 120, .presentTemperature: 30,
            ]
            memory[Self.dynamixelStatusReturnLevelAddress] = 2
        }
        for (register, value) in initial where table.registers[register] != nil { store(value, in: register) }
        advance(to: now)
    }

    // MARK: Registers

    /// The motor's current ID (it changes when a client writes the ID register).
    var id: MotorID { MotorID(truncatingIfNeeded: value(of: .id) ?? 0) }

    var torqueEnabled: Bool { value(of: .torqueEnable) ?? 0 != 0 }

    /// The baud rate the Baud_Rate register selects.
    var baudRate: Int? { model.baudRateTable[Int(value(of: .baudRate) ?? -1)] }

    /// Return_Delay_Time in microseconds (2 µs per unit on both families).
    var returnDelayMicroseconds: Int { Int(value(of: .returnDelayTime) ?? 0) * 2 }

    /// The decoded value of `register`, or nil when this model has no such register.
    func value(of register: Register) -> Int64? {
        guard let spec = table.registers[register] else { return nil }
        return spec.decode(memory, at: spec.address)
    }

    /// Stores `value` clamped to what the register can hold, bypassing every rule.
    private mutating func store(_ value: Int64, in register: Register) {
        guard let spec = table.registers[register] else { return }
        let range = spec.representableRange
        var bytes: [UInt8] = []
        // Cannot throw: the value was clamped into the representable range.
        try? spec.encode(min(max(value, range.lowerBound), range.upperBound), into: &bytes)
        memory.replaceSubrange(spec.address..<spec.address + spec.size, with: bytes)
    }

    /// Test set-up: sets a register directly, as if the motor had always had it.
    /// Setting Present_Position moves the motor there (in the present frame).
    mutating func setValue(_ value: Int64, of register: Register, now: UInt64) {
        advance(to: now)
        if register == .presentPosition {
            mechanics.place(at: actual(fromPresent: Double(value)), now: now)
        } else {
            store(value, in: register)
        }
        tellShaft(now: now)
    }

    /// Puts the motor as `pirl-robot calibrate` leaves it with `joint`: the Homing_Offset, the
    /// range as Min/Max_Position_Limit, the drive mode in Drive_Mode bit 0 where the model has
    /// that register (Feetech keeps it in software only); then at rest in the middle of the range,
    /// goal included, so a client's first torque-on holds it there. A shaft that cannot be
    /// moved by hand (a twin joint) stays where it is, and that becomes the goal.
    mutating func calibrate(as joint: JointCalibration, now: UInt64) {
        store(Int64(joint.homingOffset), in: .homingOffset)
        store(Int64(joint.rangeMin), in: .minPositionLimit)
        store(Int64(joint.rangeMax), in: .maxPositionLimit)
        if let driveMode = value(of: .driveMode) { store(driveMode & ~1 | Int64(joint.driveMode & 1), in: .driveMode) }
        let middle = Double((joint.rangeMin + joint.rangeMax) / 2)
        mechanics.place(at: actual(fromPresent: middle), now: now)
        holdWhereItStands(now: now)
    }

    /// Whether the motor sends a status packet for `instruction` (Feetech
    /// Response_Status_Level, Dynamixel Status Return Level).
    func answers(_ instruction: Instruction) -> Bool {
        let isRead = instruction == .ping || instruction == .read || instruction == .syncRead
            || instruction == .bulkRead
        if isFeetech { return isRead || value(of: .responseStatusLevel) ?? 1 != 0 }
        switch memory[Self.dynamixelStatusReturnLevelAddress] {
        case 0: return instruction == .ping
        case 1: return isRead
        default: return true
        }
    }

    /// `length` bytes from `address`, or nil (Dynamixel data range error) past the table.
    /// Feetech servos answer zeros for unmapped addresses.
    func read(address: Int, length: Int) -> [UInt8]? {
        guard address >= 0, length >= 0 else { return nil }
        if address + length <= memory.count { return Array(memory[address..<address + length]) }
        guard isFeetech else { return nil }
        return (address..<address + length).map { $0 < memory.count ? memory[$0] : 0 }
    }

    /// Applies a WRITE or SYNC WRITE and returns the status error byte to answer with.
    ///
    /// Feetech: read-only bytes are ignored, EEPROM bytes are ignored while Lock ≠ 0
    /// (the real servo keeps them only until the next power cycle, so a locked write
    /// never persists; the virtual motor shows that outcome at once), goals are clamped
    /// to the angle limits. Dynamixel: the whole write is refused with an access error
    /// when it touches a read-only register or EEPROM while torque is on, a data range
    /// error past the table, a data limit error for a goal outside the position limits
    /// in position mode (3).
    mutating func write(address: Int, data: ArraySlice<UInt8>, now: UInt64) -> UInt8 {
        advance(to: now)
        let end = address + data.count
        if isFeetech {
            let locked = value(of: .lock) ?? 0 != 0
            for (offset, byte) in data.enumerated() {
                let at = address + offset
                guard at < memory.count, let spec = specAtAddress[at], spec.writable else { continue }
                if locked && at < eepromEnd { continue }
                memory[at] = byte
            }
            clampFeetechGoal()
        } else {
            guard address >= 0, end <= memory.count else { return DynamixelCodec.InstructionError.dataRange.rawValue }
            for at in address..<end {
                if let spec = specAtAddress[at], !spec.writable { return DynamixelCodec.InstructionError.access.rawValue }
                if at < eepromEnd && torqueEnabled { return DynamixelCodec.InstructionError.access.rawValue }
            }
            var proposed = memory
            proposed.replaceSubrange(address..<end, with: data)
            if let goal = table.registers[.goalPosition], value(of: .operatingMode) == 3,
               (address..<end).overlaps(goal.address..<goal.address + goal.size) {
                let newGoal = goal.decode(proposed, at: goal.address)
                let limits = (value(of: .minPositionLimit) ?? 0)...(value(of: .maxPositionLimit) ?? 4095)
                if !limits.contains(newGoal) { return DynamixelCodec.InstructionError.dataLimit.rawValue }
            }
            memory = proposed
        }
        tellShaft(now: now)
        return 0
    }

    /// Position mode with real limits (min < max; 0/0 means multi-turn) clamps the goal.
    private mutating func clampFeetechGoal() {
        guard value(of: .operatingMode) == 0, let goal = value(of: .goalPosition),
              let low = value(of: .minPositionLimit), let high = value(of: .maxPositionLimit), low < high
        else { return }
        store(min(max(goal, low), high), in: .goalPosition)
    }

    /// Dynamixel REBOOT: torque off, hardware error cleared, holding where it is.
    mutating func reboot(now: UInt64) {
        advance(to: now)
        store(0, in: .torqueEnable)
        store(0, in: .hardwareErrorStatus)
        store(Int64(present(fromActual: shaft.position).rounded()), in: .goalPosition)
        tellShaft(now: now)
    }

    // MARK: Motion

    private var homingOffset: Double { Double(value(of: .homingOffset) ?? 0) }

    private func present(fromActual actual: Double) -> Double {
        isFeetech ? actual - homingOffset : actual + homingOffset
    }

    private func actual(fromPresent present: Double) -> Double {
        isFeetech ? present + homingOffset : present - homingOffset
    }

    /// The speed the motor's own register asks for, ticks per second; nil: as fast as it can.
    private var speedRegister: Double? {
        let speed = isFeetech ? Double(abs(value(of: .goalVelocity) ?? 0))
            : Double(value(of: .profileVelocity) ?? 0) * Self.dynamixelTicksPerSecondPerVelocityUnit
        return speed > 0 ? speed : nil
    }

    /// What the registers ask of the shaft now.
    private var requestedDrive: VirtualServoDrive {
        VirtualServoDrive(goal: actual(fromPresent: Double(value(of: .goalPosition) ?? 0)), torqueEnabled: torqueEnabled,
                          speedLimit: speedRegister)
    }

    /// Brings the motor to `now`: the shaft advanced, a reset arm's goal and torque taken over,
    /// the Present_* registers refreshed.
    mutating func advance(to now: UInt64) {
        shaft = mechanics.advance(to: now)
        if shaft.wasReset {
            // The twin put the arm back at rest and holds it there: so does the servo.
            store(1, in: .torqueEnable)
            holdWhereItStands(now: now)
        } else {
            refreshPresentRegisters()
        }
    }

    /// Makes where the shaft stands the goal.
    private mutating func holdWhereItStands(now: UInt64) {
        shaft = mechanics.advance(to: now)
        store(Int64(present(fromActual: shaft.position).rounded()), in: .goalPosition)
        tellShaft(now: now)
    }

    /// Tells the shaft what the registers now ask when that changed, then advances.
    private mutating func tellShaft(now: UInt64) {
        let requested = requestedDrive
        if requested != drive {
            mechanics.follow(requested, at: now)
            drive = requested
        }
        advance(to: now)
    }

    /// Writes position, velocity, load, current and Moving from the shaft.
    private mutating func refreshPresentRegisters() {
        store(Int64(present(fromActual: shaft.position).rounded()), in: .presentPosition)
        let velocity = shaft.velocity, load = min(1000, max(-1000, shaft.load))
        if isFeetech {
            store(Int64(velocity.rounded()), in: .presentVelocity)
            store(Int64(load.rounded()), in: .presentLoad)
            store(Int64((abs(load) / 4).rounded()), in: .presentCurrent)  // 6.5 mA units
        } else {
            store(Int64((velocity / Self.dynamixelTicksPerSecondPerVelocityUnit).rounded()), in: .presentVelocity)
            store(Int64(load.rounded()), in: .presentLoad)  // XL430: 0.1 % units
            store(Int64((load * 1.75).rounded()), in: .presentCurrent)  // XL330: mA, 1.75 A at full load
        }
        store(shaft.isMoving ? 1 : 0, in: .moving)
    }
}
