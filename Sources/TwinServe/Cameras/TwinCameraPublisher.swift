import Camera
import CTurboJPEG
import Foundation
import SimTrainer
import Synchronization

/// One twin camera as a live V4L2 source: a thread renders it at its native size at the
/// camera's frame rate from the newest ``TwinSceneFeed`` state (never from the physics
/// thread's data, so rendering never holds up physics), encodes MJPEG with libturbojpeg
/// and writes the frame into a ``FrameRing``. A marker file next to the ring is the
/// camera's "device node": `V4L2Camera` opens it through libv4l2 and the fake plugin's
/// live mode serves the ring (docs/sim-serve.md).
///
/// Faults for testing a runtime: ``stall(seconds:)`` withholds frames as a stalled
/// camera does; ``unplug()`` makes every open capture fail with ENODEV and removes the
/// node until ``replug()``.
public final class TwinCameraPublisher: @unchecked Sendable {
    /// The camera (its native size is the frame size).
    public let camera: TwinCamera
    /// The settings.
    public let options: CameraPublishingOptions
    /// The device path capturing processes open (`--camera NAME=PATH`).
    public let markerPath: String
    /// The frame ring behind it.
    public var ringPath: String { ring.path }

    let ring: FrameRing
    let scene: TwinSceneFeed
    private let card: String
    struct Control {
        var stop = false
        var plugged = true
        var stalledUntil: UInt64 = 0
    }
    let control = Mutex(Control())
    let counters = Mutex(CameraPublishingStatistics())
    let retained = Mutex<[PublishedRender]>([])
    let renderFailure = Mutex<TwinServeError?>(nil)
    private var thread: TwinThread?

    /// Creates the camera's ring and marker in `directory` (created when missing):
    /// `directory/NAME` and `directory/NAME.ring`.
    public init(camera: TwinCamera, directory: String, scene: TwinSceneFeed,
                options: CameraPublishingOptions = CameraPublishingOptions()) throws(TwinServeError) {
        try options.validate()
        self.camera = camera
        self.options = options
        self.scene = scene
        let folder = try Self.prepare(directory: directory)
        markerPath = folder + "/" + camera.name
        // The plugin reads the ring's path from the marker into a 256-byte field.
        guard markerPath.utf8.count + 5 < 256 else {
            throw .camerasFolderUnwritable(path: directory, reason: "its path is too long for a camera (255 bytes at most with the ring's name)")
        }
        card = "Pirl Twin \(camera.name)"
        let capacity = Int(tjBufSize(Int32(camera.nativeWidth), Int32(camera.nativeHeight), Int32(TJSAMP_422.rawValue)))
        ring = try FrameRing(path: markerPath + ".ring", width: camera.nativeWidth, height: camera.nativeHeight,
                             framesPerSecond: options.framesPerSecond, slotCount: options.slotCount,
                             latencyNanoseconds: UInt64(options.latencyMilliseconds * 1e6), payloadCapacity: capacity)
        try CameraMarker.write(at: markerPath, ringPath: ring.path, card: card)
    }

    deinit { stop() }

    /// The absolute path of `directory`, created if missing; throws when it cannot be written.
    static func prepare(directory: String) throws(TwinServeError) -> String {
        let manager = FileManager.default
        let url = URL(fileURLWithPath: directory).standardizedFileURL
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .camerasFolderUnwritable(path: directory, reason: "it is a file") }
        } else {
            do { try manager.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw .camerasFolderUnwritable(path: directory, reason: error.localizedDescription)
            }
        }
        guard manager.isWritableFile(atPath: url.path) else {
            throw .camerasFolderUnwritable(path: directory, reason: "it is not writable")
        }
        return url.path
    }

    /// Starts the render thread.
    public func start() throws(TwinServeError) {
        guard thread == nil else { return }
        thread = try TwinThread(name: "pirl-cam-\(camera.name)") { [self] in run() }
    }

    /// Stops rendering, unplugs the camera (open captures get ENODEV, as when the twin's
    /// process is gone) and removes its marker and ring. Idempotent.
    public func stop() {
        control.withLock { $0.stop = true }
        thread?.join()
        thread = nil
        ring.setPlugged(false)
        CameraMarker.remove(at: markerPath)
        ring.remove()
    }

    // MARK: Faults

    /// No new frames for `seconds`, as when a camera's firmware or USB link hangs; capture
    /// sees no frame and times out, and frames flow again afterwards.
    public func stall(seconds: Double) {
        let until = MonotonicTime.nanoseconds() + UInt64(max(0, seconds) * 1e9)
        control.withLock { $0.stalledUntil = max($0.stalledUntil, until) }
    }

    /// Pulls the camera: every open capture fails with ENODEV and the node disappears.
    public func unplug() {
        control.withLock { $0.plugged = false }
        ring.setPlugged(false)
        CameraMarker.remove(at: markerPath)
    }

    /// Plugs it back in: the node reappears; captures must reopen it (old fds stay dead).
    public func replug() throws(TwinServeError) {
        ring.setPlugged(true)
        try CameraMarker.write(at: markerPath, ringPath: ring.path, card: card)
        control.withLock { $0.plugged = true }
    }

    /// Whether it is plugged in.
    public var isPlugged: Bool { control.withLock { $0.plugged } }

    // MARK: Reporting

    /// Counters and timings since start.
    public var statistics: CameraPublishingStatistics { counters.withLock { $0 } }

    /// Why the render thread stopped by itself, if it did.
    public var failure: TwinServeError? { renderFailure.withLock { $0 } }

    /// The last ``CameraPublishingOptions/retainedRenders`` published renders, oldest first.
    public func recentRenders() -> [PublishedRender] { retained.withLock { $0 } }
}
