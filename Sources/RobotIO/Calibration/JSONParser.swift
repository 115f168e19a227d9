/// A recursive-descent JSON parser over UTF-8 bytes (RFC 8259), behind `JSONValue.parse`.
struct JSONParser {
    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// An error at the current position.
    func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(index, bytes.count)] {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return JSONSyntaxError(line: line, column: column, message: message)
    }

    /// What the current byte is, for messages.
    var found: String {
        guard index < bytes.count else { return "the end of the file" }
        let byte = bytes[index]
        return byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte \(byte)"
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    /// Consumes `byte` (after whitespace) or throws naming what was expected.
    mutating func expect(_ byte: UInt8, _ expected: String) throws(JSONSyntaxError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw error("expected \(expected), found \(found)") }
        index += 1
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw error("expected a value, found the end of the file") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        default: throw error("expected a value, found \(found)")
        }
    }

    mutating func nested<T>(_ body: (inout JSONParser) throws(JSONSyntaxError) -> T) throws(JSONSyntaxError) -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > 64 { throw error("nested more than 64 levels deep") }
        return try body(&self)
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try nested { (parser: inout JSONParser) throws(JSONSyntaxError) -> JSONValue in
            parser.index += 1
            var members: [JSONValue.Member] = []
            if parser.closesAtOnce(UInt8(ascii: "}")) { return .object(members) }
            while true {
                parser.skipWhitespace()
                guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\"") else {
                    throw parser.error("expected a key in double quotes, found \(parser.found)")
                }
                let key = try parser.parseString()
                try parser.expect(UInt8(ascii: ":"), "':' after the key \"\(key)\"")
                members.append(.init(key: key, value: try parser.parseValue()))
                if try parser.closesAfterElement(UInt8(ascii: "}")) { return .object(members) }
            }
        }
    }

    mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try nested { (parser: inout JSONParser) throws(JSONSyntaxError) -> JSONValue in
            parser.index += 1
            var elements: [JSONValue] = []
            if parser.closesAtOnce(UInt8(ascii: "]")) { return .array(elements) }
            while true {
                elements.append(try parser.parseValue())
                if try parser.closesAfterElement(UInt8(ascii: "]")) { return .array(elements) }
            }
        }
    }

    /// Right after an opening bracket: consumes `close` and returns true when the container is empty.
    mutating func closesAtOnce(_ close: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == close else { return false }
        index += 1
        return true
    }

    /// After an element: consumes `,` and returns false (another element follows), or `close`
    /// and returns true (the container ends).
    mutating func closesAfterElement(_ close: UInt8) throws(JSONSyntaxError) -> Bool {
        skipWhitespace()
        let expected = "expected ',' or '\(Character(Unicode.Scalar(close)))'"
        guard index < bytes.count else { throw error("\(expected), found the end of the file") }
        let byte = bytes[index]
        guard byte == close || byte == UInt8(ascii: ",") else { throw error("\(expected), found \(found)") }
        index += 1
        return byte == close
    }

    mutating func parseLiteral(_ word: String) throws(JSONSyntaxError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("expected a value, found \(found)")
        }
        index += expected.count
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = index
        func digits(_ parser: inout JSONParser) -> Int {
            let from = parser.index
            while parser.index < parser.bytes.count, parser.bytes[parser.index].isDigit { parser.index += 1 }
            return parser.index - from
        }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerDigits = digits(&self)
        guard integerDigits > 0 else { throw error("expected a digit, found \(found)") }
        if integerDigits > 1 && bytes[index - integerDigits] == UInt8(ascii: "0") {
            index -= integerDigits - 1
            throw error("numbers cannot start with 0")
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            isInteger = false
            guard digits(&self) > 0 else { throw error("expected a digit after '.', found \(found)") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            isInteger = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard digits(&self) > 0 else { throw error("expected an exponent, found \(found)") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        return .otherNumber(text)
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var run = index  // start of the pending unescaped bytes
        func flush(_ parser: JSONParser, _ run: Int, into scalars: inout String.UnicodeScalarView) {
            let text = String(decoding: parser.bytes[run..<parser.index], as: UTF8.self)
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard index < bytes.count else { throw error("unterminated string") }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                flush(self, run, into: &scalars)
                index += 1
                return String(scalars)
            }
            if byte < 0x20 { throw error("control character in a string") }
            guard byte == UInt8(ascii: "\\") else { index += 1; continue }
            flush(self, run, into: &scalars)
            index += 1
            guard index < bytes.count else { throw error("unterminated string") }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""): scalars.append("\"")
            case UInt8(ascii: "\\"): scalars.append("\\")
            case UInt8(ascii: "/"): scalars.append("/")
            case UInt8(ascii: "b"): scalars.append("\u{08}")
            case UInt8(ascii: "f"): scalars.append("\u{0C}")
            case UInt8(ascii: "n"): scalars.append("\n")
            case UInt8(ascii: "r"): scalars.append("\r")
            case UInt8(ascii: "t"): scalars.append("\t")
            case UInt8(ascii: "u"): scalars.append(try parseUnicodeEscape())
            default:
                index -= 1
                throw error("unknown escape \\\(found.trimmingQuotes)")
            }
            run = index
        }
    }

    /// After `\u`: four hex digits, or a surrogate pair `\uD83D\uDE00`.
    mutating func parseUnicodeEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        let high = try parseHex4()
        if (0xD800..<0xDC00).contains(high) {
            let followedByEscape = index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\")
                && bytes[index + 1] == UInt8(ascii: "u")
            guard followedByEscape else {
                throw error("lone UTF-16 surrogate in \\u escape")
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw error("lone UTF-16 surrogate in \\u escape") }
            return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(high) else { throw error("lone UTF-16 surrogate in \\u escape") }
        return scalar
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        let text = index + 4 <= bytes.count ? String(decoding: bytes[index..<index + 4], as: UTF8.self) : ""
        guard text.count == 4, text.allSatisfy(\.isHexDigit), let value = UInt32(text, radix: 16) else {
            throw error("expected four hex digits after \\u")
        }
        index += 4
        return value
    }
}

extension UInt8 {
    /// True for the ASCII digits 0…9.
    fileprivate var isDigit: Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) }
}

extension String {
    /// `'x'` → `x`, for messages that quote a character themselves.
    fileprivate var trimmingQuotes: String {
        hasPrefix("'") && hasSuffix("'") && count >= 3 ? String(dropFirst().dropLast()) : self
    }
}
