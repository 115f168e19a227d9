import Dispatch
import Foundation
import Runtime
import Synchronization

/// Runs a control loop on its own thread, prints a status line every second,
/// and turns Ctrl-C / SIGTERM into a clean stop (hold, then torque off).
enum LoopRunner {
    static func run(_ loop: ControlLoop, title: String, hertz: Double) throws -> LoopReport {
        let outcome = Mutex<Result<LoopReport, any Error>?>(nil)
        let thread = Thread {
            let result = Result { try loop.run() }
            outcome.withLock { $0 = result }
        }
        thread.name = "pirl-control"
        thread.stackSize = 8 << 20

        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let signals = [SIGINT, SIGTERM].map { number -> DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            // Weak: a cancelled source frees its handler later on a dispatch thread, and the loop
            // (robot, renderer, bus) must not be freed there while the process exits.
            source.setEventHandler { [weak loop] in
                FileHandle.standardError.write(Data("\n\(title): stopping — holding, then torque off\n".utf8))
                loop?.requestStop()
            }
            source.resume()
            return source
        }
        defer {
            signals.forEach { $0.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }

        thread.start()
        let interactive = isatty(STDOUT_FILENO) == 1
        var lastPrint = Date()
        while outcome.withLock({ $0 == nil }) {
            usleep(50_000)
            guard Date().timeIntervalSince(lastPrint) >= 1 else { continue }
            lastPrint = Date()
            let p = loop.progress
            let line = String(format: "%@: %.1f s · tick %d · overruns %d · held %d · clamps %d · chunks %d (last %.1f ms) · bus errors %d",
                              title, Double(p.ticks) / hertz, p.ticks, p.overruns, p.holdTicks, p.clamps, p.chunks,
                              p.lastInferenceMilliseconds, p.busErrors)
            print(interactive ? "\r\u{1B}[2K" + line : line, terminator: interactive ? "" : "\n")
            fflush(nil)  // all output streams: stdout is a C global Swift 6 will not touch
        }
        if interactive { print("") }
        return try outcome.withLock { $0! }.get()
    }
}
