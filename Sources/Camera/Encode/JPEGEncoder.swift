import CTurboJPEG

/// Compresses RGB8 images to baseline JPEG with libturbojpeg (tjCompress2), as a
/// UVC webcam does for its MJPEG stream: the twin uses it to give its renders the
/// same compression artifacts, and tests to make frames for ``FrameDecoder``.
///
/// Owns a TurboJPEG handle and a reusable output buffer: one encoder per thread.
public final class JPEGEncoder {
    /// Chroma subsampling of the encoded image.
    public enum Subsampling: Sendable {
        /// 4:2:2 (chroma halved horizontally), what UVC webcams' MJPEG streams use.
        case yuv422
        /// 4:2:0 (halved both ways).
        case yuv420
        /// 4:4:4 (full-resolution chroma).
        case yuv444

        var turboJPEG: Int32 {
            switch self {
            case .yuv422: Int32(TJSAMP_422.rawValue)
            case .yuv420: Int32(TJSAMP_420.rawValue)
            case .yuv444: Int32(TJSAMP_444.rawValue)
            }
        }
    }

    private let handle: tjhandle
    private var buffer: UnsafeMutablePointer<UInt8>?
    private var capacity: UInt = 0

    /// tjInitCompress().
    public init() {
        guard let handle = tjInitCompress() else { fatalError("tjInitCompress failed: out of memory") }
        self.handle = handle
    }

    deinit {
        if let buffer { tjFree(buffer) }
        tjDestroy(handle)
    }

    /// Compresses packed RGB8 `pixels` (rows `bytesPerRow` apart, top-down) at `quality`
    /// (1…100) and hands the JPEG bytes to `body`; they are valid only inside it.
    /// The output buffer is kept for the next image of the same size, so a steady
    /// stream allocates nothing.
    public func withEncoded<Result>(
        _ pixels: UnsafeRawBufferPointer, width: Int, height: Int, bytesPerRow: Int, quality: Int,
        subsampling: Subsampling = .yuv422, _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(CameraError) -> Result {
        guard width > 0, height > 0, (1...100).contains(quality),
              pixels.count >= bytesPerRow * (height - 1) + width * 3 else {
            throw .encodeFailed(reason: "\(width)x\(height) image in \(pixels.count) bytes at quality \(quality)")
        }
        let needed = tjBufSize(Int32(width), Int32(height), subsampling.turboJPEG)
        if needed > capacity {
            if let buffer { tjFree(buffer) }
            buffer = tjAlloc(Int32(needed))
            capacity = buffer == nil ? 0 : needed
        }
        guard buffer != nil else { throw .encodeFailed(reason: "tjAlloc(\(needed)) failed") }
        var output: UnsafeMutablePointer<UInt8>? = buffer
        var size = capacity
        let result = tjCompress2(handle, pixels.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(width),
                                 Int32(bytesPerRow), Int32(height), TJPF_RGB.rawValue, &output, &size,
                                 subsampling.turboJPEG, Int32(quality), TJFLAG_NOREALLOC)
        guard result == 0 else { throw .encodeFailed(reason: String(cString: tjGetErrorStr2(handle))) }
        // TJFLAG_NOREALLOC: libturbojpeg wrote into our buffer and left the pointer as it was.
        return body(UnsafeRawBufferPointer(start: output, count: Int(size)))
    }

    /// The JPEG bytes of `image` at `quality` (allocates the returned array).
    public func encode(_ image: RGBImage, quality: Int, subsampling: Subsampling = .yuv422) throws(CameraError) -> [UInt8] {
        let outcome: Result<[UInt8], CameraError> = image.withUnsafeBytes { pixels in
            do throws(CameraError) {
                return .success(try withEncoded(pixels, width: image.width, height: image.height, bytesPerRow: image.width * 3,
                                                quality: quality, subsampling: subsampling) { Array($0) })
            } catch {
                return .failure(error)
            }
        }
        return try outcome.get()
    }
}
