import Camera

/// One named camera of the robot, delivering the newest frame decoded and
/// resized (the checkpoint's camera `resize`, pad by default; the shared
/// preprocessing the twin applies to its renders too) to the policy's input
/// size. The V4L2 capture thread runs inside `V4L2Camera`; decoding happens
/// only for the frame the inference thread asks for.
public final class CameraFeed {
    /// The name the checkpoint knows the camera by (e.g. "front", "wrist").
    public let name: String
    /// The capture device.
    public let camera: V4L2Camera
    /// The model's input size.
    public let width: Int
    public let height: Int
    /// Oldest frame accepted, in milliseconds.
    public let maxAgeMilliseconds: Double
    private let decoder = FrameDecoder()
    private let preprocessor: ImagePreprocessor
    private var raw = FrameBuffer()
    private var decoded = RGBImage()
    private var resized = RGBImage()

    /// Opens `device` for the camera called `name`, producing `width × height` images fitted with `resize`.
    public init(name: String, device: String, width: Int, height: Int, resize: ResizeMethod = .resizeWithPad,
                maxAgeMilliseconds: Double = 200,
                configure: (inout CameraConfiguration) -> Void = { _ in }) throws(CameraError) {
        var configuration = CameraConfiguration(device: device)
        configure(&configuration)
        self.name = name
        self.camera = try V4L2Camera(configuration: configuration)
        self.width = width
        self.height = height
        self.maxAgeMilliseconds = maxAgeMilliseconds
        preprocessor = ImagePreprocessor(width: width, height: height, method: resize)
    }

    /// Starts capturing.
    public func start() throws(CameraError) { try camera.start() }

    /// Stops capturing and releases the device.
    public func stop() { camera.stop() }

    /// The newest frame no older than `maxAgeMilliseconds`, as RGB8 at the model's
    /// size, and its capture time (CLOCK_MONOTONIC ns). Throws the camera's typed
    /// staleness or disconnection error otherwise.
    public func image() throws(CameraError) -> (pixels: [UInt8], timestampNanoseconds: UInt64) {
        let info = try camera.frame(notOlderThanMilliseconds: maxAgeMilliseconds, into: &raw)
        try decoder.decode(raw, into: &decoded, minimumSize: (width, height))
        preprocessor.resize(decoded, into: &resized)
        return (resized.pixels, info.timestampNanoseconds)
    }
}
