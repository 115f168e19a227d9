import ArgumentParser
import Camera

extension PirlRobot.Cameras {
    /// `pirl-robot cameras probe`: measured rate, frame age and drops.
    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stream for a while and report measured fps, frame age at the consumer (p50/p99) and drops.")

        @OptionGroup var camera: CameraOptions

        @Option(help: "How long to measure, in seconds.")
        var seconds: Double = 10

        func validate() throws {
            guard seconds > 0 else { throw ValidationError("--seconds must be positive, got \(seconds).") }
        }

        func run() throws {
            let device = try V4L2Camera(configuration: camera.configuration)
            let setup = device.setup
            print("\(setup.devicePath): \(setup.capabilities.card), \(setup.format), \(setup.framesPerSecond.map { "\(String(twoDecimals: $0)) fps granted" } ?? "rate not settable"), \(setup.bufferCount) buffers")
            for control in setup.controls { print("  \(control)") }
            try device.start()
            defer { device.stop() }
            let report = try ProbeMeasurement.run(camera: device, seconds: seconds)
            print(report.summary)
        }
    }
}

/// Frame rate and frame age measured by reading every frame for a while.
struct ProbeMeasurement {
    /// Ages at the moment each frame reached the consumer, ms.
    var ages: [Double] = []
    /// Capture timestamps of the first and last frame, ns.
    var firstTimestamp: UInt64 = 0, lastTimestamp: UInt64 = 0
    /// Camera counters at the end.
    var statistics = CaptureStatistics()
    /// Frames read.
    var frames = 0

    /// Reads frames from a started camera for `seconds`.
    static func run(camera: V4L2Camera, seconds: Double) throws -> ProbeMeasurement {
        var measurement = ProbeMeasurement()
        var buffer = FrameBuffer()
        let end = MonotonicTime.nanoseconds() + UInt64(seconds * 1e9)
        let before = camera.statistics
        while MonotonicTime.nanoseconds() < end {
            let info = try camera.read(into: &buffer)
            measurement.ages.append(info.ageMilliseconds())
            if measurement.frames == 0 { measurement.firstTimestamp = info.timestampNanoseconds }
            measurement.lastTimestamp = info.timestampNanoseconds
            measurement.frames += 1
        }
        var after = camera.statistics
        after.dropped -= before.dropped
        after.skipped -= before.skipped
        after.damaged -= before.damaged
        measurement.statistics = after
        return measurement
    }

    /// The value below which `fraction` of the ages fall.
    func percentile(_ fraction: Double) -> Double {
        guard !ages.isEmpty else { return .nan }
        let sorted = ages.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    /// Frames per second from capture timestamps.
    var framesPerSecond: Double {
        frames > 1 ? Double(frames - 1) / (Double(lastTimestamp - firstTimestamp) / 1e9) : 0
    }

    /// One line per figure.
    var summary: String {
        """
        frames read:      \(frames)
        measured fps:     \(String(twoDecimals: framesPerSecond))
        frame age p50:    \(String(twoDecimals: percentile(0.5))) ms
        frame age p99:    \(String(twoDecimals: percentile(0.99))) ms
        dropped (gaps):   \(statistics.dropped)
        skipped (stale):  \(statistics.skipped)
        damaged buffers:  \(statistics.damaged)
        I/O errors:       \(statistics.ioErrors)
        disconnects:      \(statistics.disconnects)
        """
    }
}
