import SimTrainer

/// `environment.randomization`: changes to the simulator's default domain randomization
/// (``SimTrainer/DomainRandomization``), key by key; an omitted key keeps the default. A camera
/// policy that must hold up in a darker room trains with e.g. `brightness: 0.5`.
public struct RandomizationSettings: Codable, Sendable, Equatable {
    public var colorJitter: Double?, lightScale: Double?, brightness: Double?, lightShift: Double?
    public var cameraShift: Double?, cameraTilt: Double?, maxActionLatency: Int?, stateNoise: Double?, pixelNoise: Int?
    public var exposureGain: Double?, whiteBalance: Double?, blur: Double?, jpegMinQuality: Int?, jpegMaxQuality: Int?
    public var textureProbability: Double?

    /// One key: its name, the setting here and the field of ``DomainRandomization`` it replaces.
    private struct Key<Value: Codable & Sendable>: Sendable {
        let name: String
        let setting: WritableKeyPath<RandomizationSettings, Value?> & Sendable
        let field: WritableKeyPath<DomainRandomization, Value> & Sendable
    }

    private static let reals: [Key<Double>] = [
        Key(name: "colorJitter", setting: \.colorJitter, field: \.colorJitter),
        Key(name: "lightScale", setting: \.lightScale, field: \.lightScale),
        Key(name: "brightness", setting: \.brightness, field: \.brightness),
        Key(name: "lightShift", setting: \.lightShift, field: \.lightShift),
        Key(name: "cameraShift", setting: \.cameraShift, field: \.cameraShift),
        Key(name: "cameraTilt", setting: \.cameraTilt, field: \.cameraTilt),
        Key(name: "stateNoise", setting: \.stateNoise, field: \.stateNoise),
        Key(name: "exposureGain", setting: \.exposureGain, field: \.exposureGain),
        Key(name: "whiteBalance", setting: \.whiteBalance, field: \.whiteBalance),
        Key(name: "blur", setting: \.blur, field: \.blur),
        Key(name: "textureProbability", setting: \.textureProbability, field: \.textureProbability),
    ]
    private static let integers: [Key<Int>] = [
        Key(name: "maxActionLatency", setting: \.maxActionLatency, field: \.maxActionLatency),
        Key(name: "pixelNoise", setting: \.pixelNoise, field: \.pixelNoise),
        Key(name: "jpegMinQuality", setting: \.jpegMinQuality, field: \.jpegMinQuality),
        Key(name: "jpegMaxQuality", setting: \.jpegMaxQuality, field: \.jpegMaxQuality),
    ]

    /// No change.
    public init() {}

    /// Whether every key is omitted.
    public var isEmpty: Bool { self == RandomizationSettings() }

    /// `base` with the given keys replaced.
    public func applied(to base: DomainRandomization) -> DomainRandomization {
        var r = base
        for key in Self.reals { if let value = self[keyPath: key.setting] { r[keyPath: key.field] = value } }
        for key in Self.integers { if let value = self[keyPath: key.setting] { r[keyPath: key.field] = value } }
        return r
    }

    /// Decodes the keys present; an unknown key is an error naming it.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: AnyConfigKey.self)
        for key in Self.reals { self[keyPath: key.setting] = try c.decodeIfPresent(Double.self, forKey: AnyConfigKey(stringValue: key.name)) }
        for key in Self.integers { self[keyPath: key.setting] = try c.decodeIfPresent(Int.self, forKey: AnyConfigKey(stringValue: key.name)) }
    }

    /// Checks the result against the simulator's own rules, as `environment.randomization`.
    func validate() throws(ConfigError) {
        do { try applied(to: DomainRandomization()).validate() } catch {
            let rule: String
            if case .invalidConfiguration(let what) = error { rule = "valid (\(what))" } else { rule = "valid (\(error))" }
            throw ConfigError(field: "environment.randomization", value: yaml, rule: rule)
        }
    }

    /// The keys given, as a YAML flow mapping.
    var yaml: String {
        let given = Self.reals.compactMap { key in self[keyPath: key.setting].map { "\(key.name): \($0)" } }
            + Self.integers.compactMap { key in self[keyPath: key.setting].map { "\(key.name): \($0)" } }
        return "{" + given.joined(separator: ", ") + "}"
    }
}
