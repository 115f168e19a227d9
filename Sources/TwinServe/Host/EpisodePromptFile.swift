import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `--prompt-file`: the instruction of the episode under way, for a client that reads it
/// (`run --prompt-file`) as a person would read it off the task card. Written when each
/// episode starts, under `PATH.new` and renamed over PATH, so a reader sees the old text or
/// the new one, never half of either.
public struct EpisodePromptFile: Sendable {
    /// The file.
    public let path: String

    /// A prompt file at `path`; its folder must exist (checked by the first ``write(_:)``).
    public init(path: String) { self.path = path }

    /// Replaces the file's text with `instruction` and a newline.
    public func write(_ instruction: String) throws(TwinServeError) {
        let staging = path + ".new"
        do {
            try Data((instruction + "\n").utf8).write(to: URL(fileURLWithPath: staging))
        } catch {
            throw .promptUnwritable(path: path, reason: "cannot write \(staging): \((error as NSError).localizedDescription)")
        }
        guard rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(staging)
            throw .promptUnwritable(path: path, reason: "cannot rename \(staging) over it: \(reason)")
        }
    }
}
