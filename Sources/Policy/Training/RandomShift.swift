/// Random-shift image augmentation (Kostrikov et al. 2020, "Image Augmentation Is All You
/// Need", DrQ; Yarats et al. 2021, DrQ-v2): each image is replicate-padded by `pad` pixels
/// and cropped back to its size at a random integer offset, i.e. shifted by
/// `(dx, dy) ∈ [−pad, pad]²` with the edge pixels repeated. A CNN trained on a few
/// hundred demonstrations otherwise memorizes exact pixel positions; a shift of a few
/// pixels (DrQ: 4 at 84×84) regularizes it without changing what the scene shows.
///
/// Works in place on CHW float images and allocates nothing: rows are moved in the order
/// that reads every source pixel before it is overwritten.
public enum RandomShift {
    /// Shifts each of `count` images (`channels × height × width`, contiguous) by its own
    /// random offset, the same for all of its channels. Per image it draws `dx` then `dy`,
    /// each uniform in `−pad...pad`. `pad` 0 leaves the images untouched and draws nothing.
    public static func apply(
        _ images: inout [Float], count: Int, channels: Int, height: Int, width: Int, pad: Int,
        using rng: inout RandomSource
    ) {
        precondition(images.count == count * channels * height * width, "images must be count × channels × height × width")
        precondition(pad >= 0, "pad must be at least 0")
        guard pad > 0, count > 0 else { return }
        images.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!, perImage = channels * height * width
            for b in 0..<count {
                let dx = rng.index(below: 2 * pad + 1) - pad
                let dy = rng.index(below: 2 * pad + 1) - pad
                shift(base + b * perImage, channels: channels, height: height, width: width, dx: dx, dy: dy)
            }
        }
    }

    /// Sets `image[c][y][x] = image[c][clamp(y + dy)][clamp(x + dx)]` in place.
    public static func shift(_ image: UnsafeMutablePointer<Float>, channels: Int, height: Int, width: Int, dx: Int, dy: Int) {
        if dx == 0 && dy == 0 { return }
        for c in 0..<channels {
            let plane = image + c * height * width
            // Rows whose source lies below them are written top-down, those whose source lies
            // above bottom-up, so a source row is read before it is overwritten.
            if dy >= 0 {
                for y in 0..<height { shiftRow(plane + min(y + dy, height - 1) * width, plane + y * width, width: width, dx: dx) }
            } else {
                for y in stride(from: height - 1, through: 0, by: -1) {
                    shiftRow(plane + max(y + dy, 0) * width, plane + y * width, width: width, dx: dx)
                }
            }
        }
    }

    /// `dst[x] = src[clamp(x + dx)]`; `src` may be `dst`.
    @inline(__always)
    static func shiftRow(_ src: UnsafeMutablePointer<Float>, _ dst: UnsafeMutablePointer<Float>, width: Int, dx: Int) {
        if dx >= 0 {
            if src == dst && dx == 0 { return }
            for x in 0..<width { dst[x] = src[min(x + dx, width - 1)] }
        } else {
            for x in stride(from: width - 1, through: 0, by: -1) { dst[x] = src[max(x + dx, 0)] }
        }
    }
}
