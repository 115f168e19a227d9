import ArgumentParser
import Dispatch
import Foundation
import RobotIO
import SimTrainer
import Synchronization
import TwinServe

extension PirlRobot.Sim {
    /// `pirl-robot sim serve`: the twin in real time behind V4L2 cameras (and, next, a servo bus).
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the MuJoCo twin in wall-clock real time behind V4L2 cameras, episode after episode.",
            discussion: """
                The twin steps its physics at 500 Hz with the wall clock, whatever its clients do. Each \
                camera is rendered at its native size at --camera-fps, MJPEG-encoded and published under \
                --cameras: `run --camera front=DIR/front --camera wrist=DIR/wrist` captures them through \
                libv4l2 with the fake camera plugin (./scripts/install-fake-camera.sh). When the task \
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

        @Option(help: "Calibration file (LeRobot format) the emulated motors' EEPROM follows, e.g. calibration/twin_so101.json.")
        var calibration: String?

        @Option(help: "Folder for the camera devices (created if missing): DIR/front, DIR/wrist.")
        var cameras: String

        @Option(help: "Stop after this many finished episodes (default: until Ctrl-C).")
        var episodes: Int?

        @Option(help: "Run seed: the same seed gives the same episode setups.")
        var seed: UInt64 = 0

        @Option(help: "Append one JSON line per finished episode here.")
        var results: String?

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
            if let calibration {
                do { _ = try Calibration.load(from: calibration, robot: .so101) } catch {
                    throw ValidationError("--calibration \(calibration): \(error)")
                }
            }
            do { try publishing.validate() } catch { throw ValidationError("\(error)") }
            let names = TwinCamera.all.map(\.name)
            for fault in try faults where !names.contains(fault.camera) {
                throw ValidationError("unknown camera '\(fault.camera)' in a camera fault; the twin's cameras: \(names.joined(separator: ", "))")
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
            if let episodeSeconds { settings.environment.maxSteps = max(1, Int(episodeSeconds * settings.environment.controlRate)) }
            settings.seed = seed
            settings.episodes = episodes
            let log = try results.map { path throws(TwinServeError) in try EpisodeResultsLog(path: path) }
            // The joint port the servo bus drives; with no bus the arm holds its rest pose.
            let board = TwinJointBoard()
            let host = try TwinHost(configuration: settings, port: board, results: log) { record in
                let outcome = record.success ? "success" : record.reason.rawValue + (record.failure.map { " (\($0))" } ?? "")
                FileHandle.standardError.write(Data("sim serve: episode \(record.episode): \(outcome) after \(String(format: "%.1f", record.durationSeconds)) s\n".utf8))
            }
            let publishers = try TwinCamera.all.map { camera throws(TwinServeError) in
                try TwinCameraPublisher(camera: camera, directory: cameras, scene: host.scene, options: publishing)
            }
            defer { publishers.forEach { $0.stop() } }
            let bus = try attachServoBus(link: link, calibration: calibration, port: board)
            let devices = publishers.map { "\($0.camera.name)=\($0.markerPath)" }.joined(separator: " ")
            print("sim serve: so101 twin, task \(task.rawValue), seed \(seed); cameras \(devices); servo bus \(bus)")
            fflush(nil)

            for publisher in publishers { try publisher.start() }
            try host.start()
            var schedule = CameraFaultSchedule(try faults)
            let started = Date()
            while !stop.load(ordering: .relaxed), !host.isFinished {
                usleep(50_000)
                let elapsed = Date().timeIntervalSince(started)
                for line in try schedule.apply(at: elapsed, to: publishers) {
                    FileHandle.standardError.write(Data("sim serve: \(line)\n".utf8))
                }
                if let duration, elapsed >= duration { break }
                if let failed = publishers.compactMap(\.failure).first { throw failed }
            }
            host.requestStop()
            host.wait()
            publishers.forEach { $0.stop() }
            let frames = publishers.map { p in
                let s = p.statistics
                return "\(p.camera.name) \(s.frames) frames (render \(String(format: "%.1f", s.meanRenderMilliseconds)) ms, encode \(String(format: "%.1f", s.meanEncodeMilliseconds)) ms, late \(s.lateFrames))"
            }.joined(separator: ", ")
            print("sim serve: \(host.summary.line); skipped \(host.skippedSteps) physics steps; \(frames)")
            if let failure = host.failure { throw failure }
        }

        /// The seam for the servo bus: the Feetech pty at `link` whose motor registers are
        /// `port` (goal position and torque enable in, present position out), its EEPROM as
        /// `calibration` leaves it. Returns how the bus is reached, for the banner.
        private func attachServoBus(link: String?, calibration: String?, port: TwinJointBoard) throws -> String {
            guard let link else { return "none (the arm holds its rest pose)" }
            // Issue 29's serial step connects the virtual Feetech bus to `port` here.
            FileHandle.standardError.write(Data("sim serve: the servo bus on \(link) is not wired yet; the arm holds its rest pose\n".utf8))
            return "\(link) not wired yet"
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
