/// Errors from the simulator: what failed, and what to do about it.
public enum SimulationError: Error, Equatable, CustomStringConvertible {
    /// mj_loadXML rejected the MJCF; `message` is MuJoCo's own text.
    case modelLoadFailed(message: String)
    /// The model has no object of this kind and name.
    case unknownName(kind: String, name: String)
    /// OSMesa could not create or bind an off-screen GL context.
    case renderContextFailed(String)
    /// A render size beyond the model's off-screen buffer.
    case renderSizeTooLarge(width: Int, height: Int, maxWidth: Int, maxHeight: Int)
    /// A command-line or configuration value out of range.
    case invalidConfiguration(String)
    /// The background photo (``EnvironmentConfiguration/backgroundImage``) cannot be used.
    case backgroundImage(path: String, reason: String)

    public var description: String {
        switch self {
        case .modelLoadFailed(let message):
            return "MuJoCo could not load the model: \(message). Check the MJCF text (element, attribute and line named above)."
        case .unknownName(let kind, let name):
            return "the model has no \(kind) named '\(name)'; check the MJCF names the twin generates."
        case .renderContextFailed(let what):
            return "off-screen rendering failed: \(what). Is libosmesa6 installed (scripts/install-deps.sh)?"
        case .renderSizeTooLarge(let width, let height, let maxWidth, let maxHeight):
            return "render size \(width)x\(height) exceeds the off-screen buffer \(maxWidth)x\(maxHeight); use a smaller size."
        case .invalidConfiguration(let what):
            return what
        case .backgroundImage(let path, let reason):
            return "cannot use the background photo \(path): \(reason). Fix: give a PNG or JPEG photo of your scene taken by "
                + "the front camera from its mount (e.g. `pirl-robot cameras snapshot --out \(path)`), or leave the option out."
        }
    }
}
