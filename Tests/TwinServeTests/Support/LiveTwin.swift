import Camera
import Foundation
import SimTrainer
@testable import TwinServe
#if canImport(Glibc)
import Glibc
#endif

/// A served twin for camera tests: the host stepping in real time with the arm at
/// rest, and one camera published into a temporary folder.
final class LiveTwin {
    let directory: String
    let host: TwinHost
    let publisher: TwinCameraPublisher

    /// The fake libv4l2 plugin, as scripts/install-fake-camera.sh installs it.
    static let pluginPath = "/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so"
    static var pluginInstalled: Bool { FileManager.default.fileExists(atPath: pluginPath) }

    init(camera: TwinCamera = .front, options: CameraPublishingOptions = CameraPublishingOptions()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-twin-\(UUID().uuidString)").path
        var settings = TwinHostConfiguration(task: .place)
        settings.environment.randomization = .none
        host = try TwinHost(configuration: settings, port: TwinJointBoard())
        publisher = try TwinCameraPublisher(camera: camera, directory: directory, scene: host.scene, options: options)
        try host.start()
        try publisher.start()
    }

    /// A raw MJPEG capture configuration of the camera with short timeouts.
    func configuration(fps: Double = 30) -> CameraConfiguration {
        var configuration = CameraConfiguration(device: publisher.markerPath)
        configuration.preferredFormats = [.mjpeg]
        configuration.framesPerSecond = fps
        configuration.byIDDirectory = directory + "/by-id"
        configuration.reopenIntervalMilliseconds = 50
        configuration.readTimeoutMilliseconds = 1000
        return configuration
    }

    func close() {
        host.requestStop()
        host.wait()
        publisher.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Milliseconds between two CLOCK_MONOTONIC instants (signed).
func milliseconds(from start: UInt64, to end: UInt64) -> Double {
    (Double(end) - Double(start)) / 1e6
}
