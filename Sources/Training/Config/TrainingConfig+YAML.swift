import Foundation
import Yams

extension TrainingConfig {
    /// Parses a YAML document (every field optional, unknown keys rejected) and validates it.
    public init(yaml text: String, source: String = "<yaml>") throws(ConfigError) {
        do {
            self = try YAMLDecoder().decode(TrainingConfig.self, from: text)
        } catch let error as DecodingError {
            throw ConfigError(field: source, value: Self.path(of: error), rule: Self.reason(of: error))
        } catch {
            throw ConfigError(field: source, value: "(not parsed)", rule: "valid YAML: \(error)")
        }
        try validate()
    }

    /// Reads and validates a YAML file.
    public init(contentsOf path: String) throws(ConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(field: path, value: "(unreadable)", rule: "a readable UTF-8 file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, source: path)
    }

    /// The config as YAML (what a run directory keeps as `config.yaml`).
    public func yaml() throws -> String {
        try YAMLEncoder().encode(self)
    }

    private static func path(of error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case let .keyNotFound(key, c): path = c.codingPath + [key]
        case let .typeMismatch(_, c), let .valueNotFound(_, c), let .dataCorrupted(c): path = c.codingPath
        @unknown default: path = []
        }
        return path.isEmpty ? "(top level)" : path.map(\.stringValue).joined(separator: ".")
    }

    private static func reason(of error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(type, _): "of type \(type)"
        case let .valueNotFound(type, _): "a \(type), not null"
        case .keyNotFound: "present"
        case let .dataCorrupted(c): "valid (\(c.debugDescription))"
        @unknown default: "valid"
        }
    }
}
