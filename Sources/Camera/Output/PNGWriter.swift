import CPNG

/// Writes RGB images as PNG files through libpng's simplified API
/// (png_image_write_to_file, wrapped by `pirl_png_write_rgb` in CPNG).
public enum PNGWriter {
    /// Writes `image` to `path`, replacing any file there.
    public static func write(_ image: RGBImage, to path: String) throws(CameraError) {
        var message = [CChar](repeating: 0, count: 256)
        let result = image.withUnsafeBytes { pixels in
            pirl_png_write_rgb(path, UInt32(image.width), UInt32(image.height),
                               pixels.baseAddress?.assumingMemoryBound(to: UInt8.self),
                               image.width * 3, &message, message.count)
        }
        guard result == 0 else {
            let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw .imageWriteFailed(path: path, reason: text.isEmpty ? "libpng failed" : text)
        }
    }
}
