import Foundation
import TestSupport
import Testing
@testable import Camera

@Suite("Camera errors from the fake V4L2 device", .serialized, .enabled(if: FakeCamera.isInstalled))
struct CameraErrorTests {
    @Test("EBUSY at S_FMT names the device and the fix")
    func busy() throws {
        let fake = try FakeCamera(["formats=YUYV", "fail=S_FMT:EBUSY"])
        defer { fake.remove() }
        let error = thrownError(CameraError.self) { _ = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv])) }
        #expect(error == .busy(path: fake.path, operation: "VIDIOC_S_FMT YUYV 640x480"))
        #expect(error?.description.contains("fuser \(fake.path)") == true)
    }

    @Test("ENOSPC at STREAMON is reported as USB bandwidth")
    func bandwidth() throws {
        let fake = try FakeCamera(["formats=YUYV", "fail=STREAMON:ENOSPC"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv]))
        #expect(throws: CameraError.usbBandwidth(path: fake.path, format: "YUYV 640x480")) { try camera.start() }
        #expect(CameraError.usbBandwidth(path: fake.path, format: "YUYV 640x480").description.contains("MJPEG"))
    }

    @Test("ENOSPC with YUYV falls back to the next preferred format, MJPEG")
    func bandwidthFallback() throws {
        let fake = try FakeCamera(["formats=YUYV,MJPG", "nospc_format=YUYV"])
        defer { fake.remove() }
        let camera = try V4L2Camera(configuration: fake.configuration(formats: [.yuyv, .mjpeg]))
        #expect(camera.setup.format.pixelFormat == .yuyv)
        try camera.start()
        defer { camera.stop() }
        #expect(camera.setup.format.pixelFormat == .mjpeg)
        var buffer = FrameBuffer()
        #expect(try camera.read(into: &buffer).pixelFormat == .mjpeg)
    }

    @Test("EINVAL at REQBUFS is an invalid request")
    func invalid() throws {
        let fake = try FakeCamera(["formats=YUYV", "fail=REQBUFS:EINVAL"])
        defer { fake.remove() }
        #expect(throws: CameraError.invalidRequest(path: fake.path, operation: "VIDIOC_REQBUFS 4 MMAP")) {
            try V4L2Camera(configuration: fake.configuration(formats: [.yuyv]))
        }
    }

    @Test("a metadata-only node is refused")
    func metadataNode() throws {
        let fake = try FakeCamera(["metadata=1"])
        defer { fake.remove() }
        #expect(throws: CameraError.notACaptureDevice(path: fake.path, card: "Pirl Fake Camera")) {
            try V4L2Camera(configuration: fake.configuration())
        }
        #expect(DeviceDiscovery.cameras(candidates: [fake.path]).isEmpty)
    }

    @Test("a substituted size is caught by comparing S_FMT's answer")
    func sizeMismatch() throws {
        let fake = try FakeCamera(["formats=YUYV", "sizes=640x480"])
        defer { fake.remove() }
        var configuration = fake.configuration(formats: [.yuyv])
        configuration.width = 1280
        configuration.height = 720
        #expect(throws: CameraError.formatMismatch(path: fake.path, requested: "YUYV 1280x720", granted: "YUYV 640x480")) {
            try V4L2Camera(configuration: configuration)
        }
    }

    @Test("no requested format offered lists what is")
    func unsupportedFormat() throws {
        let fake = try FakeCamera(["formats=YUYV"])
        defer { fake.remove() }
        #expect(throws: CameraError.unsupportedFormat(path: fake.path, requested: [.mjpeg], available: [.yuyv])) {
            try V4L2Camera(configuration: fake.configuration(formats: [.mjpeg]))
        }
    }

    @Test("a missing node is ENOENT with a fix")
    func missing() throws {
        let configuration = CameraConfiguration(device: "/nonexistent/video9")
        #expect(throws: CameraError.cannotOpen(path: "/nonexistent/video9", errno: Errno(2))) {
            try V4L2Camera(configuration: configuration)
        }
    }

    @Test("controls are set after S_FMT and read back; clamped values show")
    func controls() throws {
        let fake = try FakeCamera(["formats=YUYV", "exposure_max=1000"])
        defer { fake.remove() }
        var configuration = fake.configuration(formats: [.yuyv])
        configuration.controls.exposureAuto = 1
        configuration.controls.exposureAbsolute = 5000
        configuration.controls.exposureAutoPriority = 0
        configuration.controls.powerLineFrequency = 2
        let camera = try V4L2Camera(configuration: configuration)
        #expect(camera.setup.controls == [
            AppliedControl(control: .exposureAuto, requested: 1, readBack: 1),
            AppliedControl(control: .exposureAbsolute, requested: 5000, readBack: 1000),
            AppliedControl(control: .exposureAutoPriority, requested: 0, readBack: 0),
            AppliedControl(control: .powerLineFrequency, requested: 2, readBack: 2),
        ])
        #expect(camera.setup.controls[1].description == "exposure_time_absolute = 1000 (asked 5000)")
    }

    @Test("a control value the camera rejects (EINVAL) is an error naming it")
    func rejectedControl() throws {
        let fake = try FakeCamera(["formats=YUYV"])
        defer { fake.remove() }
        var configuration = fake.configuration(formats: [.yuyv])
        configuration.controls.exposureAuto = 0
        #expect(throws: CameraError.invalidRequest(path: fake.path, operation: "VIDIOC_S_CTRL auto_exposure=0")) {
            try V4L2Camera(configuration: configuration)
        }
    }
}

@Suite("Device discovery")
struct DiscoveryTests {
    @Test("lists the fake's formats, sizes and rates, and its by-id links", .enabled(if: FakeCamera.isInstalled))
    func listsFake() throws {
        let fake = try FakeCamera(["formats=MJPG,YUYV", "sizes=640x480,320x240", "fps=30,15", "card=Desk Cam"])
        defer { fake.remove() }
        let link = try fake.link("usb-Desk_Cam-video-index0", to: fake.path)
        let found = DeviceDiscovery.cameras(candidates: [fake.path], byIDDirectory: fake.byIDDirectory)
        let camera = try #require(found.first)
        #expect(camera.capabilities.card == "Desk Cam")
        #expect(camera.byIDPaths == [link])
        #expect(camera.modes.map(\.description) == [
            "MJPG 640x480 @ 30, 15 fps", "MJPG 320x240 @ 30, 15 fps",
            "YUYV 640x480 @ 30, 15 fps", "YUYV 320x240 @ 30, 15 fps",
        ])
        #expect(DeviceDiscovery.stablePath(for: fake.path, in: fake.byIDDirectory) == link)
        #expect(DeviceDiscovery.stablePath(for: link, in: fake.byIDDirectory) == link)
    }

    @Test("video nodes sort numerically")
    func nodeOrder() throws {
        let fake = try FakeCamera()
        defer { fake.remove() }
        for name in ["video10", "video2", "video0", "videox", "vbi0"] {
            try "".write(toFile: fake.directory.appendingPathComponent(name).path, atomically: true, encoding: .utf8)
        }
        #expect(DeviceDiscovery.videoNodes(in: fake.directory.path).map { String($0.split(separator: "/").last!) }
                == ["video0", "video2", "video10"])
    }
}
