/// A control-table register, named as in LeRobot's tables so users coming from
/// LeRobot type the same names (`motors write 1 Goal_Position 2048`).
/// Which registers exist, and where, depends on the motor model: see `ControlTable`.
public enum Register: String, Sendable, CaseIterable, Codable, Hashable {
    case firmwareMajorVersion = "Firmware_Major_Version"
    case firmwareMinorVersion = "Firmware_Minor_Version"
    case firmwareVersion = "Firmware_Version"
    case modelNumber = "Model_Number"
    case id = "ID"
    case baudRate = "Baud_Rate"
    case returnDelayTime = "Return_Delay_Time"
    case responseStatusLevel = "Response_Status_Level"
    case driveMode = "Drive_Mode"
    case operatingMode = "Operating_Mode"
    case homingOffset = "Homing_Offset"
    case minPositionLimit = "Min_Position_Limit"
    case maxPositionLimit = "Max_Position_Limit"
    case maxTemperatureLimit = "Max_Temperature_Limit"
    case maxVoltageLimit = "Max_Voltage_Limit"
    case minVoltageLimit = "Min_Voltage_Limit"
    case maxTorqueLimit = "Max_Torque_Limit"
    case currentLimit = "Current_Limit"
    case velocityLimit = "Velocity_Limit"
    case pCoefficient = "P_Coefficient"
    case dCoefficient = "D_Coefficient"
    case iCoefficient = "I_Coefficient"
    case protectionCurrent = "Protection_Current"
    case overloadTorque = "Overload_Torque"
    case torqueEnable = "Torque_Enable"
    case led = "LED"
    case acceleration = "Acceleration"
    case goalPosition = "Goal_Position"
    case goalTime = "Goal_Time"
    case goalVelocity = "Goal_Velocity"
    case goalCurrent = "Goal_Current"
    case torqueLimit = "Torque_Limit"
    case lock = "Lock"
    case hardwareErrorStatus = "Hardware_Error_Status"
    case velocityIGain = "Velocity_I_Gain"
    case velocityPGain = "Velocity_P_Gain"
    case positionDGain = "Position_D_Gain"
    case positionIGain = "Position_I_Gain"
    case positionPGain = "Position_P_Gain"
    case profileAcceleration = "Profile_Acceleration"
    case profileVelocity = "Profile_Velocity"
    case moving = "Moving"
    case presentPosition = "Present_Position"
    case presentVelocity = "Present_Velocity"
    case presentLoad = "Present_Load"
    case presentCurrent = "Present_Current"
    case presentVoltage = "Present_Voltage"
    case presentTemperature = "Present_Temperature"

    /// Parses a register name as users type it: `Goal_Position`, `goal_position`,
    /// `goalPosition` or `goal-position`.
    public init?(userName: String) {
        let key = userName.lowercased().filter { $0 != "_" && $0 != "-" }
        guard let match = Register.allCases.first(where: {
            $0.rawValue.lowercased().filter { $0 != "_" } == key
        }) else { return nil }
        self = match
    }
}

/// How a register's bytes map to an integer.
public enum ValueEncoding: Sendable, Hashable {
    /// Plain unsigned.
    case unsigned
    /// Sign–magnitude with the sign in bit `signBit` (Feetech: −5 as a
    /// position is 0x8005, as a homing offset 0x0805).
    case signMagnitude(signBit: Int)
    /// Two's complement over the register width (Dynamixel).
    case twosComplement
}

/// Whether a register lives in EEPROM (persistent, guarded) or RAM.
public enum RegisterMemory: Sendable, Hashable {
    case eeprom
    case ram
}

/// One register's place in a control table.
public struct RegisterSpec: Sendable, Hashable {
    /// Byte address in the control table.
    public var address: Int
    /// Width in bytes (1, 2 or 4).
    public var size: Int
    /// How the raw bytes map to a signed integer.
    public var encoding: ValueEncoding
    /// False for read-only registers (present values, model number).
    public var writable: Bool
    /// EEPROM or RAM.
    public var memory: RegisterMemory

    /// Creates a register spec.
    public init(address: Int, size: Int, encoding: ValueEncoding = .unsigned, writable: Bool = true,
                memory: RegisterMemory) {
        self.address = address
        self.size = size
        self.encoding = encoding
        self.writable = writable
        self.memory = memory
    }

    /// The smallest and largest integer this register can hold.
    public var representableRange: ClosedRange<Int64> {
        switch encoding {
        case .unsigned: return 0...(Int64(1) << (8 * size)) - 1
        case .twosComplement: return -(Int64(1) << (8 * size - 1))...(Int64(1) << (8 * size - 1)) - 1
        case .signMagnitude(let bit): let m = (Int64(1) << bit) - 1; return -m...m
        }
    }

    /// Encodes `value` little-endian into `size` bytes appended to `out`.
    /// - Throws: `RegisterValueError.outOfRange` when the value does not fit.
    public func encode(_ value: Int64, into out: inout [UInt8]) throws(RegisterValueError) {
        guard representableRange.contains(value) else {
            throw .outOfRange(value: value, range: representableRange)
        }
        var raw: UInt64
        switch encoding {
        case .unsigned: raw = UInt64(value)
        case .twosComplement: raw = UInt64(bitPattern: value) & (size == 8 ? ~0 : (UInt64(1) << (8 * size)) - 1)
        case .signMagnitude(let bit): raw = UInt64(value.magnitude) | (value < 0 ? UInt64(1) << bit : 0)
        }
        for _ in 0..<size {
            out.append(UInt8(truncatingIfNeeded: raw))
            raw >>= 8
        }
    }

    /// Decodes `size` little-endian bytes starting at `index`.
    public func decode(_ bytes: [UInt8], at index: Int) -> Int64 {
        var raw: UInt64 = 0
        for k in stride(from: size - 1, through: 0, by: -1) { raw = raw << 8 | UInt64(bytes[index + k]) }
        switch encoding {
        case .unsigned:
            return Int64(raw)
        case .twosComplement:
            let shift = 64 - 8 * size
            return Int64(bitPattern: raw << shift) >> shift
        case .signMagnitude(let bit):
            let magnitude = Int64(raw & ((UInt64(1) << bit) - 1))
            return raw & (UInt64(1) << bit) != 0 ? -magnitude : magnitude
        }
    }
}

/// A value that does not fit its register.
public enum RegisterValueError: Error, Sendable, Equatable, CustomStringConvertible {
    case outOfRange(value: Int64, range: ClosedRange<Int64>)

    public var description: String {
        switch self {
        case let .outOfRange(value, range):
            "value \(value) does not fit the register (allowed \(range.lowerBound)…\(range.upperBound))"
        }
    }
}
