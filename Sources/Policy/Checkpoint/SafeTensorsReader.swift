import Foundation

#if _endian(big)
#error("safetensors data is little-endian; this reader copies bytes as-is")
#endif

/// A safetensors file opened through mmap, with its header checked before any data is read.
///
/// Format (huggingface/safetensors): an 8-byte little-endian header length N, N bytes
/// of JSON `{name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`,
/// then the raw little-endian data; offsets are relative to the end of the header.
/// The reader trusts nothing: every check throws a ``CheckpointError`` naming the file
/// and the tensor, so a truncated or hostile file never crashes the process.
public final class SafeTensorsReader {
    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        /// The dtype string (`F32`).
        public var dtype: String
        /// The shape.
        public var shape: [Int]
        /// Byte range in the data section.
        public var begin: Int, end: Int
    }

    /// Largest header accepted (100 MB, as the reference implementation).
    public static let maxHeaderLength: UInt64 = 100_000_000
    /// The path, for messages.
    public let path: String
    /// Tensors by name.
    public let tensors: [String: TensorInfo]
    /// The `__metadata__` map.
    public let metadata: [String: String]
    private let file: MappedFile
    private let dataStart: Int

    /// Opens and validates `path`.
    public init(path: String) throws(CheckpointError) {
        self.path = path
        file = try MappedFile(path: path)
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw .truncated(file: path, size: bytes.count) }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= Self.maxHeaderLength, n <= UInt64(bytes.count - 8) else {
            throw .headerLength(file: path, declared: n, available: bytes.count - 8)
        }
        dataStart = 8 + Int(n)
        let dataSize = bytes.count - dataStart
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]), options: [])
        } catch {
            throw .headerSyntax(file: path, detail: "\(error.localizedDescription)")
        }
        guard let root = json as? [String: Any] else { throw .headerSyntax(file: path, detail: "the header is not a JSON object") }
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in root {
            if name == "__metadata__" {
                guard let m = value as? [String: Any] else { throw .headerSyntax(file: path, detail: "__metadata__ is not an object") }
                for (k, v) in m {
                    guard let s = v as? String else { throw .headerSyntax(file: path, detail: "__metadata__.\(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            tensors[name] = try Self.parseEntry(name, value, file: path, dataSize: dataSize)
        }
        // Byte ranges must not overlap (checked on ranges sorted by start).
        let ordered = tensors.sorted { ($0.value.begin, $0.key) < ($1.value.begin, $1.key) }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.value.begin < previous.value.end {
            throw .overlap(file: path, tensor: next.key, other: previous.key)
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    private static func parseEntry(_ name: String, _ value: Any, file: String, dataSize: Int) throws(CheckpointError) -> TensorInfo {
        guard let e = value as? [String: Any] else { throw .badEntry(file: file, tensor: name, detail: "entry is not an object") }
        guard let dtype = e["dtype"] as? String else { throw .badEntry(file: file, tensor: name, detail: "missing or non-string dtype") }
        guard let shapeRaw = e["shape"] as? [Any], let shape = integers(shapeRaw) else {
            throw .badEntry(file: file, tensor: name, detail: "shape is not an array of non-negative integers")
        }
        guard let offRaw = e["data_offsets"] as? [Any], let off = integers(offRaw), off.count == 2 else {
            throw .badEntry(file: file, tensor: name, detail: "data_offsets is not two non-negative integers")
        }
        guard off[0] <= off[1], off[1] <= dataSize else {
            throw .offsetsOutOfBounds(file: file, tensor: name, begin: off[0], end: off[1], dataSize: dataSize)
        }
        let elementSize: Int
        switch dtype {
        case "F32": elementSize = 4
        default: throw .unsupportedDType(file: file, tensor: name, dtype: dtype)
        }
        var count = 1
        for d in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .badEntry(file: file, tensor: name, detail: "shape \(shape) overflows") }
            count = product
        }
        let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, bytesNeeded == off[1] - off[0] else {
            throw .sizeMismatch(file: file, tensor: name, expectedBytes: overflow ? Int.max : bytesNeeded, foundBytes: off[1] - off[0])
        }
        return TensorInfo(dtype: dtype, shape: shape, begin: off[0], end: off[1])
    }

    /// Non-negative integers below 2⁵³ from JSON numbers; nil otherwise.
    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let n = v as? NSNumber else { return nil }
            let d = n.doubleValue
            guard d >= 0, d < 9_007_199_254_740_992, d == d.rounded() else { return nil }
            out.append(Int(d))
        }
        return out
    }

    /// Copies tensor `name` (F32) into `destination`, which must hold its element count.
    public func copy(_ name: String, into destination: UnsafeMutablePointer<Float>) throws(CheckpointError) {
        guard let info = tensors[name] else { throw .missingTensor(file: path, tensor: name) }
        let src = file.bytes.baseAddress! + dataStart + info.begin
        UnsafeMutableRawPointer(destination).copyMemory(from: src, byteCount: info.end - info.begin)
    }

    /// Tensor `name` as an array of floats.
    public func floats(_ name: String) throws(CheckpointError) -> [Float] {
        guard let info = tensors[name] else { throw .missingTensor(file: path, tensor: name) }
        var out = [Float](repeating: 0, count: (info.end - info.begin) / 4)
        if out.isEmpty { return out }
        try out.withUnsafeMutableBufferPointer { (b: inout UnsafeMutableBufferPointer<Float>) throws(CheckpointError) in
            try copy(name, into: b.baseAddress!)
        }
        return out
    }
}
