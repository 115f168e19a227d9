/// Owns the parameters of a network, their gradients and the AdamW moments as four
/// slices of one contiguous allocation laid out by a ``ParameterLayout``.
///
/// Not thread-safe: one owner at a time (the inference worker or the trainer).
public final class ParameterStore {
    /// Where each named tensor lives.
    public let layout: ParameterLayout
    /// The scalar count of each slice.
    public var count: Int { layout.count }
    private let storage: UnsafeMutablePointer<Float>

    /// The parameter values.
    public var values: UnsafeMutablePointer<Float> { storage }
    /// The gradients; layers accumulate into them, ``zeroGradients()`` clears them.
    public var gradients: UnsafeMutablePointer<Float> { storage + count }
    /// AdamW's first moment.
    public var firstMoment: UnsafeMutablePointer<Float> { storage + 2 * count }
    /// AdamW's second moment.
    public var secondMoment: UnsafeMutablePointer<Float> { storage + 3 * count }

    /// Allocates zeroed storage for `layout`.
    public init(layout: ParameterLayout) {
        self.layout = layout
        storage = .allocate(capacity: max(4 * layout.count, 1))
        storage.initialize(repeating: 0, count: max(4 * layout.count, 1))
    }

    deinit { storage.deallocate() }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.update(repeating: 0, count: count) }

    /// The values of tensor `name` as an array (for tests and tools).
    public func tensor(_ name: String) -> [Float]? {
        guard let e = layout.entry(named: name) else { return nil }
        return Array(UnsafeBufferPointer(start: values + e.offset, count: e.count))
    }

    /// Global L2 norm of the gradients.
    public func gradientNorm() -> Double {
        VectorMath.sumOfSquares(gradients, count: count).squareRoot()
    }
}
