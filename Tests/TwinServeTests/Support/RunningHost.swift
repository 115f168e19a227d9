@testable import TwinServe

/// Starts a twin host on a fresh joint board, runs `body` with both while the twin steps in
/// real time, and stops the host whatever `body` does.
func withRunningHost<T>(_ settings: TwinHostConfiguration, _ body: (TwinHost, TwinJointBoard) throws -> T) throws -> T {
    let board = TwinJointBoard()
    let host = try TwinHost(configuration: settings, port: board)
    try host.start()
    defer {
        host.requestStop()
        host.wait()
    }
    return try body(host, board)
}
