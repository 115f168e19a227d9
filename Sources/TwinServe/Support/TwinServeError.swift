/// Why the served twin could not start or go on: what, where, and what to do.
public enum TwinServeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The --cameras folder cannot be created or written.
    case camerasFolderUnwritable(path: String, reason: String)
    /// A camera's frame ring file could not be created or mapped.
    case ringFailed(path: String, reason: String)
    /// A setting is out of range.
    case invalidOption(String)
    /// The results file cannot be opened or written.
    case resultsUnwritable(path: String, reason: String)
    /// The prompt file cannot be written.
    case promptUnwritable(path: String, reason: String)
    /// A thread could not be started.
    case threadFailed(name: String, errno: Int32)
    /// The twin's scene could not be built or rendered.
    case simulation(String)

    public var description: String {
        switch self {
        case let .camerasFolderUnwritable(path, reason):
            return "cannot use \(path) for the twin's cameras: \(reason). Fix: pass a writable folder with --cameras (it is created if missing)."
        case let .ringFailed(path, reason):
            return "cannot create the frame ring \(path): \(reason). Fix: check free space and permissions of the --cameras folder."
        case let .invalidOption(message):
            return message
        case let .resultsUnwritable(path, reason):
            return "cannot write episode results to \(path): \(reason). Fix: pass a writable path with --results."
        case let .promptUnwritable(path, reason):
            return "cannot write the episode's instruction to \(path): \(reason). Fix: pass a writable path with --prompt-file."
        case let .threadFailed(name, errno):
            return "cannot start the \(name) thread (pthread_create returned \(errno)). Fix: check the process and memory limits (ulimit -u, ulimit -v)."
        case let .simulation(message):
            return "the twin failed: \(message)"
        }
    }
}
