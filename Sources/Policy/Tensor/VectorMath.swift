/// Small loops over raw `Float` buffers used by the layers and samplers.
///
/// They allocate nothing; callers pass preallocated storage.
public enum VectorMath {
    /// The mean and `1/√(variance + ε)` of `count` values (two passes): the statistics
    /// LayerNorm and GroupNorm normalize with.
    @inline(__always)
    static func moments(_ x: UnsafePointer<Float>, count: Int, epsilon: Float) -> (mean: Float, rstd: Float) {
        let n = Float(count)
        var s: Float = 0
        for i in 0..<count { s += x[i] }
        let m = s / n
        var v: Float = 0
        for i in 0..<count { let d = x[i] - m; v += d * d }
        return (m, 1 / (v / n + epsilon).squareRoot())
    }

    /// Copies `count` values from `source` to `destination`.
    public static func copy(_ source: UnsafePointer<Float>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        destination.update(from: source, count: count)
    }

    /// Sets `count` values to zero.
    public static func zero(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        buffer.update(repeating: 0, count: count)
    }

    /// `y += x` elementwise.
    public static func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { y[i] += x[i] }
    }

    /// Adds the length-`columns` vector `row` to each of the `rows` rows of `matrix`.
    public static func addRow(_ row: UnsafePointer<Float>, to matrix: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        for r in 0..<rows {
            let m = matrix + r * columns
            for c in 0..<columns { m[c] += row[c] }
        }
    }

    /// Accumulates the column sums of a `rows × columns` matrix into `sums`.
    public static func accumulateColumnSums(_ matrix: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let m = matrix + r * columns
            for c in 0..<columns { sums[c] += m[c] }
        }
    }

    /// Sum of squares of `count` values, accumulated in `Double`.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var s = 0.0
        for i in 0..<count { s += Double(x[i]) * Double(x[i]) }
        return s
    }
}
