import Camera
import Policy
import Synchronization

/// Where the policy's camera images come from: V4L2 cameras on the real arm,
/// renders on the simulated twin. Called on the inference thread only.
public protocol ImageSource: AnyObject {
    /// Camera names this source provides.
    var cameraNames: [String] { get }
    /// The newest image of every camera at the model's size, and the capture time
    /// of the oldest of them (CLOCK_MONOTONIC ns).
    func capture() throws -> (images: [String: RGBFrame], oldestTimestampNanoseconds: UInt64)
}

/// The robot's V4L2 cameras, by name.
public final class CameraRig: ImageSource {
    /// The feeds, in the checkpoint's camera order.
    public let feeds: [CameraFeed]
    public var cameraNames: [String] { feeds.map(\.name) }
    private let lastImages = Mutex<[String: [UInt8]]>([:])

    /// The images of the last successful capture (for `--record`, read on the control thread).
    public var latestImages: [String: [UInt8]] { lastImages.withLock { $0 } }

    /// Wraps started feeds.
    public init(feeds: [CameraFeed]) { self.feeds = feeds }

    public func capture() throws -> (images: [String: RGBFrame], oldestTimestampNanoseconds: UInt64) {
        var images: [String: RGBFrame] = [:]
        var oldest = UInt64.max
        for feed in feeds {
            let pixels: [UInt8]
            let timestamp: UInt64
            do {
                (pixels, timestamp) = try feed.image()
            } catch {
                throw CameraFeedError(camera: feed.name, underlying: "\(error)")
            }
            images[feed.name] = RGBFrame(width: feed.width, height: feed.height, rgb: pixels)
            oldest = min(oldest, timestamp)
        }
        lastImages.withLock { slot in for (name, frame) in images { slot[name] = frame.rgb } }
        return (images, oldest == .max ? 0 : oldest)
    }

    /// Starts every feed.
    public func start() throws { for feed in feeds { try feed.start() } }

    /// Stops every feed.
    public func stop() { for feed in feeds { feed.stop() } }
}

/// A camera the policy needs could not deliver a fresh frame.
public struct CameraFeedError: Error, Sendable, CustomStringConvertible {
    /// The camera's name in the checkpoint.
    public var camera: String
    /// What the capture layer reported.
    public var underlying: String

    public var description: String { "camera \(camera): \(underlying)" }
}
