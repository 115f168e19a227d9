import ArgumentParser
import Foundation
import Policy

/// `pirl-robot policy …`: create, inspect and run flow-policy checkpoints.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Create, inspect and run flow-policy checkpoints.",
        subcommands: [Init.self, Info.self, Sample.self])
}

/// A failure that prints its message and exits non-zero.
struct PolicyCommandError: Error, CustomStringConvertible {
    /// The message.
    var description: String
}

/// Decodes a JSON file, naming the file in any error.
func decodeJSONFile<T: Decodable>(_ type: T.Type, at path: String) throws -> T {
    let data: Data
    do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
        throw PolicyCommandError(description: "\(path): cannot read: \(error.localizedDescription)")
    }
    do { return try JSONDecoder().decode(T.self, from: data) } catch {
        throw PolicyCommandError(description: "\(path): not a valid \(T.self) JSON: \(error)")
    }
}
