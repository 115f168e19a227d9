/// A parsed JSON document, just enough of JSON for calibration files: object
/// keys keep their file order, integers are told apart from other numbers,
/// and syntax errors say where (line and column) and what was expected.
/// Foundation's JSONDecoder reports only "The given data was not valid JSON."
enum JSONValue: Sendable, Hashable {
    /// Members in file order (duplicates kept, for the reader to report).
    case object([Member])
    case array([JSONValue])
    /// A number without fraction or exponent that fits `Int`.
    case integer(Int)
    /// Any other number, as written.
    case otherNumber(String)
    case string(String)
    case bool(Bool)
    case null

    /// One `"key": value` of an object.
    struct Member: Sendable, Hashable {
        var key: String
        var value: JSONValue
    }

    /// Parses a whole document.
    /// - Throws: `JSONSyntaxError` at the first byte that is not valid JSON.
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count { throw parser.error("unexpected text after the end of the document") }
        return value
    }
}

/// Where and why a document is not JSON.
struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    var line: Int
    /// 1-based column (in bytes) of the offending byte.
    var column: Int
    /// What was wrong.
    var message: String

    var description: String { "line \(line), column \(column): \(message)" }
}
