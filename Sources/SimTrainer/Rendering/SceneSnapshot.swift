import Camera

/// A picture of an environment for people: the front and wrist cameras side by side.
public enum SceneSnapshot {
    /// Renders both cameras of `environment` at `width × height` (any size the renderer
    /// holds; the cameras' own 4:3 keeps their field of view) and places them left
    /// (front) and right (wrist). The front camera shows the environment's background photo, if any.
    public static func image(of environment: SimEnvironment, renderer: OffscreenRenderer, width w: Int, height h: Int) throws -> RGBImage {
        var front = [UInt8](repeating: 0, count: w * h * 3), wrist = front
        let backdrop = environment.backdrop(width: w, height: h)
        try front.withUnsafeMutableBytes { out in
            if let backdrop {
                try backdrop.withUnsafeBytes {
                    try renderer.render(environment.data, camera: environment.layout.frontCamera, width: w, height: h, into: out,
                                        backdrop: $0, foreground: environment.foregroundGeoms)
                }
            } else {
                try renderer.render(environment.data, camera: environment.layout.frontCamera, width: w, height: h, into: out)
            }
        }
        try wrist.withUnsafeMutableBytes { try renderer.render(environment.data, camera: environment.layout.wristCamera, width: w, height: h, into: $0) }
        return sideBySide(front, wrist, width: w, height: h)
    }

    /// What the policy sees: both cameras' model inputs (``SimObservation/frames``, letterbox
    /// bars included) side by side, each pixel drawn as a `zoom × zoom` block.
    public static func modelInput(of environment: SimEnvironment, renderer: OffscreenRenderer, zoom: Int = 1) throws -> RGBImage {
        let observation = try environment.observe(using: renderer)
        let (w, h) = (observation.cameraWidth, observation.cameraHeight)
        let both = sideBySide(observation.frames["front"]!, observation.frames["wrist"]!, width: w, height: h)
        guard zoom > 1 else { return both }
        var pixels = [UInt8](repeating: 0, count: both.byteCount * zoom * zoom)
        let outWidth = both.width * zoom
        for y in 0..<(both.height * zoom) {
            for x in 0..<outWidth {
                let pixel = both[x / zoom, y / zoom], o = (y * outWidth + x) * 3
                pixels[o] = pixel.r; pixels[o + 1] = pixel.g; pixels[o + 2] = pixel.b
            }
        }
        return RGBImage(width: outWidth, height: both.height * zoom, pixels: pixels)
    }

    /// Two `width × height` RGB8 images next to each other.
    public static func sideBySide(_ left: [UInt8], _ right: [UInt8], width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: 2 * width * height * 3)
        let row = width * 3
        for y in 0..<height {
            pixels.replaceSubrange((2 * y * row)..<(2 * y * row + row), with: left[(y * row)..<(y * row + row)])
            pixels.replaceSubrange((2 * y * row + row)..<(2 * y * row + 2 * row), with: right[(y * row)..<(y * row + row)])
        }
        return RGBImage(width: 2 * width, height: height, pixels: pixels)
    }
}
