import Camera
import Testing
@testable import SimTrainer

/// The twin's camera path against `run`'s: a native 640×480 render of the front camera,
/// compressed as a UVC webcam's MJPEG frame, decoded by ``FrameDecoder`` with the
/// minimum size `CameraFeed` passes and preprocessed by ``ImagePreprocessor``, must match
/// the frame ``SimEnvironment/observe(using:)`` hands the policy up to JPEG error.
@Suite("Camera equivalence")
struct CameraEquivalenceTests {
    /// Mean and 99th percentile of |a − b| over bytes.
    static func difference(_ a: [UInt8], _ b: [UInt8]) -> (mean: Double, p99: Int) {
        let deltas = zip(a, b).map { abs(Int($0) - Int($1)) }.sorted()
        return (Double(deltas.reduce(0, +)) / Double(deltas.count), deltas[Int(0.99 * Double(deltas.count - 1))])
    }

    /// A place episode with fixed colours and no randomization, and a renderer for it.
    static func scene(size: Int = 64) throws -> (SimEnvironment, OffscreenRenderer) {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.imageWidth = size
        configuration.imageHeight = size
        let environment = try SceneFixtures.redCubeAndBluePlate(configuration, seed: 3)
        return (environment, try OffscreenRenderer(model: environment.model))
    }

    /// What `run` makes of a native frame of the twin's front camera: MJPEG at `quality`,
    /// decoded at `CameraFeed`'s minimum size, letterboxed into `size × size`.
    static func hardwareFrame(_ environment: SimEnvironment, _ renderer: OffscreenRenderer, size: Int, quality: Int,
                              renderWidth: Int = 640, renderHeight: Int = 480) throws -> [UInt8] {
        var native = [UInt8](repeating: 0, count: renderWidth * renderHeight * 3)
        try native.withUnsafeMutableBytes {
            try renderer.render(environment.data, camera: environment.layout.frontCamera, width: renderWidth, height: renderHeight, into: $0)
        }
        let jpeg = try JPEGEncoder().encode(RGBImage(width: renderWidth, height: renderHeight, pixels: native), quality: quality)
        var decoded = RGBImage()
        try jpeg.withUnsafeBytes { try FrameDecoder().decode(jpeg: $0, into: &decoded, minimumSize: (size, size)) }
        var resized = RGBImage()
        ImagePreprocessor(width: size, height: size, method: .resizeWithPad).resize(decoded, into: &resized)
        return resized.pixels
    }

    @Test("observe() gives the front camera's 64×64 model input as run makes it from a 640×480 MJPEG frame")
    func frontMatchesHardwarePath() throws {
        let (environment, renderer) = try Self.scene()
        let observed = try environment.observe(using: renderer).frames["front"]!
        #expect(observed.count == 64 * 64 * 3)
        let real = try Self.hardwareFrame(environment, renderer, size: 64, quality: 85)
        // Letterbox: a 4:3 frame fills 64×48, rows 0…7 and 56…63 are black in both.
        let bars = Array(observed[0..<(8 * 64 * 3)]) + Array(observed[(56 * 64 * 3)...])
        #expect(bars.allSatisfy { $0 == 0 })
        #expect(Array(real[0..<(8 * 64 * 3)]) + Array(real[(56 * 64 * 3)...]) == bars)
        let content = 8 * 64 * 3..<56 * 64 * 3
        let d = Self.difference(Array(observed[content]), Array(real[content]))
        print("front 64x64: mean |Δ| \(d.mean), p99 \(d.p99)")
        // Measured: mean 0.50, p99 6 (JPEG quality 85, 4:2:2).
        #expect(d.mean < 1.5)
        #expect(d.p99 <= 12)

        // The old path, a square render fed straight in, is far off: the check sees aspect and FOV.
        var square = [UInt8](repeating: 0, count: 64 * 64 * 3)
        try square.withUnsafeMutableBytes {
            try renderer.render(environment.data, camera: environment.layout.frontCamera, width: 64, height: 64, into: $0)
        }
        let wrong = Self.difference(square, real)
        print("square render: mean |Δ| \(wrong.mean), p99 \(wrong.p99)")
        #expect(wrong.mean > 10)
    }

    /// The front camera's model input with `settings`.
    static func frontFrame(_ settings: DomainRandomization, episode: Int = 0) throws -> (frame: [UInt8], state: [Float]) {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.randomization = settings
        let environment = try SimEnvironment(configuration: configuration, seed: 7)
        environment.reset(episode: episode)
        let observation = try environment.observe(using: try OffscreenRenderer(model: environment.model))
        return (observation.frames["front"]!, observation.state)
    }

    @Test("Each webcam effect changes the picture; all at zero leave it bit-identical")
    func webcamEffects() throws {
        var off = DomainRandomization.none
        off.stateNoise = 0.003
        let plain = try Self.frontFrame(off)
        var zero = off
        zero.exposureGain = 0; zero.whiteBalance = 0; zero.blur = 0; zero.jpegMinQuality = 0; zero.jpegMaxQuality = 0
        #expect(try Self.frontFrame(zero).frame == plain.frame)
        let effects: [(String, (inout DomainRandomization) -> Void)] = [
            ("exposure", { $0.exposureGain = 0.3 }), ("white balance", { $0.whiteBalance = 0.1 }),
            ("blur", { $0.blur = 3 }), ("jpeg", { $0.jpegMinQuality = 30; $0.jpegMaxQuality = 60 }),
        ]
        for (name, set) in effects {
            var settings = off
            set(&settings)
            let changed = try Self.frontFrame(settings)
            let d = Self.difference(changed.frame, plain.frame)
            print("\(name): mean |Δ| \(d.mean)")
            #expect(changed.frame != plain.frame, "\(name) changes the frame")
            #expect(changed.state == plain.state, "\(name) leaves the other draws alone")
        }
        // Defaults on: the same episode is reproducible, another episode draws other effects.
        let a = try Self.frontFrame(DomainRandomization()), b = try Self.frontFrame(DomainRandomization())
        #expect(a.frame == b.frame)
    }

    @Test("Webcam randomization values are validated", arguments: [
        { (r: inout DomainRandomization) in r.exposureGain = -0.1 }, { r in r.whiteBalance = 1 }, { r in r.blur = -1 },
        { r in r.jpegMinQuality = 0; r.jpegMaxQuality = 80 }, { r in r.jpegMinQuality = 90; r.jpegMaxQuality = 80 },
        { r in r.jpegMaxQuality = 101 },
    ] as [@Sendable (inout DomainRandomization) -> Void])
    func validation(_ set: @Sendable (inout DomainRandomization) -> Void) {
        var settings = DomainRandomization()
        set(&settings)
        #expect(throws: SimulationError.self) { try settings.validate() }
    }
}
