import Camera

/// One twin camera from render to model input, the way `run` treats a frame of the real
/// camera: render at the camera's aspect ratio and at the size `run`'s MJPEG decoder
/// produces (``TwinCamera/renderSize(forInputWidth:height:)``), apply the episode's
/// ``WebcamEffects``, then the same ``ImagePreprocessor`` resize `CameraFeed` uses. The
/// result, ``frame``, is what `CameraFeed.image()` returns on hardware: model-size RGB8,
/// letterbox bars included.
///
/// Allocates nothing per frame once built (the JPEG round trip reuses its buffers).
final class CameraPipeline {
    /// The camera.
    let camera: TwinCamera
    /// Its MuJoCo camera id.
    let cameraID: Int
    /// Render size (pixels).
    let renderWidth: Int, renderHeight: Int
    /// This episode's webcam effects.
    var effects = WebcamEffects.none
    /// A photo (``renderWidth`` × ``renderHeight`` RGB8) shown wherever the render shows no
    /// geom of ``foreground`` (``EnvironmentConfiguration/backgroundImage``); empty: none.
    var backdrop: [UInt8] = []
    /// Geoms (by id) the backdrop stays behind: the arm and the task objects.
    var foreground: [Bool] = []
    /// The last render after the webcam effects (``renderWidth`` × ``renderHeight`` RGB8).
    private(set) var pixels: [UInt8]
    /// The model input of the last capture: RGB8 at the preprocessor's size.
    private(set) var frame = RGBImage()
    /// ``frame`` as the model's float tensor.
    private(set) var tensor: [Float]
    private let preprocessor: ImagePreprocessor
    private var filter = WebcamFilter()
    private var encoder: JPEGEncoder?
    private var decoder: FrameDecoder?
    private var decoded = RGBImage()

    /// A pipeline feeding a `width × height` model input fitted with `method`.
    init(camera: TwinCamera, cameraID: Int, width: Int, height: Int, method: ResizeMethod) {
        self.camera = camera
        self.cameraID = cameraID
        (renderWidth, renderHeight) = camera.renderSize(forInputWidth: width, height: height)
        pixels = [UInt8](repeating: 0, count: renderWidth * renderHeight * 3)
        preprocessor = ImagePreprocessor(width: width, height: height, method: method)
        tensor = [Float](repeating: 0, count: preprocessor.tensorElementCount)
    }

    /// How many native pixels one render pixel spans.
    var renderScale: Double { Double(camera.nativeWidth) / Double(renderWidth) }

    /// Renders the camera (green-screened over ``backdrop`` when there is one), applies the
    /// effects (`noise` adds the sensor noise after the gains, before compression) and
    /// preprocesses into ``frame`` and ``tensor``.
    func capture(_ data: MuJoCoData, renderer: OffscreenRenderer, noise: (inout [UInt8]) -> Void) throws {
        let (w, h) = (renderWidth, renderHeight)
        try pixels.withUnsafeMutableBytes { out in
            try backdrop.withUnsafeBytes { photo in
                try renderer.render(data, camera: cameraID, width: w, height: h, into: out,
                                    backdrop: backdrop.isEmpty ? nil : photo, foreground: foreground)
            }
        }
        filter.blur(&pixels, width: w, height: h, sigma: effects.blurSigma)
        if effects.hasGains { WebcamFilter.applyGains(effects.gains, to: &pixels, count: w * h * 3) }
        noise(&pixels)
        if let quality = effects.jpegQuality {
            let encoder = self.encoder ?? JPEGEncoder(), decoder = self.decoder ?? FrameDecoder()
            self.encoder = encoder
            self.decoder = decoder
            let outcome: Result<Void, CameraError> = pixels.withUnsafeBytes { raw in
                do throws(CameraError) {
                    return try encoder.withEncoded(raw, width: w, height: h, bytesPerRow: w * 3, quality: quality) { jpeg in
                        Result { () throws(CameraError) in try decoder.decode(jpeg: jpeg, into: &decoded) }
                    }
                } catch {
                    return .failure(error)
                }
            }
            try outcome.get()
            preprocessor.resize(decoded, into: &frame)
        } else {
            pixels.withUnsafeBytes { preprocessor.resize(fromPixels: $0, width: w, height: h, bytesPerRow: w * 3, into: &frame) }
        }
        try tensor.withUnsafeMutableBufferPointer { try preprocessor.tensor(fromResized: frame, into: $0) }
    }

    /// ``frame``'s bytes.
    var framePixels: [UInt8] { frame.byteCount == frame.pixels.count ? frame.pixels : Array(frame.pixels.prefix(frame.byteCount)) }
}
