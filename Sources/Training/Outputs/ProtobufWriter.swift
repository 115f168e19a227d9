/// The few protobuf wire-format encodings the TensorBoard event messages need, by hand
/// (field key = `number << 3 | wire type`; varints little-endian base 128).
struct ProtobufWriter {
    /// The encoded message.
    private(set) var bytes: [UInt8] = []

    /// Appends a base-128 varint.
    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    private mutating func key(_ field: Int, wireType: UInt64) { varint(UInt64(field) << 3 | wireType) }

    /// A `double` field (wire type 1, 8 bytes little-endian).
    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A `float` field (wire type 5, 4 bytes little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// An `int64` field (wire type 0; negative values as ten-byte two's complement).
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A length-delimited field: bytes, a string or an embedded message (wire type 2).
    mutating func lengthDelimited(_ field: Int, _ payload: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }
}
