import Camera

/// A picture of an environment for people: the front and wrist cameras side by side.
public enum SceneSnapshot {
    /// Renders both cameras of `environment` at its camera size and places them left (front) and right (wrist).
    public static func image(of environment: SimEnvironment, renderer: OffscreenRenderer) throws -> RGBImage {
        let w = environment.configuration.cameraWidth, h = environment.configuration.cameraHeight
        var front = [UInt8](repeating: 0, count: w * h * 3), wrist = front
        try front.withUnsafeMutableBytes { try renderer.render(environment.data, camera: environment.layout.frontCamera, width: w, height: h, into: $0) }
        try wrist.withUnsafeMutableBytes { try renderer.render(environment.data, camera: environment.layout.wristCamera, width: w, height: h, into: $0) }
        return sideBySide(front, wrist, width: w, height: h)
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
