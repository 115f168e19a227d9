import ArgumentParser
import Camera
#if canImport(Glibc)
import Glibc
#endif

/// `pirl-robot bench camera`: decode + preprocess per frame, and frame age at
/// the consumer, on the fake V4L2 device (scripts/install-fake-camera.sh).
struct CameraBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "camera",
        abstract: "Decode + preprocess time per 640x480 frame (MJPEG, YUYV → 64x64 and 224x224 tensors) and frame age on the fake camera.",
        discussion: "Needs the fake V4L2 plugin: ./scripts/install-fake-camera.sh. Build with -c release for meaningful figures.")

    @Option(help: "Timed decode + preprocess repetitions per case.")
    var iterations: Int = 300

    @Option(help: "Seconds of streaming for the frame-age measurement.")
    var seconds: Double = 3

    func validate() throws {
        guard iterations > 0, seconds > 0 else { throw ValidationError("--iterations and --seconds must be positive.") }
    }

    func run() throws {
        guard access(FakeDeviceMarker.pluginPath, R_OK) == 0 else {
            throw ValidationError("the fake V4L2 camera is not installed (\(FakeDeviceMarker.pluginPath)). Fix: run ./scripts/install-fake-camera.sh")
        }
        let directory = try FakeDeviceMarker.makeDirectory()
        defer { FakeDeviceMarker.remove(directory) }
        print("camera benchmark: 640x480 frames from the fake V4L2 device (textured pattern), \(iterations) iterations per case")
        print("stream    tensor  decoder          frame KB  decode p50  preprocess p50  total p50  total p99  (ms)")
        var ageLines: [String] = []
        let streams: [(name: String, format: PixelFormat, quality: Int)] = [
            ("MJPG q85", .mjpeg, 85), ("MJPG q95", .mjpeg, 95), ("YUYV", .yuyv, 0),
        ]
        for (name, format, quality) in streams {
            let path = directory + "/\(format)\(quality)"
            try FakeDeviceMarker.write(at: path, format: format, jpegQuality: quality)
            var configuration = CameraConfiguration(device: path)
            configuration.preferredFormats = [format]
            let camera = try V4L2Camera(configuration: configuration)
            try camera.start()
            var frame = FrameBuffer()
            _ = try camera.read(into: &frame)
            let probe = try ProbeMeasurement.run(camera: camera, seconds: seconds)
            camera.stop()
            ageLines.append("\(name) raw, 30 fps: frame age at consumer p50 \(String(twoDecimals: probe.percentile(0.5))) ms, p99 \(String(twoDecimals: probe.percentile(0.99))) ms over \(probe.frames) frames, \(probe.statistics.dropped) dropped")
            let variants: [(String, Bool, Bool)] = format == .mjpeg
                ? [("", false, false), (" fastdct", true, false), (" dct-scaled", true, true)]
                : [("", false, false)]
            for size in [64, 224] {
                for (label, fastDCT, scaled) in variants {
                    let timing = Self.time(frame: frame, size: size, iterations: iterations, fastDCT: fastDCT, scaled: scaled)
                    let kilobytes = Double(frame.info!.byteCount) / 1024
                    print((name.paddedColumn(10) + "\(size)x\(size)" + label).paddedColumn(33) + String(twoDecimals: kilobytes).paddedColumn(10)
                          + String(twoDecimals: timing.decode).paddedColumn(12) + String(twoDecimals: timing.preprocess).paddedColumn(16)
                          + String(twoDecimals: timing.total50).paddedColumn(11) + String(twoDecimals: timing.total99))
                }
            }
        }
        for line in ageLines { print(line) }
    }

    /// Median decode and preprocess times and total percentiles, in ms.
    static func time(
        frame: FrameBuffer, size: Int, iterations: Int, fastDCT: Bool, scaled: Bool
    ) -> (decode: Double, preprocess: Double, total50: Double, total99: Double) {
        let decoder = FrameDecoder(fastDCT: fastDCT)
        let preprocessor = ImagePreprocessor(width: size, height: size)
        var image = RGBImage()
        var tensor = [Float](repeating: 0, count: preprocessor.tensorElementCount)
        var decodes: [Double] = [], preprocesses: [Double] = [], totals: [Double] = []
        decodes.reserveCapacity(iterations)
        preprocesses.reserveCapacity(iterations)
        totals.reserveCapacity(iterations)
        for _ in 0..<(iterations + 10) {
            let start = MonotonicTime.nanoseconds()
            try? decoder.decode(frame, into: &image, minimumSize: scaled ? (size, size) : nil)
            let decoded = MonotonicTime.nanoseconds()
            tensor.withUnsafeMutableBufferPointer { try? preprocessor.tensor(from: image, into: $0) }
            let done = MonotonicTime.nanoseconds()
            decodes.append(Double(decoded - start) / 1e6)
            preprocesses.append(Double(done - decoded) / 1e6)
            totals.append(Double(done - start) / 1e6)
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.dropFirst(10).sorted()
            return sorted[Int((Double(sorted.count - 1) * p).rounded())]
        }
        return (percentile(decodes, 0.5), percentile(preprocesses, 0.5), percentile(totals, 0.5), percentile(totals, 0.99))
    }
}

/// Marker files for the fake V4L2 plugin (format: Tests/fake-v4l2/pirl_fake_v4l2.c).
enum FakeDeviceMarker {
    /// Where scripts/install-fake-camera.sh installs the plugin on Debian x86-64.
    static let pluginPath = "/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so"

    /// mkdtemp(3) under /tmp.
    static func makeDirectory() throws -> String {
        var template = Array(("/tmp/pirl-camera-bench-" + String(repeating: "X", count: 6)).utf8CString)  // mkstemp template
        guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw ValidationError("cannot create a temporary directory under /tmp")
        }
        return String(cString: result)
    }

    /// Writes a 640x480, 30 fps, textured marker for `format` (MJPEG at `jpegQuality`).
    static func write(at path: String, format: PixelFormat, jpegQuality: Int) throws {
        let quality = jpegQuality > 0 ? "jpeg_quality=\(jpegQuality)\n" : ""
        let text = "PIRL-FAKE-V4L2 1\nformats=\(format)\nsizes=640x480\nfps=30\ntexture=1\n" + quality
        guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
        fputs(text, file)
        fclose(file)
    }

    /// Removes the directory and its files.
    static func remove(_ directory: String) {
        for name in ["MJPG85", "MJPG95", "YUYV0"] { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}

extension String {
    /// Left-aligned in `width` columns.
    fileprivate func paddedColumn(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
