#if canImport(Glibc)
import Glibc
#endif

/// One capture mode a camera offers.
public struct CameraMode: Sendable, Equatable, CustomStringConvertible {
    /// Pixel format.
    public let pixelFormat: PixelFormat
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Discrete frame rates offered at this size.
    public let framesPerSecond: [Double]

    /// e.g. "MJPG 640x480 @ 30, 15 fps".
    public var description: String {
        let rates = framesPerSecond.map { $0 == $0.rounded() ? String(Int($0)) : String($0) }
        return "\(pixelFormat) \(width)x\(height)" + (rates.isEmpty ? "" : " @ \(rates.joined(separator: ", ")) fps")
    }
}

/// A capture node found on this machine.
public struct CameraDescription: Sendable, Equatable {
    /// The /dev/videoN node.
    public let path: String
    /// The /dev/v4l/by-id links that point to it (stable across re-plugging).
    public let byIDPaths: [String]
    /// QUERYCAP's answer.
    public let capabilities: DeviceCapabilities
    /// Formats × sizes × rates, as ENUM_FMT / ENUM_FRAMESIZES / ENUM_FRAMEINTERVALS say.
    public let modes: [CameraMode]
}

/// Finds V4L2 capture nodes and their stable /dev/v4l/by-id names.
public enum DeviceDiscovery {
    /// Every video capture node among `candidates` (default: /dev/video*),
    /// skipping metadata-only nodes and nodes that cannot be opened.
    public static func cameras(
        candidates: [String]? = nil, byIDDirectory: String = "/dev/v4l/by-id"
    ) -> [CameraDescription] {
        let paths = candidates ?? videoNodes()
        return paths.compactMap { path in
            guard let device = try? V4L2Device(path: path, convert: false) else { return nil }
            defer { device.close() }
            var modes: [CameraMode] = []
            for format in device.pixelFormats() {
                for size in device.frameSizes(for: format) {
                    modes.append(CameraMode(
                        pixelFormat: format, width: size.width, height: size.height,
                        framesPerSecond: device.frameRates(for: format, width: size.width, height: size.height)))
                }
            }
            return CameraDescription(
                path: path, byIDPaths: links(to: path, in: byIDDirectory),
                capabilities: device.capabilities, modes: modes)
        }
    }

    /// /dev/video* in numeric order.
    public static func videoNodes(in directory: String = "/dev") -> [String] {
        entries(of: directory)
            .filter { $0.hasPrefix("video") && Int($0.dropFirst(5)) != nil }
            .sorted { Int($0.dropFirst(5))! < Int($1.dropFirst(5))! }
            .map { directory + "/" + $0 }
    }

    /// The path to reopen `device` by after an unplug: `device` itself when it
    /// already lies in `directory`, else a link in `directory` resolving to
    /// the same node, else `device`.
    public static func stablePath(for device: String, in directory: String) -> String {
        if device.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/") { return device }
        return links(to: device, in: directory).first ?? device
    }

    /// Entries of `directory` whose realpath(3) equals that of `target`.
    static func links(to target: String, in directory: String) -> [String] {
        guard let resolved = realPath(target) else { return [] }
        return entries(of: directory).sorted().compactMap { name in
            let path = directory + "/" + name
            return realPath(path) == resolved ? path : nil
        }
    }

    /// realpath(3).
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// opendir(3) / readdir(3) names, without "." and "..".
    static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
