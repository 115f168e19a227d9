/// Bad input found while a command runs (a file that is missing or wrong): ArgumentParser
/// prints its description as the one `Error:` line, without the usage text a
/// `ValidationError` brings, which says nothing about a file's contents.
struct CommandFailure: Error, CustomStringConvertible {
    /// The line.
    var description: String

    init(_ description: String) { self.description = description }
}
