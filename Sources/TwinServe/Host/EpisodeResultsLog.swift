import Foundation

/// `--results`: one JSON line per finished episode, appended and flushed as each ends,
/// so a run cut short still leaves every finished episode on disk.
public final class EpisodeResultsLog {
    /// The file.
    public let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder

    /// Opens `path` for appending (created if missing).
    public init(path: String) throws(TwinServeError) {
        self.path = path
        let manager = FileManager.default
        if !manager.fileExists(atPath: path), !manager.createFile(atPath: path, contents: nil) {
            throw .resultsUnwritable(path: path, reason: "cannot create the file")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw .resultsUnwritable(path: path, reason: "cannot open it for writing")
        }
        handle.seekToEndOfFile()
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    deinit { try? handle.close() }

    /// Appends `record` as one line.
    public func append(_ record: EpisodeRecord) throws(TwinServeError) {
        do {
            var line = try encoder.encode(record)
            line.append(0x0A)
            try handle.write(contentsOf: line)
        } catch {
            throw .resultsUnwritable(path: path, reason: "\(error)")
        }
    }
}
