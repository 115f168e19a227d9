import ArgumentParser
import Camera

extension PirlRobot.Cameras {
    /// `pirl-robot cameras snapshot`: one frame to a PNG file.
    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture one frame and save it as PNG (libpng).")

        @OptionGroup var camera: CameraOptions

        @Option(help: "Output PNG path.")
        var out: String

        @Option(help: "Frames to let pass first, so auto exposure settles.")
        var skip: Int = 5

        func validate() throws {
            guard skip >= 0 else { throw ValidationError("--skip must be 0 or more, got \(skip).") }
        }

        func run() throws {
            let device = try V4L2Camera(configuration: camera.configuration)
            try device.start()
            defer { device.stop() }
            var buffer = FrameBuffer()
            var info = try device.read(into: &buffer)
            for _ in 0..<skip { info = try device.read(into: &buffer) }
            let age = info.ageMilliseconds()
            var image = RGBImage()
            try FrameDecoder().decode(buffer, into: &image)
            try PNGWriter.write(image, to: out)
            print("wrote \(out): \(image.width)x\(image.height) from \(info.pixelFormat), sequence \(info.sequence), \(String(twoDecimals: age)) ms old when read")
        }
    }
}

extension String {
    /// A number with two decimals, without Foundation.
    init(twoDecimals value: Double) {
        let scaled = (value * 100).rounded()
        let whole = Int(scaled / 100)
        let fraction = Int(abs(scaled).truncatingRemainder(dividingBy: 100))
        self = "\(value < 0 && whole == 0 ? "-" : "")\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
