// YAML configs may omit any field (its documented default is used); an unknown key is
// an error naming it, so a misspelt hyperparameter never silently falls back to a default.

/// Any string key, for listing the keys a mapping actually has.
struct AnyConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws when the mapping has a key that `Keys` does not know.
    func rejectUnknownConfigKeys<Keys: CodingKey>(_: Keys.Type) throws {
        let raw = try container(keyedBy: AnyConfigKey.self)
        for key in raw.allKeys where Keys(stringValue: key.stringValue) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: raw, debugDescription: "unknown key '\(key.stringValue)'")
        }
    }
}

extension KeyedDecodingContainer {
    /// The value at `key`, or `fallback` when the key is absent.
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

