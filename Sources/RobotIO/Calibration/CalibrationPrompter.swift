/// The person at the arm, as `CalibrationProcedure` talks to them. The
/// terminal implementation reads Enter from stdin; a test answers the prompts
/// itself (and moves the motors while it does).
public protocol CalibrationPrompter: AnyObject {
    /// Shows `instruction` and returns once the operator pressed Enter, or
    /// false if they gave up (end of input), which cancels the calibration.
    func waitForEnter(_ instruction: String) -> Bool

    /// Shows the ranges recorded so far (joint, min, position, max) and
    /// returns true once the operator pressed Enter to stop recording.
    ///
    /// Called after every sample; it sets the sampling pace (the terminal
    /// waits up to its refresh interval for Enter), so a test can return at once.
    func showRanges(_ ranges: [RecordedRange]) -> Bool

    /// Tells the operator what just happened or what happens next.
    func inform(_ message: String)
}
