import Camera
import CMuJoCo
import Foundation
import Testing
@testable import SimTrainer

/// `EnvironmentConfiguration.backgroundImage` (`eval-sim` / `run --sim` `--background`): the
/// user's photo is green-screened behind the front camera — the table and empty space show the
/// photo, the arm and the task objects stay rendered; a bad file is refused by name.
@Suite("Background photo")
struct BackgroundPhotoTests {
    /// A 640×480 green and white checkerboard of 40 px squares, written as PNG.
    static func checkerboard() throws -> String {
        var pixels = [UInt8](repeating: 0, count: 640 * 480 * 3)
        for y in 0..<480 {
            for x in 0..<640 {
                let white = (x / 40 + y / 40) % 2 == 0
                pixels[(y * 640 + x) * 3] = white ? 240 : 20
                pixels[(y * 640 + x) * 3 + 1] = white ? 240 : 130
                pixels[(y * 640 + x) * 3 + 2] = white ? 240 : 30
            }
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-background-\(UUID().uuidString).png").path
        try PNGWriter.write(RGBImage(width: 640, height: 480, pixels: pixels), to: path)
        return path
    }

    static func environment(background: String?) throws -> SimEnvironment {
        var configuration = EnvironmentConfiguration(task: .place)
        // No webcam effects: the last render is the composited render itself.
        configuration.randomization = .none
        configuration.backgroundImage = background
        return try SimEnvironment(configuration: configuration, seed: 4)
    }

    /// Where the centre of geom `geom` lands in the front camera's `width × height` render, if inside.
    static func project(_ environment: SimEnvironment, geom: Int, width: Int, height: Int) -> (x: Int, y: Int)? {
        let d = environment.data.pointer, camera = environment.layout.frontCamera
        let position = (0..<3).map { d.pointee.geom_xpos[3 * geom + $0] - d.pointee.cam_xpos[3 * camera + $0] }
        let r = d.pointee.cam_xmat + 9 * camera
        // Camera axes are the columns of cam_xmat; the camera looks along −z.
        let local = (0..<3).map { k in (0..<3).reduce(0.0) { $0 + r[3 * $1 + k] * position[$1] } }
        guard local[2] < 0 else { return nil }
        let fovy = Double(environment.model.pointer.pointee.cam_fovy[camera]) * .pi / 180
        let f = Double(height) / 2 / tan(fovy / 2)
        let x = Int((Double(width) / 2 + f * local[0] / -local[2]).rounded(.down))
        let y = Int((Double(height) / 2 - f * local[1] / -local[2]).rounded(.down))
        return (2..<(width - 2)).contains(x) && (2..<(height - 2)).contains(y) ? (x, y) : nil
    }

    @Test func thePhotoReplacesTheTableButNotTheArmOrTheCube() throws {
        let path = try Self.checkerboard()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let composited = try Self.environment(background: path), plain = try Self.environment(background: nil)
        let renderers = try [composited, plain].map { try OffscreenRenderer(model: $0.model) }
        // The scripted expert brings the arm down into the front camera's view.
        for environment in [composited, plain] {
            environment.reset(episode: 0)
            let expert = try ScriptedExpert(seed: 4)
            var action = [Float](repeating: 0, count: 6)
            for _ in 0..<40 {
                expert.action(for: try environment.observe(using: nil), into: &action)
                _ = action.withUnsafeBufferPointer { environment.step($0) }
            }
        }
        let observations = try zip([composited, plain], renderers).map { try $0.0.observe(using: $0.1) }
        let front = composited.lastRender(of: "front")!, rendered = plain.lastRender(of: "front")!
        let (w, h) = (front.width, front.height)
        let photo = try #require(composited.backdrop(width: w, height: h))
        func pixel(_ image: [UInt8], _ x: Int, _ y: Int) -> [UInt8] { Array(image[((y * w + x) * 3)..<((y * w + x) * 3 + 3)]) }

        // Every pixel is either the photo's or the plain render's; most are the photo's (the table
        // fills the front camera's view), the corners among them.
        var fromPhoto = 0
        for i in stride(from: 0, to: front.pixels.count, by: 3) {
            let p = Array(front.pixels[i..<(i + 3)])
            let isPhoto = p == Array(photo[i..<(i + 3)]), isRender = p == Array(rendered.pixels[i..<(i + 3)])
            #expect(isPhoto || isRender)
            if isPhoto { fromPhoto += 1 }
        }
        #expect(Double(fromPhoto) > 0.6 * Double(w * h), "\(fromPhoto) of \(w * h) pixels show the photo")
        for (x, y) in [(0, h - 1), (w - 1, h - 1), (3, h / 2), (w - 4, h / 2)] {
            #expect(pixel(front.pixels, x, y) == pixel(photo, x, y), "(\(x), \(y)) on the table does not show the photo")
        }
        // The photo is the checkerboard: both of its colours show.
        #expect(Set(stride(from: 0, to: photo.count, by: 3).map { photo[$0] }).contains { $0 > 200 })
        #expect(Set(stride(from: 0, to: photo.count, by: 3).map { photo[$0] }).contains { $0 < 40 })

        // The task cube and the arm's geoms in view keep their rendered pixels.
        let layout = composited.layout
        let m = composited.model.pointer
        let arm = (0..<Int(m.pointee.ngeom)).filter {
            composited.foregroundGeoms[$0] && !layout.cubeGeoms.contains($0) && $0 != layout.plateGeom
                && $0 != layout.targetGeom && $0 != layout.zoneGeom
        }
        var checked = 0
        for geom in [layout.cubeGeoms[0], layout.plateGeom] + arm {
            guard let (x, y) = Self.project(composited, geom: geom, width: w, height: h) else { continue }
            // Only where the plain render differs from the photo is the check meaningful.
            guard pixel(rendered.pixels, x, y) != pixel(photo, x, y) else { continue }
            #expect(pixel(front.pixels, x, y) == pixel(rendered.pixels, x, y), "geom \(geom) at (\(x), \(y)) shows the photo")
            checked += 1
        }
        #expect(checked >= 4, "only \(checked) geoms in view")
        #expect(Self.project(composited, geom: layout.cubeGeoms[0], width: w, height: h) != nil, "the cube is out of view")

        // The wrist camera sees the scene as rendered, and the episode is the same.
        #expect(observations[0].frames["wrist"] == observations[1].frames["wrist"])
        #expect(observations[0].state == observations[1].state && observations[0].objectState == observations[1].objectState)
    }

    @Test func aMissingOrBrokenPhotoIsRefusedByName() throws {
        let missing = "/nonexistent/pirl-table-photo.png"
        do {
            _ = try Self.environment(background: missing)
            Issue.record("a missing photo was accepted")
        } catch {
            #expect(error as? SimulationError == .backgroundImage(path: missing, reason: "no such file"))
            #expect("\(error)".contains(missing) && "\(error)".contains("PNG or JPEG"))
        }
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-broken-\(UUID().uuidString).png").path
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: broken))
        defer { try? FileManager.default.removeItem(atPath: broken) }
        do {
            _ = try Self.environment(background: broken)
            Issue.record("an undecodable photo was accepted")
        } catch {
            #expect("\(error)".contains(broken) && "\(error)".contains("not a PNG or JPEG"), "\(error)")
        }
    }

    @Test func pngAndJpegPhotosDecode() throws {
        let path = try Self.checkerboard()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let image = try ImageFile.read(path)
        #expect(image.width == 640 && image.height == 480 && image[0, 0].r == 240 && image[40, 0].g == 130)
        let jpeg = try image.withUnsafeBytes { pixels in
            try JPEGEncoder().withEncoded(pixels, width: 640, height: 480, bytesPerRow: 640 * 3, quality: 90) { Data($0) }
        }
        let jpegPath = path + ".jpg"
        try jpeg.write(to: URL(fileURLWithPath: jpegPath))
        defer { try? FileManager.default.removeItem(atPath: jpegPath) }
        let decoded = try ImageFile.read(jpegPath)
        #expect(decoded.width == 640 && decoded.height == 480 && abs(Int(decoded[10, 10].r) - 240) < 12)
    }
}
