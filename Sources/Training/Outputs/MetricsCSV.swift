import Foundation

/// `metrics.csv`: one row per logged step, columns fixed by the first row. A resumed run
/// appends to the existing file (its header must match).
public final class MetricsCSV {
    /// Path of the file.
    public let path: String
    /// Column names after `step`.
    public let columns: [String]
    private let handle: FileHandle

    /// Opens (appending) or creates `path` with header `step,<columns>`.
    public init(path: String, columns: [String]) throws {
        self.path = path
        self.columns = columns
        let header = (["step"] + columns).joined(separator: ",")
        if FileManager.default.fileExists(atPath: path) {
            let existing = try String(contentsOfFile: path, encoding: .utf8)
            let first = existing.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            guard first == header else {
                throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path,
                    NSLocalizedDescriptionKey: "\(path) has header '\(first)', expected '\(header)'; use a new --out directory"])
            }
        } else if !FileManager.default.createFile(atPath: path, contents: Data((header + "\n").utf8)) {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        try handle.seekToEnd()
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Appends one row; `values` maps column names to numbers (missing ones are left empty).
    public func append(step: Int, _ values: [String: Double]) throws {
        let cells = columns.map { values[$0].map(Self.format) ?? "" }
        try handle.write(contentsOf: Data(([String(step)] + cells).joined(separator: ",").appending("\n").utf8))
    }

    /// Shortest round-tripping text of a number (`nan`, `inf` as such).
    static func format(_ value: Double) -> String {
        value.isFinite ? "\(value)" : (value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf"))
    }
}
