/// A small RGB8 raster for plots: rectangles and thick lines, nothing else.
public struct RasterCanvas: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `height × width × 3` bytes, rows top-down.
    public private(set) var pixels: [UInt8]

    /// An RGB color.
    public struct Color: Sendable, Equatable {
        /// Channels.
        public var r: UInt8, g: UInt8, b: UInt8
        /// Creates a color.
        public init(_ r: UInt8, _ g: UInt8, _ b: UInt8) { self.r = r; self.g = g; self.b = b }
    }

    /// A canvas filled with `background`.
    public init(width: Int, height: Int, background: Color) {
        precondition(width > 0 && height > 0)
        self.width = width; self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, color: background)
    }

    /// Sets one pixel (ignored outside the canvas).
    public mutating func set(x: Int, y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let i = (y * width + x) * 3
        pixels[i] = color.r; pixels[i + 1] = color.g; pixels[i + 2] = color.b
    }

    /// The color at (x, y).
    public func color(x: Int, y: Int) -> Color {
        let i = (y * width + x) * 3
        return Color(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Fills a rectangle (clipped to the canvas).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, color: Color) {
        for yy in max(0, y)..<min(height, y + h) {
            for xx in max(0, x)..<min(width, x + w) { set(x: xx, y: yy, color) }
        }
    }

    /// A line from (x0, y0) to (x1, y1), `thickness` pixels wide (Bresenham with a square pen).
    public mutating func line(from p0: (Int, Int), to p1: (Int, Int), color: Color, thickness: Int = 1) {
        var (x, y) = p0
        let dx = abs(p1.0 - x), dy = -abs(p1.1 - y)
        let sx = x < p1.0 ? 1 : -1, sy = y < p1.1 ? 1 : -1
        var err = dx + dy
        let half = (thickness - 1) / 2
        while true {
            fill(x: x - half, y: y - half, width: thickness, height: thickness, color: color)
            if x == p1.0 && y == p1.1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}
