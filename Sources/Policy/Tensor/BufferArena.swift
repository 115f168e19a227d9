/// One allocation carved into named-by-position float slices: the preallocated
/// workspace that a forward/backward pass writes its activations into.
public final class BufferArena {
    private let base: UnsafeMutablePointer<Float>
    private let capacity: Int
    private var used = 0

    /// Allocates room for `count` floats, zeroed.
    public init(count: Int) {
        capacity = max(count, 1)
        base = .allocate(capacity: capacity)
        base.initialize(repeating: 0, count: capacity)
    }

    deinit { base.deallocate() }

    /// The next `count` floats.
    public func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        precondition(used + count <= capacity, "arena overflow")
        defer { used += count }
        return base + used
    }
}
