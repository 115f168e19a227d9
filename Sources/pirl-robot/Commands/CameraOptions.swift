import ArgumentParser
import Camera

/// A pixel format named on the command line.
enum PixelFormatChoice: String, ExpressibleByArgument, CaseIterable {
    case mjpeg, yuyv

    var format: PixelFormat { self == .mjpeg ? .mjpeg : .yuyv }
}

/// Options shared by the commands that open one camera.
struct CameraOptions: ParsableArguments {
    @Option(help: "Device node or stable path, e.g. /dev/video0 or /dev/v4l/by-id/usb-…-video-index0.")
    var device: String

    @Option(help: "Frame width in pixels.")
    var width: Int = 640

    @Option(help: "Frame height in pixels.")
    var height: Int = 480

    @Option(help: "Frame rate to request.")
    var fps: Double = 30

    @Option(parsing: .upToNextOption, help: "Pixel formats in order of preference (raw mode).")
    var format: [PixelFormatChoice] = [.mjpeg, .yuyv]

    @Flag(help: "Let libv4l2 convert every frame to RGB24 instead of decoding only the frames used.")
    var convert = false

    func validate() throws {
        guard width > 0, height > 0 else { throw ValidationError("--width and --height must be positive, got \(width)x\(height).") }
        guard fps > 0 else { throw ValidationError("--fps must be positive, got \(fps).") }
    }

    /// The camera configuration these options describe.
    var configuration: CameraConfiguration {
        var configuration = CameraConfiguration(device: device)
        configuration.width = width
        configuration.height = height
        configuration.framesPerSecond = fps
        configuration.preferredFormats = format.map(\.format)
        configuration.mode = convert ? .conversion : .raw
        return configuration
    }
}
