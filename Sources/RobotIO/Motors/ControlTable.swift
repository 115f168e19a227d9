/// A motor family's register map ("register maps are data", docs/design/style.md).
/// Addresses from the Feetech STS3215 and ROBOTIS X-series e-manuals, as
/// summarised in docs/design/servo-buses.md and LeRobot's `motors/*/tables.py`.
public struct ControlTable: Sendable {
    /// Human-readable family name.
    public var name: String
    /// Register → spec.
    public var registers: [Register: RegisterSpec]
    /// The register that must be 0 for EEPROM writes to persist (Feetech Lock, 55).
    public var eepromLock: Register?
    /// Total size of the table in bytes (the virtual bus allocates this much memory).
    public var size: Int

    /// The spec of `register`, or an error naming the table when it has none.
    public func spec(_ register: Register) throws(ControlTableError) -> RegisterSpec {
        guard let spec = registers[register] else {
            throw .unknownRegister(register, table: name, known: registers.keys.map(\.rawValue).sorted())
        }
        return spec
    }
}

/// A register the motor model does not have.
public enum ControlTableError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownRegister(Register, table: String, known: [String])

    public var description: String {
        switch self {
        case let .unknownRegister(register, table, known):
            "\(table) has no register \(register.rawValue); it has: \(known.joined(separator: ", "))"
        }
    }
}

extension ControlTable {
    /// Feetech STS3215: little-endian, sign–magnitude per register
    /// (homing offset bit 11, positions and speeds bit 15, load bit 10).
    public static let sts3215: ControlTable = {
        func e(_ a: Int, _ s: Int, _ enc: ValueEncoding = .unsigned) -> RegisterSpec {
            RegisterSpec(address: a, size: s, encoding: enc, memory: .eeprom)
        }
        func r(_ a: Int, _ s: Int, _ enc: ValueEncoding = .unsigned, writable: Bool = true) -> RegisterSpec {
            RegisterSpec(address: a, size: s, encoding: enc, writable: writable, memory: .ram)
        }
        var ro = e(0, 1); ro.writable = false
        var model = e(3, 2); model.writable = false
        var minor = e(1, 1); minor.writable = false
        return ControlTable(
            name: "STS3215",
            registers: [
                .firmwareMajorVersion: ro,
                .firmwareMinorVersion: minor,
                .modelNumber: model,
                .id: e(5, 1),
                .baudRate: e(6, 1),
                .returnDelayTime: e(7, 1),
                .responseStatusLevel: e(8, 1),
                .minPositionLimit: e(9, 2),
                .maxPositionLimit: e(11, 2),
                .maxTemperatureLimit: e(13, 1),
                .maxVoltageLimit: e(14, 1),
                .minVoltageLimit: e(15, 1),
                .maxTorqueLimit: e(16, 2),
                .pCoefficient: e(21, 1),
                .dCoefficient: e(22, 1),
                .iCoefficient: e(23, 1),
                .protectionCurrent: e(28, 2),
                .homingOffset: e(31, 2, .signMagnitude(signBit: 11)),
                .operatingMode: e(33, 1),
                .overloadTorque: e(36, 1),
                .torqueEnable: r(40, 1),
                .acceleration: r(41, 1),
                .goalPosition: r(42, 2, .signMagnitude(signBit: 15)),
                .goalTime: r(44, 2),
                .goalVelocity: r(46, 2, .signMagnitude(signBit: 15)),
                .torqueLimit: r(48, 2),
                .lock: r(55, 1),
                .presentPosition: r(56, 2, .signMagnitude(signBit: 15), writable: false),
                .presentVelocity: r(58, 2, .signMagnitude(signBit: 15), writable: false),
                .presentLoad: r(60, 2, .signMagnitude(signBit: 10), writable: false),
                .presentVoltage: r(62, 1, writable: false),
                .presentTemperature: r(63, 1, writable: false),
                .moving: r(66, 1, writable: false),
                .presentCurrent: r(69, 2, .signMagnitude(signBit: 15), writable: false),
            ],
            eepromLock: .lock,
            size: 86)
    }()

    /// The X-series registers XL330 and XL430 share (two's complement, LE).
    private static func xSeries(name: String, extra: [Register: RegisterSpec]) -> ControlTable {
        func e(_ a: Int, _ s: Int, writable: Bool = true) -> RegisterSpec {
            RegisterSpec(address: a, size: s, encoding: .twosComplement, writable: writable, memory: .eeprom)
        }
        func r(_ a: Int, _ s: Int, writable: Bool = true) -> RegisterSpec {
            RegisterSpec(address: a, size: s, encoding: .twosComplement, writable: writable, memory: .ram)
        }
        var registers: [Register: RegisterSpec] = [
            .modelNumber: e(0, 2, writable: false),
            .firmwareVersion: e(6, 1, writable: false),
            .id: e(7, 1),
            .baudRate: e(8, 1),
            .returnDelayTime: e(9, 1),
            .driveMode: e(10, 1),
            .operatingMode: e(11, 1),
            .homingOffset: e(20, 4),
            .maxTemperatureLimit: e(31, 1),
            .maxVoltageLimit: e(32, 2),
            .minVoltageLimit: e(34, 2),
            .velocityLimit: e(44, 4),
            .maxPositionLimit: e(48, 4),
            .minPositionLimit: e(52, 4),
            .torqueEnable: r(64, 1),
            .led: r(65, 1),
            .hardwareErrorStatus: r(70, 1, writable: false),
            .velocityIGain: r(76, 2),
            .velocityPGain: r(78, 2),
            .positionDGain: r(80, 2),
            .positionIGain: r(82, 2),
            .positionPGain: r(84, 2),
            .goalVelocity: r(104, 4),
            .profileAcceleration: r(108, 4),
            .profileVelocity: r(112, 4),
            .goalPosition: r(116, 4),
            .moving: r(122, 1, writable: false),
            .presentVelocity: r(128, 4, writable: false),
            .presentPosition: r(132, 4, writable: false),
            .presentVoltage: r(144, 2, writable: false),
            .presentTemperature: r(146, 1, writable: false),
        ]
        registers.merge(extra) { _, new in new }
        // Unsigned registers in the X-series table.
        for reg in [Register.modelNumber, .firmwareVersion, .id, .baudRate, .returnDelayTime, .driveMode,
                    .operatingMode, .maxTemperatureLimit, .maxVoltageLimit, .minVoltageLimit, .torqueEnable,
                    .led, .hardwareErrorStatus, .moving, .presentVoltage, .presentTemperature] {
            registers[reg]?.encoding = .unsigned
        }
        return ControlTable(name: name, registers: registers, eepromLock: nil, size: 147)
    }

    /// XL330-M288 / XL330-M077 (current-based; has Current_Limit and Goal_Current).
    public static let xl330 = xSeries(name: "XL330", extra: [
        .currentLimit: RegisterSpec(address: 38, size: 2, encoding: .unsigned, memory: .eeprom),
        .goalCurrent: RegisterSpec(address: 102, size: 2, encoding: .twosComplement, memory: .ram),
        .presentCurrent: RegisterSpec(address: 126, size: 2, encoding: .twosComplement, writable: false, memory: .ram),
    ])

    /// XL430-W250 (no current sensing: address 126 is Present_Load).
    public static let xl430 = xSeries(name: "XL430", extra: [
        .presentLoad: RegisterSpec(address: 126, size: 2, encoding: .twosComplement, writable: false, memory: .ram),
    ])
}
