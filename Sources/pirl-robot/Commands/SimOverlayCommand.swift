import ArgumentParser
import Camera
import Foundation
import SimTrainer

extension PirlRobot.Sim {
    /// `pirl-robot sim overlay`: the twin's camera view blended over a snapshot of the real camera.
    struct Overlay: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Blend the twin's view of a camera over a snapshot of your real one, to match the twin camera's pose and field of view.",
            discussion: """
                Take the snapshot with the real camera on its mount (`pirl-robot cameras snapshot --device /dev/video0 \
                --out real.png`, the arm at rest or out of view). The twin's view is rendered at the snapshot's size \
                from --position looking at --look-at with --fovy (default: the twin's camera, or --camera-pose FILE), \
                the randomization off and the arm at rest, and blended over it. Adjust until the table edges, the \
                arm's base and the plate line up, then --save-pose FILE and give that file to eval-sim, run --sim \
                and sim serve as --camera-pose FILE (train-sim: environment.cameraPose). See docs/sim-serve.md.
                """)

        @Option(help: "The camera: front (the wrist camera rides on the gripper and is not placed).")
        var camera = "front"

        @Option(help: "A snapshot (PNG or JPEG) of the real camera.")
        var snapshot: String

        @Option(help: "Output PNG path.")
        var out: String

        @Option(name: .customLong("camera-pose"), help: "Start from this pose file (from --save-pose).")
        var cameraPose: String?

        @Option(parsing: .unconditional, help: "Camera position x,y,z in metres (world frame: arm base at the origin, x forward, z up).")
        var position: String?

        @Option(name: .customLong("look-at"), parsing: .unconditional, help: "The point x,y,z (m) in the middle of the picture.")
        var lookAt: String?

        @Option(help: "Vertical field of view (degrees).")
        var fovy: Double?

        @Option(help: "Weight of the twin's render over the snapshot: 0 the snapshot only … 1 the render only.")
        var alpha = 0.5

        @Option(help: "Write the pose used here (position, look-at, fovy) to this JSON file, for --camera-pose.")
        var savePose: String?

        @Option(help: "Task whose objects are shown: \(TaskKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var task: TaskKind = .place

        @Option(help: "Run seed and episode of the objects' placement.")
        var seed: UInt64 = 0

        @Option(help: "Episode of the run to show.")
        var episode = 0

        func validate() throws {
            guard TwinCameraPose.placeable.contains(camera) else {
                throw ValidationError("--camera \(camera): the overlay places \(TwinCameraPose.placeable.joined(separator: ", ")) (the wrist camera rides on the gripper)")
            }
            guard (0...1).contains(alpha) else { throw ValidationError("--alpha must be in 0…1, got \(alpha)") }
            guard episode >= 0 else { throw ValidationError("--episode must be 0 or more") }
            let pose = try pose  // a bad --camera-pose file: its own one-line error
            do { try pose.validate() } catch { throw ValidationError("\(error)") }
        }

        /// The pose asked for: the file's or the twin's, with the options over it.
        var pose: TwinCameraPose {
            get throws {
                var pose = TwinCameraPose.front
                if let cameraPose {
                    do { pose = try TwinCameraPose.load(from: cameraPose) } catch { throw CommandFailure("\(error)") }
                }
                if let position { pose.position = try Self.vector(position, option: "--position") }
                if let lookAt { pose.lookAt = try Self.vector(lookAt, option: "--look-at") }
                if let fovy { pose.fovy = fovy }
                return pose
            }
        }

        static func vector(_ text: String, option: String) throws -> Vector3 {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false)
                .map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 3, let x = parts[0], let y = parts[1], let z = parts[2] else {
                throw ValidationError("\(option) takes x,y,z in metres, e.g. 0.37,0,0.21; got '\(text)'")
            }
            return Vector3(x, y, z)
        }

        func run() throws {
            let pose = try pose
            let real: RGBImage
            do { real = try ImageFile.read(snapshot) } catch { throw CommandFailure("--snapshot: \(error)") }
            guard CameraOverlay.sizes.contains(real.width), CameraOverlay.sizes.contains(real.height) else {
                throw CommandFailure("--snapshot \(snapshot) is \(real.width)x\(real.height): the overlay takes \(CameraOverlay.sizes.lowerBound)…\(CameraOverlay.sizes.upperBound) pixels a side (the camera's own size, e.g. 640x480)")
            }
            let native = TwinCamera.named(camera)!
            let (snapshotAspect, nativeAspect) = (Double(real.width) / Double(real.height), Double(native.nativeWidth) / Double(native.nativeHeight))
            if abs(snapshotAspect / nativeAspect - 1) > 0.01 {
                FileHandle.standardError.write(Data("sim overlay: note: the snapshot is \(real.width)x\(real.height), the twin's \(camera) camera \(native.nativeWidth)x\(native.nativeHeight); set the real camera to that aspect (run and the twin use it)\n".utf8))
            }
            let render = try CameraOverlay.render(pose: pose, width: real.width, height: real.height, task: task, seed: seed,
                                                  episode: episode)
            try PNGWriter.write(CameraOverlay.blend(render, over: real, alpha: alpha), to: out)
            func f(_ v: Vector3) -> String { [v.x, v.y, v.z].map { String(format: "%g", $0) }.joined(separator: ",") }
            print("wrote \(out): \(real.width)x\(real.height), the twin's \(camera) camera at \(f(pose.position)) looking at \(f(pose.lookAt)), fovy \(String(format: "%g", pose.fovy))°, alpha \(String(format: "%g", alpha))")
            if let savePose {
                do { try pose.write(to: savePose) } catch {
                    throw CommandFailure("--save-pose \(savePose): cannot write it (\((error as NSError).localizedDescription))")
                }
                print("saved the pose to \(savePose): use it with --camera-pose \(savePose) (eval-sim, run --sim, sim serve)")
            }
        }
    }
}
