/// Everything that can be wrong with a checkpoint directory or a safetensors file.
/// Each case names the file and, where there is one, the tensor.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened, read, mapped or written.
    case io(file: String, detail: String)
    /// Shorter than the 8-byte header length.
    case truncated(file: String, size: Int)
    /// The declared header length does not fit in the file (or is absurdly large).
    case headerLength(file: String, declared: UInt64, available: Int)
    /// The header is not a JSON object of tensor entries.
    case headerSyntax(file: String, detail: String)
    /// A tensor entry lacks or mistypes `dtype`, `shape` or `data_offsets`.
    case badEntry(file: String, tensor: String, detail: String)
    /// A dtype this reader does not load (only F32 is).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// `data_offsets` reach outside the data section.
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// Two tensors' byte ranges overlap.
    case overlap(file: String, tensor: String, other: String)
    /// The byte range does not match dtype × shape.
    case sizeMismatch(file: String, tensor: String, expectedBytes: Int, foundBytes: Int)
    /// The shape differs from what config.json implies.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A tensor the config requires is absent.
    case missingTensor(file: String, tensor: String)
    /// A tensor the config does not know is present.
    case unexpectedTensor(file: String, tensor: String)
    /// config.json is unreadable or invalid.
    case config(file: String, detail: String)
    /// norm_stats.json is unreadable or inconsistent with the config.
    case normStats(file: String, detail: String)

    /// A readable message with the file, the tensor and what to do.
    public var description: String {
        switch self {
        case let .io(f, d): "\(f): \(d)"
        case let .truncated(f, s): "\(f): truncated (\(s) bytes; a safetensors file starts with an 8-byte header length)"
        case let .headerLength(f, d, a): "\(f): header length \(d) does not fit in the \(a) bytes after it; the file is truncated or not safetensors"
        case let .headerSyntax(f, d): "\(f): header is not valid safetensors JSON: \(d)"
        case let .badEntry(f, t, d): "\(f): tensor '\(t)': \(d)"
        case let .unsupportedDType(f, t, d): "\(f): tensor '\(t)' has dtype \(d); only F32 is supported, convert the checkpoint to float32"
        case let .offsetsOutOfBounds(f, t, b, e, s): "\(f): tensor '\(t)' data_offsets [\(b), \(e)] fall outside the \(s)-byte data section"
        case let .overlap(f, t, o): "\(f): tensor '\(t)' overlaps tensor '\(o)'"
        case let .sizeMismatch(f, t, e, b): "\(f): tensor '\(t)' occupies \(b) bytes but its dtype and shape need \(e)"
        case let .shapeMismatch(f, t, e, s): "\(f): tensor '\(t)' has shape \(s), config.json implies \(e)"
        case let .missingTensor(f, t): "\(f): tensor '\(t)' required by config.json is missing"
        case let .unexpectedTensor(f, t): "\(f): tensor '\(t)' is not part of the architecture in config.json"
        case let .config(f, d): "\(f): \(d)"
        case let .normStats(f, d): "\(f): \(d)"
        }
    }
}
