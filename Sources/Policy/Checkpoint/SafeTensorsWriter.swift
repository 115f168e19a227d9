import Foundation

/// Writes float32 tensors as a safetensors file (format in ``SafeTensorsReader``).
///
/// Tensors are written in the order given, back to back; the JSON header is padded
/// with spaces to a multiple of 8 bytes so the data section is 8-byte aligned.
public enum SafeTensorsWriter {
    /// A tensor to write: its name, shape and values (`shape.product` floats).
    public struct Tensor {
        /// The name.
        public var name: String
        /// The shape.
        public var shape: [Int]
        /// The values.
        public var values: UnsafeBufferPointer<Float>

        /// Creates a tensor description; `values` must stay valid until the write returns.
        public init(name: String, shape: [Int], values: UnsafeBufferPointer<Float>) {
            self.name = name; self.shape = shape; self.values = values
        }
    }

    /// Writes `tensors` and `metadata` to `path` (replacing it atomically).
    public static func write(_ tensors: [Tensor], metadata: [String: String] = [:], to path: String) throws(CheckpointError) {
        var header = "{"
        var offset = 0
        var first = true
        func key(_ s: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: [s], options: [])
            let text = data.flatMap { String(data: $0, encoding: .utf8) } ?? "[\"\"]"
            return String(text.dropFirst().dropLast())
        }
        if !metadata.isEmpty {
            header += key("__metadata__") + ":{"
            header += metadata.sorted { $0.key < $1.key }.map { key($0.key) + ":" + key($0.value) }.joined(separator: ",")
            header += "}"
            first = false
        }
        for t in tensors {
            precondition(t.values.count == t.shape.reduce(1, *), "tensor \(t.name): values do not match shape")
            let bytes = t.values.count * 4
            header += (first ? "" : ",") + key(t.name)
                + ":{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            first = false
            offset += bytes
        }
        header += "}"
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data(capacity: 8 + header.utf8.count + offset)
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for t in tensors where t.values.count > 0 { data.append(UnsafeBufferPointer(start: t.values.baseAddress, count: t.values.count)) }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(file: path, detail: "cannot write: \(error.localizedDescription)")
        }
    }
}
