#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import RobotIO

/// Talks to the operator of `pirl-robot calibrate` on the terminal: prompts
/// on stdout, Enter on stdin, and a live range table redrawn in place when
/// stdout is a terminal.
final class TerminalCalibrationPrompter: CalibrationPrompter {
    /// How long `showRanges` waits for Enter: the table's refresh period and
    /// so the sampling period of the recording.
    let refreshMilliseconds: Int32
    /// Lines of the table drawn last, to move back over them.
    private var drawnLines = 0
    /// Samples since the table was last printed when stdout is not a terminal.
    private var samplesSincePrint = 0
    private let redrawsInPlace = isatty(STDOUT_FILENO) == 1

    /// A prompter refreshing the table every `refreshMilliseconds`.
    init(refreshMilliseconds: Int32 = 50) {
        self.refreshMilliseconds = refreshMilliseconds
    }

    func waitForEnter(_ instruction: String) -> Bool {
        print(instruction)
        fflush(nil)  // nil: every output stream (stdout is not concurrency-safe to name)
        return readStdinLine()
    }

    func showRanges(_ ranges: [RecordedRange]) -> Bool {
        let stop = enterPressed(withinMilliseconds: refreshMilliseconds)
        if redrawsInPlace {
            // The echoed Enter moved the cursor below the table: leave the table as it is.
            if !stop { draw(ranges) }
        } else {
            // A log, not a screen: a table a second, and the final one.
            samplesSincePrint += 1
            if stop || samplesSincePrint * Int(refreshMilliseconds) >= 1_000 {
                samplesSincePrint = 0
                draw(ranges)
            }
        }
        return stop
    }

    func inform(_ message: String) {
        print(message)
        fflush(nil)  // nil: every output stream (stdout is not concurrency-safe to name)
    }

    /// The table, over the previous one on a terminal.
    private func draw(_ ranges: [RecordedRange]) {
        var text = ""
        if redrawsInPlace && drawnLines > 0 { text += "\u{1B}[\(drawnLines)A" }
        let width = max(5, ranges.map(\.joint.count).max() ?? 0)
        func line(_ cells: [String]) -> String {
            cells[0].padding(width) + " | " + cells[1...].map { $0.leftPadding(6) }.joined(separator: " | ")
                + (redrawsInPlace ? "\u{1B}[K" : "") + "\n"
        }
        text += line(["JOINT", "MIN", "POS", "MAX"])
        for range in ranges {
            text += line([range.joint, "\(range.minimum)", "\(range.position)", "\(range.maximum)"])
        }
        print(text, terminator: "")
        fflush(nil)  // nil: every output stream (stdout is not concurrency-safe to name)
        drawnLines = ranges.count + 1
    }

    /// Waits up to `milliseconds` for a line on stdin and consumes it; end of input counts as Enter.
    private func enterPressed(withinMilliseconds milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        _ = readStdinLine()
        return true
    }

    /// Reads stdin up to and including the next newline, one byte at a time so
    /// nothing is buffered behind `poll`'s back (Swift's `readLine` reads ahead).
    /// Returns false at end of input before any newline.
    private func readStdinLine() -> Bool {
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return false }
            if byte == UInt8(ascii: "\n") { return true }
        }
    }
}

extension String {
    /// The string padded with spaces on the right to `width`.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// The string padded with spaces on the left to `width`.
    fileprivate func leftPadding(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
