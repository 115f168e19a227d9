import SimTrainer

/// `environment.randomization`: changes to the simulator's default domain randomization
/// (``SimTrainer/DomainRandomization``), key by key; an omitted key keeps the default. A camera
/// policy that must hold up in a darker room trains with e.g. `brightness: 0.5`.
public struct RandomizationSettings: Codable, Sendable, Equatable {
    public var colorJitter: Double?, lightScale: Double?, brightness: Double?, lightShift: Double?
    public var cameraShift: Double?, cameraTilt: Double?, maxActionLatency: Int?, stateNoise: Double?, pixelNoise: Int?
    public var exposureGain: Double?, whiteBalance: Double?, blur: Double?, jpegMinQuality: Int?, jpegMaxQuality: Int?
    public var textureProbability: Double?

    /// No change.
    public init() {}

    /// Whether every key is omitted.
    public var isEmpty: Bool { self == RandomizationSettings() }

    /// `base` with the given keys replaced.
    public func applied(to base: DomainRandomization) -> DomainRandomization {
        var r = base
        if let colorJitter { r.colorJitter = colorJitter }
        if let lightScale { r.lightScale = lightScale }
        if let brightness { r.brightness = brightness }
        if let lightShift { r.lightShift = lightShift }
        if let cameraShift { r.cameraShift = cameraShift }
        if let cameraTilt { r.cameraTilt = cameraTilt }
        if let maxActionLatency { r.maxActionLatency = maxActionLatency }
        if let stateNoise { r.stateNoise = stateNoise }
        if let pixelNoise { r.pixelNoise = pixelNoise }
        if let exposureGain { r.exposureGain = exposureGain }
        if let whiteBalance { r.whiteBalance = whiteBalance }
        if let blur { r.blur = blur }
        if let jpegMinQuality { r.jpegMinQuality = jpegMinQuality }
        if let jpegMaxQuality { r.jpegMaxQuality = jpegMaxQuality }
        if let textureProbability { r.textureProbability = textureProbability }
        return r
    }

    /// Decodes the keys present; an unknown key is an error naming it.
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownConfigKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        colorJitter = try c.decodeIfPresent(Double.self, forKey: .colorJitter)
        lightScale = try c.decodeIfPresent(Double.self, forKey: .lightScale)
        brightness = try c.decodeIfPresent(Double.self, forKey: .brightness)
        lightShift = try c.decodeIfPresent(Double.self, forKey: .lightShift)
        cameraShift = try c.decodeIfPresent(Double.self, forKey: .cameraShift)
        cameraTilt = try c.decodeIfPresent(Double.self, forKey: .cameraTilt)
        maxActionLatency = try c.decodeIfPresent(Int.self, forKey: .maxActionLatency)
        stateNoise = try c.decodeIfPresent(Double.self, forKey: .stateNoise)
        pixelNoise = try c.decodeIfPresent(Int.self, forKey: .pixelNoise)
        exposureGain = try c.decodeIfPresent(Double.self, forKey: .exposureGain)
        whiteBalance = try c.decodeIfPresent(Double.self, forKey: .whiteBalance)
        blur = try c.decodeIfPresent(Double.self, forKey: .blur)
        jpegMinQuality = try c.decodeIfPresent(Int.self, forKey: .jpegMinQuality)
        jpegMaxQuality = try c.decodeIfPresent(Int.self, forKey: .jpegMaxQuality)
        textureProbability = try c.decodeIfPresent(Double.self, forKey: .textureProbability)
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
        let pairs: [(String, (any Sendable)?)] = [
            ("colorJitter", colorJitter), ("lightScale", lightScale), ("brightness", brightness), ("lightShift", lightShift),
            ("cameraShift", cameraShift), ("cameraTilt", cameraTilt), ("maxActionLatency", maxActionLatency),
            ("stateNoise", stateNoise), ("pixelNoise", pixelNoise), ("exposureGain", exposureGain),
            ("whiteBalance", whiteBalance), ("blur", blur), ("jpegMinQuality", jpegMinQuality), ("jpegMaxQuality", jpegMaxQuality),
            ("textureProbability", textureProbability)]
        return "{" + pairs.compactMap { key, value in value.map { "\(key): \($0)" } }.joined(separator: ", ") + "}"
    }
}
