import Foundation
@testable import Camera

/// A marker file for the fake V4L2 device (Tests/fake-v4l2, installed by
/// scripts/install-fake-camera.sh). libv4l2 hands any fd on such a file to
/// the plugin, which answers its ioctls; the file also backs the frames.
struct FakeCamera {
    /// Directory holding this camera's marker and its by-id links.
    let directory: URL
    /// The marker file, opened as the "device".
    let path: String
    /// A directory standing in for /dev/v4l/by-id.
    let byIDDirectory: String

    /// The plugin, as installed by scripts/install-fake-camera.sh.
    static let pluginPath = "/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so"

    /// True when the plugin is installed (`make test` installs it).
    static var isInstalled: Bool { FileManager.default.fileExists(atPath: pluginPath) }

    /// Creates a marker with `settings` lines ("key=value"), e.g. "formats=YUYV".
    init(_ settings: [String] = []) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pirl-fake-camera-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("video0").path
        byIDDirectory = directory.appendingPathComponent("by-id").path
        try FileManager.default.createDirectory(atPath: byIDDirectory, withIntermediateDirectories: true)
        try Self.writeMarker(at: path, settings)
    }

    /// Writes a marker file at `path` (atomically, so an open fd keeps the old one).
    static func writeMarker(at path: String, _ settings: [String]) throws {
        let text = (["PIRL-FAKE-V4L2 1"] + settings).joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Adds a by-id style symlink `name` → `target` and returns its path.
    @discardableResult
    func link(_ name: String, to target: String) throws -> String {
        let link = byIDDirectory + "/" + name
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        return link
    }

    /// A configuration for this fake with short timeouts.
    func configuration(mode: CameraConfiguration.Mode = .raw, formats: [PixelFormat] = [.mjpeg, .yuyv],
                       fps: Double = 30, width: Int = 640, height: Int = 480) -> CameraConfiguration {
        var configuration = CameraConfiguration(device: path)
        configuration.mode = mode
        configuration.preferredFormats = formats
        configuration.framesPerSecond = fps
        configuration.width = width
        configuration.height = height
        configuration.byIDDirectory = byIDDirectory
        configuration.reopenIntervalMilliseconds = 50
        configuration.readTimeoutMilliseconds = 1000
        return configuration
    }

    /// Removes the directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The fake's frame content, restated from Tests/fake-v4l2/pirl_fake_v4l2.c:
/// eight vertical bars and a top-left 32×32 grey block encoding the sequence.
enum FakePattern {
    static let bars: [[UInt8]] = [
        [255, 255, 255], [255, 255, 0], [0, 255, 255], [0, 255, 0],
        [255, 0, 255], [255, 0, 0], [0, 0, 255], [0, 0, 0],
    ]

    /// RGB at (x, y) of frame `sequence` in a `width`-wide image.
    static func rgb(x: Int, y: Int, sequence: UInt32, width: Int) -> [UInt8] {
        if x < 32 && y < 32 {
            let grey = UInt8((Int(sequence) % 16) * 16 + 8)
            return [grey, grey, grey]
        }
        return bars[x * 8 / width]
    }

    /// BT.601 limited-range YUV as the fake computes it.
    static func yuv(_ c: [UInt8]) -> (y: UInt8, u: UInt8, v: UInt8) {
        let r = Int(c[0]), g = Int(c[1]), b = Int(c[2])
        func clamp(_ v: Int) -> UInt8 { UInt8(max(0, min(255, v))) }
        return (clamp(((66 * r + 129 * g + 25 * b + 128) >> 8) + 16),
                clamp(((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128),
                clamp(((112 * r - 94 * g - 18 * b + 128) >> 8) + 128))
    }
}
