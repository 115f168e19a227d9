/// A 3-vector of doubles (world coordinates in metres unless stated).
public struct Vector3: Sendable, Hashable, Codable {
    public var x: Double, y: Double, z: Double

    /// A vector from its components.
    public init(_ x: Double, _ y: Double, _ z: Double) { self.x = x; self.y = y; self.z = z }
    /// Reads three consecutive values.
    init(_ p: UnsafePointer<Double>) { self.init(p[0], p[1], p[2]) }
    init(_ p: UnsafeMutablePointer<Double>) { self.init(p[0], p[1], p[2]) }

    /// The zero vector.
    public static let zero = Vector3(0, 0, 0)
    public static func + (a: Vector3, b: Vector3) -> Vector3 { Vector3(a.x + b.x, a.y + b.y, a.z + b.z) }
    public static func - (a: Vector3, b: Vector3) -> Vector3 { Vector3(a.x - b.x, a.y - b.y, a.z - b.z) }
    public static func * (s: Double, a: Vector3) -> Vector3 { Vector3(s * a.x, s * a.y, s * a.z) }
    /// Dot product.
    public func dot(_ b: Vector3) -> Double { x * b.x + y * b.y + z * b.z }
    /// Cross product.
    public func cross(_ b: Vector3) -> Vector3 { Vector3(y * b.z - z * b.y, z * b.x - x * b.z, x * b.y - y * b.x) }
    /// Euclidean length.
    public var length: Double { dot(self).squareRoot() }
    /// Length of the horizontal (x, y) part.
    public var horizontalLength: Double { (x * x + y * y).squareRoot() }
    /// Linear interpolation: `a` at 0, `b` at 1.
    public static func mix(_ a: Vector3, _ b: Vector3, _ t: Double) -> Vector3 { a + t * (b - a) }
}
