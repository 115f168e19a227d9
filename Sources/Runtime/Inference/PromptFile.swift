import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The instruction as a file says it (`run --prompt-file`), re-read whenever the file
/// changes: `sim serve --prompt-file` rewrites it (write + rename) as each episode starts,
/// with that episode's colours. Called on the inference thread before each chunk, never on
/// the control thread: a check is one stat(2), a re-read a few hundred bytes.
///
/// A file that turns unreadable or empty keeps the last instruction, and says so once
/// (until it reads well again): a writer that truncates before writing must not make the
/// policy act on an empty prompt.
public final class PromptFile: @unchecked Sendable {
    /// The file.
    public let path: String
    /// The instruction in force: the file's last good text, trimmed.
    public private(set) var instruction: String
    /// Times the instruction changed after the first read.
    public private(set) var changes = 0
    private var signature: Signature?
    private var complained = false
    private let notice: (String) -> Void

    /// What identifies one version of the file: a rename brings a new inode, a rewrite
    /// a new modification time or size.
    private struct Signature: Equatable {
        var inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    /// Reads the first instruction; the file must hold one now.
    /// - Parameter notice: told (on the inference thread) when the instruction changes, and
    ///   once when the file turns unreadable or empty.
    public init(path: String, notice: @escaping (String) -> Void = { _ in }) throws(RuntimeSetupError) {
        self.path = path
        self.notice = notice
        signature = Self.signature(of: path)
        switch Self.read(path) {
        case .success(let text): instruction = text
        case .failure(let problem): throw .promptFile(path: path, reason: problem.reason)
        }
    }

    /// The instruction for the next chunk: the file re-read if it changed since the last look.
    public func current() -> String {
        let now = Self.signature(of: path)
        guard now != signature || (now == nil && !complained) else { return instruction }
        signature = now
        switch Self.read(path) {
        case .success(let text):
            complained = false
            if text != instruction {
                instruction = text
                changes += 1
                notice("instruction now \"\(text)\" (from \(path))")
            }
        case .failure(let problem):
            if !complained {
                complained = true
                notice("prompt file \(path): \(problem.reason); keeping \"\(instruction)\"")
            }
        }
        return instruction
    }

    private struct Problem: Error { var reason: String }

    private static func read(_ path: String) -> Result<String, Problem> {
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(reason: access(path, F_OK) == 0 ? "cannot be read" : "no such file"))
        }
        guard let text = String(data: data, encoding: .utf8) else { return .failure(Problem(reason: "not UTF-8 text")) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .failure(Problem(reason: "empty")) }
        return .success(trimmed)
    }

    private static func signature(of path: String) -> Signature? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Signature(inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: info.st_mtim.tv_sec,
                         nanoseconds: info.st_mtim.tv_nsec)
    }
}
