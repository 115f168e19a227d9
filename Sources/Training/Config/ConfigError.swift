/// A training config that cannot be used: which field, the value found, and the rule.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    /// Dotted path of the field (`rl.clipCoef`), or the file for read and parse errors.
    public var field: String
    /// The offending value as written.
    public var value: String
    /// What the value must be.
    public var rule: String

    /// Creates an error.
    public init(field: String, value: String, rule: String) {
        self.field = field; self.value = value; self.rule = rule
    }

    /// A readable message.
    public var description: String { "invalid training config: \(field) = \(value); must be \(rule)" }
}
