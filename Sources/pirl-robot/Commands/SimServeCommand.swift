import ArgumentParser
import Dispatch
import Foundation
import RobotIO
import SimTrainer
import Synchronization
import TwinServe

extension PirlRobot.Sim {
    /// `pirl-robot sim serve`: the twin in real time behind V4L2 cameras and a Feetech servo bus.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the MuJoCo twin in wall-clock real time behind V4L2 cameras and a servo bus, episode after episode.",
            discussion: """
                The twin steps its physics at 500 Hz with the wall clock, whatever its clients do. Each \
                camera is rendered at its native size at --camera-fps, MJPEG-encoded and published under \
                --cameras: `run --camera front=DIR/front --camera wrist=DIR/wrist` captures them through \
                libv4l2 with the fake camera plugin (./scripts/install-fake-camera.sh). With --link the \
                servos answer Feetech packets on a pty linked there, each motor a twin joint calibrated \
                as --calibration says (default: the same as calibration/twin_so101.json): \
                `run --port LINK --calibration FILE` drives it as it drives a real arm. When the task \
                succeeds or times out the episode is recorded (one JSON line to --results), the scene is \
                reset with the arm at rest and the next episode starts. Ctrl-C stops; a summary line ends \
                stdout. See docs/sim-serve.md.
                """)

        @Option(help: "Robot: the twin is an SO-101 (so101).")
        var robot = "so101"

        @Option(help: "Task: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var task: TaskKind = .place

        @Option(help: "Pick-and-place suite split: train or heldout.")
        var split: SuiteSplit = .inDistribution

        @Option(help: "Path of the servo bus link (a pty symlink) clients open as --port.")
        var link: String?

        @Option(help: "Calibration file (LeRobot format) the twin's servos are mounted and their EEPROM set by (default: as calibration/twin_so101.json).")
        var calibration: String?

        @Option(help: "YAML file of the servos' behaviour: position gain, damping, armature, friction, torque limit, top speed, Moving threshold, return delay, latency (docs/sim-serve.md).")
        var servoModel: String?

        @Flag(inversion: .prefixedNo,
              help: "With --link, start the physics and episode 0 at the client's first write on the bus.")
        var waitForClient = true

        @OptionGroup var cameraPose: CameraPoseOption

        @OptionGroup(title: "Servo bus faults (with --link)")
        var busFaults: BusFaultOptions

        @Option(help: "Folder for the camera devices (created if missing): DIR/front, DIR/wrist.")
        var cameras: String

        @Option(help: "Stop after this many finished episodes (default: until Ctrl-C).")
        var episodes: Int?

        @Option(help: "Run seed: the same seed gives the same episode setups.")
        var seed: UInt64 = 0

        @Option(help: "Append one JSON line per finished episode here.")
        var results: String?

        @Option(help: "Write each episode's instruction to this file as the episode starts (write + rename), for `run --prompt-file`.")
        var promptFile: String?

        @Option(help: "With --link: after the last episode keep the servo bus answering (the twin frozen) up to this many seconds, until the client has been quiet for 0.5 s, so it can stop cleanly (hold, torque off).")
        var linger: Double = 0

        @Option(help: "Episode time limit in seconds (default: the task's own).")
        var episodeSeconds: Double?

        @Flag(help: "Turn domain randomization off (object poses are still sampled).")
        var noRandomization = false

        @Option(help: "Frames per second of each camera.")
        var cameraFps = 30

        @Option(help: "Exposure + USB latency (ms): a frame is delivered, and timestamped, this long after the instant it shows.")
        var cameraLatencyMs = 33.0

        @Option(help: "JPEG quality of the MJPEG frames (1…100).")
        var jpegQuality = 90

        @Option(name: .customLong("camera-stall"), parsing: .singleValue,
                help: "NAME@START+SECONDS: no new frames from that camera for SECONDS, START s after start; repeatable.")
        var cameraStalls: [String] = []

        @Option(name: .customLong("camera-unplug"), parsing: .singleValue,
                help: "NAME@START+SECONDS: unplug that camera at START s for SECONDS, then plug it back in; repeatable.")
        var cameraUnplugs: [String] = []

        @Option(help: "Stop after this many seconds (default: --episodes, or Ctrl-C).")
        var duration: Double?

        func validate() throws {
            guard robot == "so101" else { throw ValidationError("the twin is an SO-101: --robot so101, got '\(robot)'") }
            if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
            if let duration, !(duration > 0) { throw ValidationError("--duration must be positive") }
            if let episodeSeconds, !(episodeSeconds > 0) { throw ValidationError("--episode-seconds must be positive") }
            guard linger >= 0 else { throw ValidationError("--linger must not be negative, got \(linger)") }
            if linger > 0 && link == nil { throw ValidationError("--linger keeps the servo bus answering: add --link PATH") }
            _ = try servoCalibration
            _ = try servoBehaviour
            if busFaults.anyFault && link == nil { throw ValidationError("the servo bus faults need the bus: add --link PATH") }
            do { try publishing.validate() } catch { throw ValidationError("\(error)") }
            let names = TwinCamera.all.map(\.name)
            for fault in try faults where !names.contains(fault.camera) {
                throw ValidationError("unknown camera '\(fault.camera)' in a camera fault; the twin's cameras: \(names.joined(separator: ", "))")
            }
        }

        /// The calibration the servos are mounted with: the file's, or the built-in twin one.
        var servoCalibration: Calibration {
            get throws {
                guard let calibration else { return TwinCalibration.so101 }
                do { return try Calibration.load(from: calibration, robot: .so101) } catch {
                    throw ValidationError("--calibration \(calibration): \(error)")
                }
            }
        }

        /// The servo model: the file's, or the twin as built.
        var servoBehaviour: TwinServoModel {
            get throws {
                guard let servoModel else { return .so101 }
                do { return try TwinServoModel.load(from: servoModel) } catch { throw CommandFailure("\(error)") }
            }
        }

        var publishing: CameraPublishingOptions {
            var options = CameraPublishingOptions()
            options.framesPerSecond = cameraFps
            options.latencyMilliseconds = cameraLatencyMs
            options.jpegQuality = jpegQuality
            return options
        }

        var faults: [CameraFault] {
            get throws {
                try cameraStalls.map { try Self.fault(.stall, $0) } + cameraUnplugs.map { try Self.fault(.unplug, $0) }
            }
        }

        private static func fault(_ kind: CameraFault.Kind, _ argument: String) throws -> CameraFault {
            guard let fault = CameraFault(kind: kind, argument: argument) else {
                throw ValidationError("--camera-\(kind.rawValue) takes NAME@START+SECONDS (e.g. front@5+2), got '\(argument)'")
            }
            return fault
        }

        func run() throws {
            // Signals first: a client may stop the twin as soon as it has announced itself.
            let stop = Atomic<Bool>(false)
            let signals = Self.onInterrupt { stop.store(true, ordering: .relaxed) }
            defer { Self.restoreSignals(signals) }
            var settings = TwinHostConfiguration(task: task)
            settings.environment.split = split
            if noRandomization { settings.environment.randomization = .none }
            settings.environment.cameraPose = try cameraPose.pose
            if let episodeSeconds { settings.environment.maxSteps = max(1, Int(episodeSeconds * settings.environment.controlRate)) }
            settings.seed = seed
            settings.episodes = episodes
            let behaviour = try servoBehaviour
            settings.servoModel = behaviour
            settings.servoCalibration = try servoCalibration
            let log = try results.map { path throws(TwinServeError) in try EpisodeResultsLog(path: path) }
            // The joint port the servo bus drives; with no bus the arm holds its rest pose.
            let board = TwinJointBoard()
            let host = try TwinHost(configuration: settings, port: board, results: log,
                                    prompts: promptFile.map(EpisodePromptFile.init(path:))) { record in
                let outcome = record.success ? "success" : record.reason.rawValue + (record.failure.map { " (\($0))" } ?? "")
                FileHandle.standardError.write(Data("sim serve: episode \(record.episode): \(outcome) after \(String(format: "%.1f", record.durationSeconds)) s\n".utf8))
            }
            let publishers = try TwinCamera.all.map { camera throws(TwinServeError) in
                try TwinCameraPublisher(camera: camera, directory: cameras, scene: host.scene, options: publishing)
            }
            defer { publishers.forEach { $0.stop() } }
            let bus = try attachServoBus(link: link, port: board, servoModel: behaviour)
            defer { bus?.stop() }
            let devices = publishers.map { "\($0.camera.name)=\($0.markerPath)" }.joined(separator: " ")
            let busNote = bus.map { "\($0.linkPath ?? $0.path) (\($0.path)), calibration \(calibration ?? "built-in twin_so101")" }
            print("sim serve: so101 twin, task \(task.rawValue), seed \(seed); cameras \(devices); servo bus \(busNote ?? "none (the arm holds its rest pose)")")
            fflush(nil)

            for publisher in publishers { try publisher.start() }
            // A client takes seconds to load its policy and check the arm: with a bus, episode 0
            // begins when it first writes (torque, goals), not before.
            var waiting = bus != nil && waitForClient
            if !waiting { try host.start() }
            var schedule = CameraFaultSchedule(try faults)
            let started = Date()
            while !stop.load(ordering: .relaxed), !host.isFinished {
                usleep(50_000)
                if waiting, let bus, bus.statistics.writePackets > 0 {
                    try host.start()
                    waiting = false
                    FileHandle.standardError.write(Data("sim serve: a client wrote to the bus; episode 0 begins\n".utf8))
                }
                let elapsed = Date().timeIntervalSince(started)
                for line in try schedule.apply(at: elapsed, to: publishers) {
                    FileHandle.standardError.write(Data("sim serve: \(line)\n".utf8))
                }
                if let duration, elapsed >= duration { break }
                if let failed = publishers.compactMap(\.failure).first { throw failed }
            }
            host.requestStop()
            host.wait()
            if let bus, linger > 0, !stop.load(ordering: .relaxed) { Self.linger(bus, upTo: linger, unless: stop) }
            bus?.stop()
            publishers.forEach { $0.stop() }
            let frames = publishers.map { p in
                let s = p.statistics
                return "\(p.camera.name) \(s.frames) frames (render \(String(format: "%.1f", s.meanRenderMilliseconds)) ms, encode \(String(format: "%.1f", s.meanEncodeMilliseconds)) ms, late \(s.lateFrames))"
            }.joined(separator: ", ")
            let packets = bus.map { b in
                let s = b.statistics
                return "; bus \(s.packetsReceived) packets, \(s.repliesSent) replies (\(s.repliesDropped) dropped, \(s.repliesCorrupted) corrupted)"
            } ?? ""
            print("sim serve: \(host.summary.line); skipped \(host.skippedSteps) physics steps; \(frames)\(packets)")
            if let failure = host.failure { throw failure }
        }

        /// The Feetech bus on a pty linked at `link` whose motors are the twin's joints on `port`,
        /// mounted and with EEPROM as the calibration says, the fault flags in force; started.
        /// Nil without `link`: the arm then holds its rest pose.
        private func attachServoBus(link: String?, port: TwinJointBoard, servoModel: TwinServoModel) throws -> VirtualServoBus? {
            guard let link else { return nil }
            let base = try busFaults.busOptions(seed: seed, linkPath: link)
            let bus = try TwinServoBus.make(board: port, calibration: try servoCalibration, servoModel: servoModel, base: base)
            try bus.start()
            return bus
        }

        /// Keeps `bus` answering after the last episode until its client has sent nothing for
        /// 0.5 s, `seconds` have passed or a stop is asked for: a client that stops when the
        /// episodes are done (scripts/demo.sh) then holds and turns torque off on a live bus,
        /// instead of meeting a vanished one.
        private static func linger(_ bus: VirtualServoBus, upTo seconds: Double, unless stop: borrowing Atomic<Bool>) {
            let deadline = Date().addingTimeInterval(seconds)
            var packets = bus.statistics.packetsReceived, quietSince = Date()
            while Date() < deadline, !stop.load(ordering: .relaxed), Date().timeIntervalSince(quietSince) < 0.5 {
                usleep(50_000)
                let now = bus.statistics.packetsReceived
                if now != packets { packets = now; quietSince = Date() }
            }
        }

        /// Turns SIGINT / SIGTERM into `handler` (on a dispatch queue).
        private static func onInterrupt(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
            [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    FileHandle.standardError.write(Data("\nsim serve: stopping\n".utf8))
                    handler()
                }
                source.resume()
                return source
            }
        }

        private static func restoreSignals(_ sources: [any DispatchSourceSignal]) {
            sources.forEach { $0.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
    }
}
