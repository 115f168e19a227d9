import Testing
@testable import RobotIO

/// The small JSON reader behind calibration files: values, and where syntax errors point.
@Suite struct CalibrationJSONValueTests {
    func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue { try JSONValue.parse(Array(text.utf8)) }

    @Test func parsesEveryKindOfValueKeepingKeyOrder() throws {
        let text = #" {"b": [1, -2, 3.5, 1e3, true, false, null], "a": {"s": "x\"\\\/\n\u00e9\ud83d\ude00"}} "#
        let value = try parse(text)
        #expect(value == .object([
            .init(key: "b", value: .array([.integer(1), .integer(-2), .otherNumber("3.5"), .otherNumber("1e3"),
                                           .bool(true), .bool(false), .null])),
            .init(key: "a", value: .object([.init(key: "s", value: .string("x\"\\/\né😀"))])),
        ]))
        #expect(try parse("{}") == .object([]))
        #expect(try parse("[]") == .array([]))
    }

    @Test func integersTooLargeForIntStayNumbers() throws {
        #expect(try parse("99999999999999999999") == .otherNumber("99999999999999999999"))
        #expect(try parse("-0") == .integer(0))
    }

    @Test(arguments: [
        ("{\"a\": 1,}", "line 1, column 9: expected a key in double quotes, found '}'"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after the key \"a\", found '1'"),
        ("{\"a\": 1\n \"b\": 2}", "line 2, column 2: expected ',' or '}', found '\"'"),
        ("[1, 2", "line 1, column 6: expected ',' or ']', found the end of the file"),
        ("{\"a\": 01}", "line 1, column 8: numbers cannot start with 0"),
        ("{\"a\": 1.}", "line 1, column 9: expected a digit after '.', found '}'"),
        ("{\"a\": tru}", "line 1, column 7: expected a value, found 't'"),
        ("{\"a\": \"x}", "line 1, column 10: unterminated string"),
        ("{\"a\": \"\\q\"}", "line 1, column 9: unknown escape \\q"),
        ("{\"a\": \"\\ud83d\"}", "line 1, column 14: lone UTF-16 surrogate in \\u escape"),
        ("{\"a\": \"\\u00g0\"}", "line 1, column 10: expected four hex digits after \\u"),
        ("{} {}", "line 1, column 4: unexpected text after the end of the document"),
        ("", "line 1, column 1: expected a value, found the end of the file"),
        ("\n\n  @", "line 3, column 3: expected a value, found '@'"),
    ])
    func syntaxErrorsSayWhereAndWhat(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try parse(text) }
        do {
            _ = try parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func deepNestingIsRefused() {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        do {
            _ = try parse(text)
            Issue.record("parsed 100 nested arrays")
        } catch {
            #expect(error.description == "line 1, column 65: nested more than 64 levels deep")
        }
    }
}
