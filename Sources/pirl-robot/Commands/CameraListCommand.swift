import ArgumentParser
import Camera

extension PirlRobot.Cameras {
    /// `pirl-robot cameras list`: capture nodes with by-id paths and modes.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List video capture devices, their /dev/v4l/by-id paths, formats, sizes and frame rates.")

        @Option(name: .customLong("device"), help: "Only look at these nodes (default: every /dev/video*).")
        var devices: [String] = []

        @Option(help: "Directory of stable device links.")
        var byIDDirectory = "/dev/v4l/by-id"

        func run() throws {
            let cameras = DeviceDiscovery.cameras(
                candidates: devices.isEmpty ? nil : devices, byIDDirectory: byIDDirectory)
            guard !cameras.isEmpty else {
                print("""
                    No V4L2 capture devices found (looked at \(devices.isEmpty ? "/dev/video*" : devices.joined(separator: ", "))).
                    Plug in a UVC camera, check `ls /dev/video*`, and make sure your user is in the 'video' group.
                    """)
                return
            }
            for camera in cameras {
                let caps = camera.capabilities
                print("\(camera.path)  \(caps.card) (\(caps.driver), \(caps.busInfo))")
                for link in camera.byIDPaths { print("  by-id: \(link)") }
                for mode in camera.modes { print("  \(mode)") }
            }
        }
    }
}
