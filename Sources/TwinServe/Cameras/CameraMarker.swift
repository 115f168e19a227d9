import Foundation

/// The "device node" of a live camera: a marker file the fake libv4l2 plugin
/// (Tests/fake-v4l2, installed by scripts/install-fake-camera.sh) claims, whose
/// `ring=` line points at the camera's ``FrameRing``. Version 2 of the marker; version
/// 1 markers (scripts/fake-camera.sh) keep serving the plugin's test pattern.
enum CameraMarker {
    /// The marker's text for a ring at `ringPath` (absolute) and a card name.
    static func text(ringPath: String, card: String) -> String {
        "PIRL-FAKE-V4L2 2\nring=\(ringPath)\ncard=\(card)\n"
    }

    /// Writes the marker at `path` atomically, as a node appearing when a camera is plugged in.
    static func write(at path: String, ringPath: String, card: String) throws(TwinServeError) {
        do {
            try text(ringPath: ringPath, card: card).write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .camerasFolderUnwritable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// Removes the marker, as a node disappearing when the camera is unplugged.
    static func remove(at path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
