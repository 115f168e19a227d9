import CPNG
import Foundation

/// Reads still images from files: PNG through libpng's simplified API, JPEG through
/// libturbojpeg (``FrameDecoder``), told apart by their first bytes.
public enum ImageFile {
    /// The image at `path` as RGB8.
    /// - Throws: ``CameraError/imageReadFailed(path:reason:)``: no such file, not a PNG or JPEG, or undecodable.
    public static func read(_ path: String) throws(CameraError) -> RGBImage {
        guard FileManager.default.fileExists(atPath: path) else { throw .imageReadFailed(path: path, reason: "no such file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .imageReadFailed(path: path, reason: "the file cannot be read (permissions?)")
        }
        let bytes = [UInt8](data.prefix(8))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return try readPNG(path) }
        if bytes.starts(with: [0xFF, 0xD8]) {
            var image = RGBImage()
            let decoder = FrameDecoder()
            let outcome: Result<Void, CameraError> = data.withUnsafeBytes { raw in
                do throws(CameraError) {
                    try decoder.decode(jpeg: raw, into: &image)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            if case let .failure(error) = outcome {
                if case let .decodeFailed(_, reason) = error { throw .imageReadFailed(path: path, reason: "not a valid JPEG: \(reason)") }
                throw error
            }
            return image
        }
        throw .imageReadFailed(path: path, reason: data.isEmpty ? "the file is empty" : "not a PNG or JPEG image")
    }

    private static func readPNG(_ path: String) throws(CameraError) -> RGBImage {
        var pixels: UnsafeMutablePointer<UInt8>?
        var width: UInt32 = 0, height: UInt32 = 0
        var message = [CChar](repeating: 0, count: 256)
        guard pirl_png_read_rgb(path, &pixels, &width, &height, &message, message.count) == 0, let pixels else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .imageReadFailed(path: path, reason: "not a valid PNG: \(text.isEmpty ? "libpng failed" : text)")
        }
        defer { pirl_png_free(pixels) }
        let count = Int(width) * Int(height) * 3
        return RGBImage(width: Int(width), height: Int(height), pixels: Array(UnsafeBufferPointer(start: pixels, count: count)))
    }
}
