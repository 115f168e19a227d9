import Foundation

/// Reads NumPy `.npy` arrays (format versions 1.0–3.0, C order) of the two element
/// types demonstrations use: `|u1` (uint8) and `<f4` (little-endian float32).
public enum NPYReader {
    /// A parsed array.
    public struct Array: Sendable, Equatable {
        /// `descr` of the header (`|u1` or `<f4`).
        public var descr: String
        /// The shape.
        public var shape: [Int]
        /// The raw data bytes (C order).
        public var data: Data

        /// Element count.
        public var count: Int { shape.reduce(1, *) }

        /// The values as uint8; throws unless `descr` is `|u1`.
        public func uint8() throws(NPYError) -> [UInt8] {
            guard descr == "|u1" else { throw .wrongType(expected: "|u1", found: descr) }
            return [UInt8](data)
        }

        /// The values as float32; throws unless `descr` is `<f4`.
        public func float32() throws(NPYError) -> [Float] {
            guard descr == "<f4" else { throw .wrongType(expected: "<f4", found: descr) }
            var out = [Float](repeating: 0, count: count)
            data.withUnsafeBytes { raw in
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            }
            return out
        }
    }

    /// Parses a whole `.npy` file.
    public static func parse(_ bytes: Data) throws(NPYError) -> Array {
        let b = [UInt8](bytes.prefix(12))
        guard b.count >= 10, b[0] == 0x93, Swift.Array(b[1..<6]) == Swift.Array("NUMPY".utf8) else { throw .notNPY }
        let major = b[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(b[8]) | Int(b[9]) << 8; headerStart = 10
        case 2, 3:
            guard b.count >= 12 else { throw .notNPY }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; headerStart = 12
        default:
            throw .unsupported("format version \(major)")
        }
        guard bytes.count >= headerStart + headerLength else { throw .truncated(expected: headerStart + headerLength, found: bytes.count) }
        let start = bytes.startIndex
        let header = String(decoding: bytes[(start + headerStart)..<(start + headerStart + headerLength)], as: UTF8.self)
        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\" ")) else {
            throw .badHeader(header)
        }
        guard descr == "|u1" || descr == "<f4" else { throw .unsupported("element type \(descr)") }
        guard value(of: "fortran_order", in: header)?.trimmingCharacters(in: .whitespaces) == "False" else {
            throw .unsupported("Fortran order")
        }
        guard let shapeText = value(of: "shape", in: header) else { throw .badHeader(header) }
        let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.compactMap { Int($0) }
        let dataStart = headerStart + headerLength
        let size = descr == "|u1" ? 1 : 4
        let expected = dataStart + shape.reduce(1, *) * size
        guard bytes.count == expected else { throw .truncated(expected: expected, found: bytes.count) }
        return Array(descr: descr, shape: shape, data: Data(bytes[(start + dataStart)...]))
    }

    /// Reads and parses a file.
    public static func read(_ path: String) throws -> Array {
        try parse(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The text after `'key':` up to the next top-level comma (a tuple counts as one value).
    static func value(of key: String, in header: String) -> String? {
        guard let range = header.range(of: "'\(key)':") else { return nil }
        var depth = 0, out = ""
        for ch in header[range.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if (ch == "," && depth == 0) || ch == "}" { break }
            out.append(ch)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}

/// A `.npy` file that cannot be read.
public enum NPYError: Error, CustomStringConvertible, Equatable {
    /// The magic bytes are missing.
    case notNPY
    /// The header is not a dict with descr, fortran_order and shape.
    case badHeader(String)
    /// A feature this reader does not handle.
    case unsupported(String)
    /// The file is shorter or longer than its header says.
    case truncated(expected: Int, found: Int)
    /// The element type is not the one asked for.
    case wrongType(expected: String, found: String)

    /// A readable message.
    public var description: String {
        switch self {
        case .notNPY: "not a .npy file (no \\x93NUMPY magic)"
        case let .badHeader(h): "malformed .npy header: \(h)"
        case let .unsupported(what): "unsupported .npy feature: \(what)"
        case let .truncated(e, f): ".npy file has \(f) bytes, its header implies \(e)"
        case let .wrongType(e, f): ".npy element type is \(f), expected \(e)"
        }
    }
}
