/// The servo models pirl-robot knows, with the facts drivers need.
public enum MotorModel: String, Sendable, CaseIterable, Codable, Hashable {
    /// Feetech STS3215 (SO-100 / SO-101), model number 777.
    case sts3215 = "sts3215"
    /// Dynamixel XL330-M288-T (Koch follower joints 3–6), model number 1200.
    case xl330m288 = "xl330-m288"
    /// Dynamixel XL330-M077-T, model number 1190.
    case xl330m077 = "xl330-m077"
    /// Dynamixel XL430-W250-T (Koch follower joints 1–2), model number 1060.
    case xl430w250 = "xl430-w250"

    /// The bus protocol this model speaks.
    public var servoProtocol: ServoProtocol {
        self == .sts3215 ? .feetech : .dynamixel
    }

    /// The number stored in the Model_Number register.
    public var modelNumber: Int {
        switch self {
        case .sts3215: 777
        case .xl330m288: 1200
        case .xl330m077: 1190
        case .xl430w250: 1060
        }
    }

    /// Encoder resolution: ticks per full turn.
    public var ticksPerTurn: Int { 4096 }

    /// The model's control table.
    public var controlTable: ControlTable {
        switch self {
        case .sts3215: .sts3215
        case .xl330m288, .xl330m077: .xl330
        case .xl430w250: .xl430
        }
    }

    /// The model with this model number on this protocol, if known.
    public init?(modelNumber: Int, servoProtocol: ServoProtocol) {
        guard let m = MotorModel.allCases.first(where: {
            $0.modelNumber == modelNumber && $0.servoProtocol == servoProtocol
        }) else { return nil }
        self = m
    }

    /// Baud rates by the value of the Baud_Rate register.
    public var baudRateTable: [Int: Int] {
        switch servoProtocol {
        case .feetech:
            [0: 1_000_000, 1: 500_000, 2: 250_000, 3: 128_000, 4: 115_200, 5: 57_600, 6: 38_400, 7: 19_200]
        case .dynamixel:
            [0: 9_600, 1: 57_600, 2: 115_200, 3: 1_000_000, 4: 2_000_000, 5: 3_000_000, 6: 4_000_000]
        }
    }
}
