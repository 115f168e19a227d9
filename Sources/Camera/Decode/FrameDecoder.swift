import CTurboJPEG

/// Turns a captured frame into an ``RGBImage``: MJPEG through libturbojpeg
/// (tjDecompress2), YUYV with BT.601 limited-range integer arithmetic (the
/// V4L2 default quantization for Y'CbCr with the sRGB colorspace UVC reports),
/// RGB24 (conversion mode) by copying. Decode only the frame you use.
///
/// Owns a TurboJPEG handle: one decoder per thread.
public final class FrameDecoder {
    private let handle: tjhandle
    private let flags: Int32

    /// tjInitDecompress(). `fastDCT` selects libjpeg-turbo's fast integer
    /// inverse DCT (TJFLAG_FASTDCT) over the accurate one: quicker, and at
    /// webcam qualities differing from it by a level or two at most.
    public init(fastDCT: Bool = false) {
        guard let handle = tjInitDecompress() else { fatalError("tjInitDecompress failed: out of memory") }
        self.handle = handle
        flags = fastDCT ? TJFLAG_FASTDCT : 0
    }

    deinit { tjDestroy(handle) }

    /// Decodes `frame` into `image`, resizing `image` to the frame's size.
    ///
    /// With `minimumSize`, an MJPEG frame is decoded at the smallest
    /// libjpeg-turbo DCT scaling factor (1/2, 1/4 or 1/8) that still yields at
    /// least that many pixels in both directions — the same trick as Pillow's
    /// `Image.draft()`. It skips most of the inverse DCT and colour conversion,
    /// at the cost of a slightly different image than a full decode followed
    /// by resampling. Other formats ignore it.
    public func decode(_ frame: FrameBuffer, into image: inout RGBImage, minimumSize: (width: Int, height: Int)? = nil) throws(CameraError) {
        guard let info = frame.info else { throw .decodeFailed(format: .rgb24, reason: "the buffer holds no frame") }
        let outcome: Result<Void, CameraError> = frame.withBytes { bytes in
            do throws(CameraError) {
                try decode(bytes, info: info, into: &image, minimumSize: minimumSize)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try outcome.get()
    }

    /// Decodes raw bytes described by `info` into `image` (see ``decode(_:into:minimumSize:)``).
    public func decode(
        _ bytes: UnsafeRawBufferPointer, info: FrameInfo, into image: inout RGBImage,
        minimumSize: (width: Int, height: Int)? = nil
    ) throws(CameraError) {
        switch info.pixelFormat {
        case .mjpeg: try decodeJPEG(bytes, into: &image, minimumSize: minimumSize)
        case .yuyv: try decodeYUYV(bytes, info: info, into: &image)
        case .rgb24: try copyRGB(bytes, info: info, into: &image)
        default: throw .decodeFailed(format: info.pixelFormat, reason: "no decoder for this pixel format")
        }
    }

    /// Decodes one JPEG image (an MJPEG frame's bytes) into `image`, as
    /// ``decode(_:info:into:minimumSize:)`` does for an MJPEG frame.
    public func decode(jpeg bytes: UnsafeRawBufferPointer, into image: inout RGBImage,
                       minimumSize: (width: Int, height: Int)? = nil) throws(CameraError) {
        try decodeJPEG(bytes, into: &image, minimumSize: minimumSize)
    }

    /// tjDecompressHeader3 + tjDecompress2 to TJPF_RGB. libjpeg-turbo supplies
    /// the standard Huffman tables when a Motion-JPEG frame omits them (DHT).
    private func decodeJPEG(
        _ bytes: UnsafeRawBufferPointer, into image: inout RGBImage, minimumSize: (width: Int, height: Int)?
    ) throws(CameraError) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 2 else {
            throw .decodeFailed(format: .mjpeg, reason: "empty buffer")
        }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace) == 0 else {
            throw .decodeFailed(format: .mjpeg, reason: String(cString: tjGetErrorStr2(handle)))
        }
        if let minimumSize {
            let scaled = Self.scaledSize(width: Int(width), height: Int(height), minimumSize: minimumSize)
            width = Int32(scaled.width)
            height = Int32(scaled.height)
        }
        image.reshape(width: Int(width), height: Int(height))
        let result = image.withUnsafeMutableBytes { out in
            tjDecompress2(handle, base, UInt(bytes.count), out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                          width, width * 3, height, TJPF_RGB.rawValue, flags)
        }
        // A warning (truncated data in a damaged frame) still yields an image; an error does not.
        if result != 0 && tjGetErrorCode(handle) == TJERR_FATAL.rawValue {
            throw .decodeFailed(format: .mjpeg, reason: String(cString: tjGetErrorStr2(handle)))
        }
    }

    /// YUYV (Y0 U Y1 V per pixel pair) to RGB with the BT.601 limited-range
    /// matrix in 8-bit fixed point: C = Y − 16, D = U − 128, E = V − 128,
    /// R = (298C + 409E + 128) >> 8, G = (298C − 100D − 208E + 128) >> 8,
    /// B = (298C + 516D + 128) >> 8, clamped to 0…255.
    private func decodeYUYV(_ bytes: UnsafeRawBufferPointer, info: FrameInfo, into image: inout RGBImage) throws(CameraError) {
        let width = info.width, height = info.height
        let stride = info.bytesPerLine > 0 ? info.bytesPerLine : width * 2
        guard width % 2 == 0, bytes.count >= stride * (height - 1) + width * 2 else {
            throw .decodeFailed(format: .yuyv, reason: "\(bytes.count) bytes for \(width)x\(height)")
        }
        image.reshape(width: width, height: height)
        image.withUnsafeMutableBytes { out in
            let source = bytes.bindMemory(to: UInt8.self)
            let destination = out.bindMemory(to: UInt8.self)
            for y in 0..<height {
                var input = y * stride
                var output = y * width * 3
                for _ in 0..<(width / 2) {
                    let d = Int32(source[input + 1]) - 128
                    let e = Int32(source[input + 3]) - 128
                    let red = 409 * e + 128, green = -100 * d - 208 * e + 128, blue = 516 * d + 128
                    let c0 = 298 * (Int32(source[input]) - 16)
                    let c1 = 298 * (Int32(source[input + 2]) - 16)
                    destination[output] = Self.clamp((c0 + red) >> 8)
                    destination[output + 1] = Self.clamp((c0 + green) >> 8)
                    destination[output + 2] = Self.clamp((c0 + blue) >> 8)
                    destination[output + 3] = Self.clamp((c1 + red) >> 8)
                    destination[output + 4] = Self.clamp((c1 + green) >> 8)
                    destination[output + 5] = Self.clamp((c1 + blue) >> 8)
                    output += 6
                    input += 4
                }
            }
        }
    }

    private func copyRGB(_ bytes: UnsafeRawBufferPointer, info: FrameInfo, into image: inout RGBImage) throws(CameraError) {
        let rowBytes = info.width * 3
        let stride = info.bytesPerLine > 0 ? info.bytesPerLine : rowBytes
        guard bytes.count >= stride * (info.height - 1) + rowBytes else {
            throw .decodeFailed(format: .rgb24, reason: "\(bytes.count) bytes for \(info.width)x\(info.height)")
        }
        image.reshape(width: info.width, height: info.height)
        image.withUnsafeMutableBytes { out in
            for y in 0..<info.height {
                out.baseAddress!.advanced(by: y * rowBytes)
                    .copyMemory(from: bytes.baseAddress!.advanced(by: y * stride), byteCount: rowBytes)
            }
        }
    }

    /// The size an MJPEG frame of `width × height` decodes to with `minimumSize`: the
    /// smallest libjpeg-turbo scaling (1/8, 1/4, 1/2, else 1) keeping at least that many
    /// pixels in both directions. The twin renders its cameras at this size, so its
    /// preprocessing starts from the same resolution as a real camera's.
    public static func scaledSize(width: Int, height: Int, minimumSize: (width: Int, height: Int)) -> (width: Int, height: Int) {
        // TJSCALED(dimension, 1/d) = ceil(dimension / d); tjDecompress2 picks the factor from the size.
        for denominator in [8, 4, 2] {
            let scaledWidth = (width + denominator - 1) / denominator
            let scaledHeight = (height + denominator - 1) / denominator
            if scaledWidth >= minimumSize.width && scaledHeight >= minimumSize.height { return (scaledWidth, scaledHeight) }
        }
        return (width, height)
    }

    @inline(__always)
    private static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }
}
