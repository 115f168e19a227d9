import Foundation

/// Element types of `.npy` arrays written here.
public enum NPYElement: String, Sendable {
    /// uint8 (`|u1`).
    case uint8 = "|u1"
    /// little-endian float32 (`<f4`).
    case float32 = "<f4"
}

/// NumPy's `.npy` format, version 1.0: the magic `\x93NUMPY`, version bytes
/// 1 0, a little-endian uint16 header length, an ASCII dict header padded
/// with spaces to a multiple of 64 bytes and ended by a newline, then the raw
/// C-order data. `numpy.load` reads these files directly.
public enum NPYFile {
    /// The header bytes for an array of `element` with `shape`.
    public static func header(element: NPYElement, shape: [Int]) -> [UInt8] {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(element.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }

    /// The whole file for uint8 values.
    public static func encode(_ values: [UInt8], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var data = Data(header(element: .uint8, shape: shape))
        data.append(contentsOf: values)
        return data
    }

    /// The whole file for float32 values (stored little-endian).
    public static func encode(_ values: [Float], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not hold \(values.count) values")
        var data = Data(header(element: .float32, shape: shape))
        data.reserveCapacity(data.count + 4 * values.count)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { data.append(contentsOf: $0) }
        }
        return data
    }
}
