import Foundation
import TestSupport

/// Helpers shared by the training tests.
enum Support {
    /// A fresh temporary directory.
    static func temporaryDirectory() -> String {
        TestSupport.temporaryDirectory(prefix: "pirl-training")
    }

    /// The repository root.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// The folder of the Python helpers.
    static let pythonDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("python").path

    /// Runs `python3 script args…` for a script of this target's `python/` folder.
    static func python(_ script: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try TestSupport.runPython(pythonDirectory + "/" + script, arguments)
    }

    /// Whether `a` and `b` agree within `tolerance`.
    static func close(_ a: Float, _ b: Float, _ tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance }
}
