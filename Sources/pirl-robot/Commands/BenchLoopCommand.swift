import ArgumentParser
import Camera
import Foundation
import Policy
import RobotIO
import Runtime
import SimTrainer

extension Bench {
    /// `pirl-robot bench loop`: the control loop at a fixed rate against the
    /// virtual bus, with the policy running on camera frames.
    struct Loop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "loop",
            abstract: "Run the control loop against the in-process virtual bus with inference running; print jitter and latency.",
            discussion: """
                Cameras: pass real ones, or fake ones made by `scripts/fake-camera.sh DIR` (needs the fake \
                V4L2 plugin that `make test` installs). The policy is the checkpoint given, or a randomly \
                initialized default one with the cameras' names.
                """)

        @Option(help: "Control rate, Hz.")
        var hz: Double = 100

        @Option(help: "Seconds to run.")
        var seconds: Double = 60

        @Option(name: .customLong("camera"), help: "NAME=DEVICE (repeatable).")
        var cameras: [String] = []

        @Option(help: "Checkpoint directory (default: random initialization).")
        var checkpoint: String?

        @Flag(help: "Do not try SCHED_FIFO / mlockall.")
        var noRealtime = false

        func validate() throws {
            guard !cameras.isEmpty else {
                throw ValidationError("give the policy's cameras with --camera NAME=DEVICE; for fake ones run "
                                      + "`scripts/fake-camera.sh /tmp/cams` and pass --camera front=/tmp/cams/front "
                                      + "--camera wrist=/tmp/cams/wrist")
            }
            guard hz > 0, seconds > 0 else { throw ValidationError("--hz and --seconds must be positive") }
        }

        func run() throws {
            BLAS.correctKernelSelection()
            BLAS.setThreadCount(1)
            let devices = cameras.map { $0.split(separator: "=", maxSplits: 1).map(String.init) }
            let predictor: ChunkPredictor
            if let checkpoint {
                predictor = try ChunkPredictor(checkpoint: checkpoint)
            } else {
                var config = PolicyConfig()
                config.io.cameras = devices.map { PolicyConfig.Camera(name: $0[0]) }
                let policy = try FlowPolicy(config: config)
                policy.initialize(seed: 0)
                predictor = try ChunkPredictor(policy: policy, normStats: .identity(for: config))
            }
            let io = predictor.policy.config.io
            let feeds = try io.cameras.map { camera -> CameraFeed in
                guard let device = devices.first(where: { $0[0] == camera.name })?[1] else {
                    throw RuntimeSetupError.cameraMismatch(checkpoint: io.cameras.map(\.name), given: devices.map { $0[0] })
                }
                return try CameraFeed(name: camera.name, device: device, width: camera.width, height: camera.height,
                                      resize: ResizeMethod(camera.resize))
            }
            let rig = CameraRig(feeds: feeds)
            try rig.start()
            defer { rig.stop() }

            // Half a turn around the encoder's middle; the virtual arm starts calibrated so, at rest mid-range.
            let calibration = try Calibration(robot: .so101, joints: Dictionary(uniqueKeysWithValues: RobotSpec.so101.joints.map {
                ($0.name, JointCalibration(id: $0.id, homingOffset: 0, rangeMin: 1024, rangeMax: 3072))
            }))
            let virtual = try VirtualServoBus(
                robot: .so101, options: VirtualBusOptions(returnDelayOverrideMicroseconds: 0, calibration: calibration))
            try virtual.start()
            defer { virtual.stop() }
            let robot = try SerialRobot(robotBus: try RobotBus.open(robot: .so101, port: virtual.path), calibration: calibration)
            let source = try PolicyChunkSource(predictor: predictor, images: rig, prompt: "put the red cube on the blue plate")
            // run's filter at run's defaults: the loop timed is the loop `run` runs.
            let safety = SafetyFilter(forRunOn: robot, kinds: RobotSpec.so101.joints.map(\.kind), robotHertz: hz)
            let loop = ControlLoop(robot: robot, source: source, safety: safety, blending: .crossFade,
                                   options: LoopOptions(hertz: hz, maxTicks: Int(seconds * hz),
                                                        refillThreshold: io.actionHorizon - io.executedHorizon,
                                                        watchdogTicks: Int(hz / 2), realtime: !noRealtime))
            print("bench loop: \(Int(hz)) Hz for \(seconds) s, SO-101 virtual bus (pty), cameras \(io.cameras.map(\.name).joined(separator: ", ")), "
                  + "policy \(predictor.policy.parameters.count) parameters, sampler \(predictor.policy.config.sampler.method.rawValue) "
                  + "K = \(predictor.policy.config.sampler.steps)")
            let report = try loop.run()
            print(report.summary)
            print("frame/state timestamp → goal write (chunk age at use) ms: \(report.chunkAgeMilliseconds)")
        }
    }
}
