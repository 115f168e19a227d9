/// How a source image is fitted into the model's input size.
public enum ResizeMethod: Sendable, Equatable {
    /// Keep the aspect ratio, scale to fit, pad with black, centred — as
    /// openpi's `image_tools.resize_with_pad` does with PIL.
    case resizeWithPad
    /// Crop the centre to the output aspect ratio, then scale to fill.
    case centerCropResize
}

/// Order of the float tensor's axes.
public enum TensorLayout: Sendable, Equatable {
    /// Height × width × channel (what openpi feeds its image encoders).
    case hwc
    /// Channel × height × width.
    case chw
}

/// Where the source window lands in the output, for one input size.
struct ResizeGeometry: Equatable {
    /// Source window (crop) origin and size.
    let sourceX: Int, sourceY: Int, sourceWidth: Int, sourceHeight: Int
    /// Resized window origin and size inside the output.
    let targetX: Int, targetY: Int, targetWidth: Int, targetHeight: Int

    /// The geometry for fitting `width × height` into `outputWidth × outputHeight`.
    ///
    /// Resize-with-pad restates openpi's `_resize_with_pad_pil`: ratio =
    /// max(w / W, h / H); resized = int(w / ratio) × int(h / ratio); padding =
    /// int((W − resized) / 2) on the left and int((H − resized) / 2) on top.
    /// Centre-crop takes the largest window of the output's aspect ratio,
    /// (w − cw) / 2 from the left and (h − ch) / 2 from the top, integer division.
    init(width: Int, height: Int, outputWidth: Int, outputHeight: Int, method: ResizeMethod) {
        switch method {
        case .resizeWithPad:
            sourceX = 0
            sourceY = 0
            sourceWidth = width
            sourceHeight = height
            if width == outputWidth && height == outputHeight {
                targetWidth = width
                targetHeight = height
            } else {
                let ratio = max(Double(width) / Double(outputWidth), Double(height) / Double(outputHeight))
                // At least one pixel: for extreme aspect ratios Pillow would refuse a 0-pixel resize.
                targetWidth = max(1, Int(Double(width) / ratio))
                targetHeight = max(1, Int(Double(height) / ratio))
            }
            targetX = max(0, Int(Double(outputWidth - targetWidth) / 2))
            targetY = max(0, Int(Double(outputHeight - targetHeight) / 2))
        case .centerCropResize:
            var cropWidth = width
            var cropHeight = height
            if width * outputHeight > height * outputWidth {
                cropWidth = max(1, height * outputWidth / outputHeight)
            } else {
                cropHeight = max(1, width * outputHeight / outputWidth)
            }
            sourceX = (width - cropWidth) / 2
            sourceY = (height - cropHeight) / 2
            sourceWidth = cropWidth
            sourceHeight = cropHeight
            targetX = 0
            targetY = 0
            targetWidth = outputWidth
            targetHeight = outputHeight
        }
    }
}
