/// A camera fault planned for a served twin run: `--camera-stall front@5+2` stalls the
/// front camera 5 s after start for 2 s; `--camera-unplug wrist@8+1.5` pulls the wrist
/// camera at 8 s and plugs it back in 1.5 s later.
public struct CameraFault: Sendable, Equatable {
    /// What happens.
    public enum Kind: String, Sendable {
        /// No new frames for the duration.
        case stall
        /// Unplugged for the duration, then plugged back in.
        case unplug
    }

    public var kind: Kind
    /// The camera's name ("front", "wrist").
    public var camera: String
    /// Seconds after start.
    public var start: Double
    /// How long it lasts (s).
    public var duration: Double

    public init(kind: Kind, camera: String, start: Double, duration: Double) {
        self.kind = kind
        self.camera = camera
        self.start = start
        self.duration = duration
    }

    /// Parses `NAME@START+SECONDS`; nil when malformed or negative.
    public init?(kind: Kind, argument: String) {
        let named = argument.split(separator: "@", maxSplits: 1).map(String.init)
        guard named.count == 2, !named[0].isEmpty else { return nil }
        let times = named[1].split(separator: "+", maxSplits: 1).map { Double($0) }
        guard times.count == 2, let start = times[0], let duration = times[1], start >= 0, duration > 0 else { return nil }
        self.init(kind: kind, camera: named[0], start: start, duration: duration)
    }
}

/// The run's planned camera faults, applied as time passes.
public struct CameraFaultSchedule: Sendable {
    /// A step of the plan: at `time`, do `action` to `camera`.
    enum Action: Sendable { case stall(Double), unplug, replug }
    private var steps: [(time: Double, camera: String, action: Action)]

    /// The plan for `faults`.
    public init(_ faults: [CameraFault]) {
        var steps: [(time: Double, camera: String, action: Action)] = []
        for fault in faults {
            switch fault.kind {
            case .stall: steps.append((fault.start, fault.camera, .stall(fault.duration)))
            case .unplug:
                steps.append((fault.start, fault.camera, .unplug))
                steps.append((fault.start + fault.duration, fault.camera, .replug))
            }
        }
        self.steps = steps.sorted { $0.time < $1.time }
    }

    /// Applies every step due by `elapsed` seconds to the publisher of its camera and
    /// returns what was done, one line each ("front: stalled for 2.0 s").
    public mutating func apply(at elapsed: Double, to publishers: [TwinCameraPublisher]) throws(TwinServeError) -> [String] {
        var done: [String] = []
        while let step = steps.first, step.time <= elapsed {
            steps.removeFirst()
            guard let publisher = publishers.first(where: { $0.camera.name == step.camera }) else { continue }
            switch step.action {
            case let .stall(seconds):
                publisher.stall(seconds: seconds)
                done.append("\(step.camera): stalled for \(seconds) s")
            case .unplug:
                publisher.unplug()
                done.append("\(step.camera): unplugged")
            case .replug:
                try publisher.replug()
                done.append("\(step.camera): plugged back in")
            }
        }
        return done
    }
}
