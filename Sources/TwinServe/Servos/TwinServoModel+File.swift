import Foundation
import RobotIO
import Yams

/// `--servo-model FILE`: YAML, every key optional, unknown keys refused by name.
///
/// ```yaml
/// arm: {kp: 60, damping: 1.0, armature: 0.03, friction: 0.05, torque_limit: 2.94}
/// gripper: {kp: 300, damping: 60, armature: 0.01, friction: 0, force_limit: 10}
/// joints: {shoulder_lift: {kp: 80}}   # one arm joint's own values, over `arm`
/// speed_limit: 3000        # ticks/s; 0 or absent: none
/// moving_threshold: 10     # ticks/s
/// return_delay_us: 0
/// latency_ms: 0
/// ```
extension TwinServoModel {
    /// The file's model, over the defaults (``so101``).
    public static func load(from path: String) throws(TwinServeError) -> TwinServoModel {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .invalidOption("--servo-model \(path): cannot read it (\((error as NSError).localizedDescription))")
        }
        return try TwinServoModel(yaml: text, source: path)
    }

    /// Parses `text` (YAML) over the defaults; `source` names it in errors.
    public init(yaml text: String, source: String = "<yaml>") throws(TwinServeError) {
        func bad(_ problem: String) -> TwinServeError { .invalidOption("--servo-model \(source): \(problem)") }
        let document: Any?
        do { document = try Yams.load(yaml: text) } catch { throw bad("not YAML (\(error))") }
        self = .so101
        guard let document else { return }  // an empty file: the defaults
        let top = try Self.mapping(document, at: "the top level", bad)
        try Self.refuseUnknown(top, known: Self.topKeys, at: nil, bad)
        func section(_ value: Any?, at place: String) throws(TwinServeError) -> [String: Any] {
            guard let value else { return [:] }
            return try Self.mapping(value, at: place, bad)
        }
        let arm = try section(top["arm"], at: "arm")
        try Self.refuseUnknown(arm, known: Self.armKeys, at: "arm", bad)
        let armLoop = try Self.loop(arm, over: loops[0], at: "arm", forceKey: "torque_limit", bad)
        let joints = try section(top["joints"], at: "joints")
        let armNames = RobotSpec.so101.jointNames.dropLast()
        for name in joints.keys where !armNames.contains(name) {
            throw bad("unknown joint 'joints.\(name)' (arm joints: \(armNames.joined(separator: ", ")); the jaw is `gripper`)")
        }
        for (index, name) in armNames.enumerated() {
            let own = try section(joints[name], at: "joints.\(name)")
            try Self.refuseUnknown(own, known: Self.armKeys, at: "joints.\(name)", bad)
            loops[index] = try Self.loop(own, over: armLoop, at: "joints.\(name)", forceKey: "torque_limit", bad)
        }
        let jaw = try section(top["gripper"], at: "gripper")
        try Self.refuseUnknown(jaw, known: Self.jawKeys, at: "gripper", bad)
        loops[5] = try Self.loop(jaw, over: loops[5], at: "gripper", forceKey: "force_limit", bad)
        if let value = top["speed_limit"] {
            let speed = try Self.number(value, at: "speed_limit", atLeast: 0, bad)
            speedLimitTicksPerSecond = speed > 0 ? speed : nil
        }
        if let value = top["moving_threshold"] {
            movingThresholdTicksPerSecond = try Self.number(value, at: "moving_threshold", atLeast: 0, bad)
        }
        if let value = top["return_delay_us"] {
            // Return_Delay_Time counts 2 µs steps in one byte: 0…508 µs.
            let delay = try Self.number(value, at: "return_delay_us", atLeast: 0, bad)
            guard delay <= 508, delay == delay.rounded() else { throw bad("return_delay_us must be a whole number of µs in 0…508, got \(value)") }
            returnDelayMicroseconds = Int(delay)
        }
        if let value = top["latency_ms"] {
            latencyMilliseconds = try Self.number(value, at: "latency_ms", atLeast: 0, bad)
            guard latencyMilliseconds <= 500 else { throw bad("latency_ms must be at most 500, got \(value)") }
        }
    }

    private static let topKeys = ["arm", "gripper", "joints", "speed_limit", "moving_threshold", "return_delay_us", "latency_ms"]
    private static let armKeys = ["kp", "damping", "armature", "friction", "torque_limit"]
    private static let jawKeys = ["kp", "damping", "armature", "friction", "force_limit"]

    private static func mapping(_ value: Any, at place: String, _ bad: (String) -> TwinServeError) throws(TwinServeError) -> [String: Any] {
        if let map = value as? [String: Any] { return map }
        if let map = value as? [AnyHashable: Any] {
            return Dictionary(uniqueKeysWithValues: map.map { ("\($0.key)", $0.value) })
        }
        throw bad("\(place) must be a mapping of keys to values, got \(value)")
    }

    private static func refuseUnknown(_ map: [String: Any], known: [String], at place: String?,
                                      _ bad: (String) -> TwinServeError) throws(TwinServeError) {
        for key in map.keys.sorted() where !known.contains(key) {
            throw bad("unknown key '\(place.map { "\($0)." } ?? "")\(key)' (known: \(known.joined(separator: ", ")))")
        }
    }

    private static func number(_ value: Any, at place: String, atLeast lower: Double,
                               _ bad: (String) -> TwinServeError) throws(TwinServeError) -> Double {
        let number: Double? = switch value {
        case let v as Int: Double(v)
        case let v as Double: v
        default: nil
        }
        guard let number, number.isFinite, number >= lower else {
            throw bad("\(place) must be a number ≥ \(lower == 0 ? "0" : "\(lower)"), got \(value)")
        }
        return number
    }

    private static func loop(_ map: [String: Any], over base: Loop, at place: String, forceKey: String,
                             _ bad: (String) -> TwinServeError) throws(TwinServeError) -> Loop {
        var loop = base
        func value(_ key: String, positive: Bool = false) throws(TwinServeError) -> Double? {
            guard let raw = map[key] else { return nil }
            let number = try number(raw, at: "\(place).\(key)", atLeast: 0, bad)
            if positive && number == 0 { throw bad("\(place).\(key) must be positive, got \(raw)") }
            return number
        }
        if let v = try value("kp", positive: true) { loop.kp = v }
        if let v = try value("damping") { loop.damping = v }
        if let v = try value("armature") { loop.armature = v }
        if let v = try value("friction") { loop.friction = v }
        if let v = try value(forceKey, positive: true) { loop.forceLimit = v }
        return loop
    }
}
