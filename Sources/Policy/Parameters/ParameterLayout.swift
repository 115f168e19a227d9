/// The one table that places every named parameter tensor in the flat parameter buffer.
///
/// Parameters, gradients and both Adam moments are slices of one contiguous buffer
/// with this layout (llm.c's habit), so the optimizer is one loop and a checkpoint is
/// one pass over the table. Names are the safetensors tensor names.
public struct ParameterLayout: Sendable, Equatable {
    /// One named tensor: its shape and where it starts in the flat buffer.
    public struct Entry: Sendable, Equatable {
        /// The tensor name, dotted like PyTorch (`expert.blocks.0.fc1.weight`).
        public let name: String
        /// The shape, row-major.
        public let shape: [Int]
        /// The index of its first element in the flat buffer.
        public let offset: Int
        /// The number of elements.
        public var count: Int { shape.reduce(1, *) }
        /// The flat index range the tensor occupies.
        public var range: Range<Int> { offset..<(offset + count) }
    }

    /// All entries, in creation order (which is also buffer order).
    public private(set) var entries: [Entry] = []
    /// The total number of scalar parameters.
    public private(set) var count = 0
    private var indexByName: [String: Int] = [:]

    /// Creates an empty layout.
    public init() {}

    /// Appends a tensor and returns its offset. Names must be unique.
    public mutating func add(_ name: String, shape: [Int]) -> Int {
        precondition(indexByName[name] == nil, "duplicate parameter name \(name)")
        precondition(shape.allSatisfy { $0 > 0 }, "parameter \(name) has an empty dimension")
        let entry = Entry(name: name, shape: shape, offset: count)
        indexByName[name] = entries.count
        entries.append(entry)
        count += entry.count
        return entry.offset
    }

    /// The entry named `name`, if any.
    public func entry(named name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }
}
