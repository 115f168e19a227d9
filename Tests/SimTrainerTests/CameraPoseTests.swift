import Camera
import Foundation
import Testing
@testable import SimTrainer

/// The front camera placed where the user's real one stands (`sim overlay --save-pose`,
/// `--camera-pose FILE`, `environment.cameraPose`), and the overlay that finds the place.
@Suite("Camera pose and overlay")
struct CameraPoseTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
    }

    static func meanDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    static let moved = TwinCameraPose(camera: "front", position: Vector3(0.45, -0.12, 0.3), lookAt: Vector3(0.15, 0.02, 0), fovy: 52)

    @Test("the built-in pose is the twin's front camera")
    func builtInPose() {
        #expect(TwinCameraPose.front.applied(to: .front) == TwinCamera.front)
        #expect(EnvironmentConfiguration().cameras == TwinCamera.all)
    }

    @Test("the blend weighs the render by alpha; a render over itself is itself")
    func blend() throws {
        let white = RGBImage(width: 2, height: 1, pixels: [255, 255, 255, 255, 255, 255])
        let black = RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 0, 0, 0])
        #expect(CameraOverlay.blend(white, over: black, alpha: 0.25).pixels == [64, 64, 64, 64, 64, 64])
        #expect(CameraOverlay.blend(white, over: black, alpha: 0).pixels == black.pixels)
        // As the command does: the render saved as a PNG, read back as the snapshot, 0.5 over it.
        let render = try CameraOverlay.render(pose: .front, width: 160, height: 120)
        let path = Self.temporaryPath("render.png")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNGWriter.write(render, to: path)
        let snapshot = try ImageFile.read(path)
        let overlay = CameraOverlay.blend(render, over: snapshot, alpha: 0.5)
        #expect(zip(overlay.pixels, render.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 })
    }

    @Test("the overlay renders at the snapshot's size, beyond the scene's 640×480 buffer; a size out of range is refused")
    func sizes() throws {
        let wide = try CameraOverlay.render(pose: .front, width: 800, height: 450)
        #expect(wide.width == 800 && wide.height == 450 && Set(wide.pixels).count > 20)
        #expect(throws: SimulationError.invalidConfiguration("the overlay renders 16…4096 pixels a side, got 8x8")) {
            _ = try CameraOverlay.render(pose: .front, width: 8, height: 8)
        }
    }

    @Test("a pose file round-trips and moves the view, in the overlay and in the environment")
    func poseFileMovesTheView() throws {
        let path = Self.temporaryPath("pose.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Self.moved.write(to: path)
        let loaded = try TwinCameraPose.load(from: path)
        #expect(loaded == Self.moved)
        let before = try CameraOverlay.render(pose: .front, width: 160, height: 120)
        let after = try CameraOverlay.render(pose: loaded, width: 160, height: 120)
        #expect(Self.meanDifference(before.pixels, after.pixels) > 10)

        // What train-sim, eval-sim, run --sim and sim serve build: the scene with the camera moved.
        func frontFrame(_ pose: TwinCameraPose?) throws -> [UInt8] {
            var configuration = EnvironmentConfiguration(task: .place)
            configuration.randomization = .none
            configuration.cameraPose = pose
            let environment = try SimEnvironment(configuration: configuration, seed: 2)
            environment.reset(episode: 0)
            let cameraID = environment.layout.frontCamera
            let position = environment.model.pointer.pointee.cam_pos + 3 * cameraID
            if let pose { #expect(abs(position[0] - pose.position.x) < 1e-4 && abs(position[2] - pose.position.z) < 1e-4) }
            return try environment.observe(using: try OffscreenRenderer(model: environment.model)).frames["front"]!
        }
        #expect(Self.meanDifference(try frontFrame(nil), try frontFrame(loaded)) > 10)
        #expect(try frontFrame(TwinCameraPose.front) == (try frontFrame(nil)))
    }

    @Test("bad pose files are refused in one line naming the file and the problem")
    func badPoseFiles() throws {
        func message(_ text: String?) throws -> String {
            let path = Self.temporaryPath("bad.json")
            defer { try? FileManager.default.removeItem(atPath: path) }
            if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
            do { _ = try TwinCameraPose.load(from: path) } catch { return "\(error)".replacingOccurrences(of: path, with: "FILE") }
            return "accepted"
        }
        let good = #""camera": "front", "position": [0.4, 0, 0.2], "look_at": [0.2, 0, 0], "fovy": 45"#
        #expect(try message("{\(good)}") == "accepted")
        #expect(try message(nil) == "camera pose FILE: no such file")
        #expect(try message("camera: front") == "camera pose FILE: not JSON (write one with `pirl-robot sim overlay --save-pose FILE`)")
        #expect(try message("{\(good), \"roll\": 3}") == "camera pose FILE: unknown key 'roll' (known: camera, position, look_at, fovy)")
        #expect(try message(#"{"camera": "front", "position": [0.4, 0, 0.2], "fovy": 45}"#) == "camera pose FILE: missing key 'look_at'")
        #expect(try message(#"{"camera": "front", "position": [0.4, 0], "look_at": [0.2, 0, 0], "fovy": 45}"#)
                == "camera pose FILE: position takes three numbers [x, y, z], got 2")
        #expect(try message(#"{"camera": "front", "position": "up", "look_at": [0.2, 0, 0], "fovy": 45}"#)
                == "camera pose FILE: position has the wrong type")
        #expect(try message(#"{"camera": "wrist", "position": [0.4, 0, 0.2], "look_at": [0.2, 0, 0], "fovy": 45}"#)
            .hasPrefix("camera pose FILE: camera 'wrist' cannot be placed"))
        #expect(try message(#"{"camera": "front", "position": [0.4, 0, 0.2], "look_at": [0.2, 0, 0], "fovy": 200}"#)
                == "camera pose FILE: fovy must be in (1, 170) degrees, got 200.0")
    }
}
