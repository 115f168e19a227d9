import Foundation

/// The outputs of a run directory that grow as it trains: TensorBoard event file
/// (`tensorboard/`), `metrics.csv` and `success.png`, all written from one place so
/// every iteration logs the same scalars everywhere.
public final class RunLog {
    /// The TensorBoard writer.
    public let events: EventFileWriter
    /// The CSV writer.
    public let csv: MetricsCSV
    /// The plot data.
    public private(set) var plot = SuccessPlot()
    private let plotPath: String

    /// Opens the outputs under `directory` (appending to metrics.csv when resuming).
    public init(directory: String) throws {
        events = try EventFileWriter(directory: directory + "/tensorboard")
        csv = try MetricsCSV(path: directory + "/metrics.csv", columns: IterationMetrics.columns)
        plotPath = directory + "/success.png"
    }

    /// Logs an RL iteration under its environment-step count.
    public func log(_ m: IterationMetrics) throws {
        for (name, value) in m.scalars where name != "iteration" { events.addScalar("rl/" + name, value, step: m.environmentSteps) }
        try events.flush()
        try csv.append(step: m.environmentSteps, Dictionary(uniqueKeysWithValues: m.scalars))
        if m.successRate.isFinite { plot.training.append((Double(m.environmentSteps), m.successRate)) }
        try plot.write(to: plotPath)
    }

    /// Logs an evaluation's success rate at `environmentSteps` (`tag`: `sft`, `rl` or `final`).
    public func logEvaluation(tag: String, success: Double, environmentSteps: Int) throws {
        events.addScalar("eval/\(tag)_success", success, step: environmentSteps)
        try events.flush()
        try csv.append(step: environmentSteps, ["eval_success": success])
        if tag == "sft" { plot.baseline = success } else { plot.evaluations.append((Double(environmentSteps), success)) }
        try plot.write(to: plotPath)
    }

    /// Logs one SFT step's loss.
    public func logSFT(step: Int, loss: Double) {
        events.addScalar("sft/loss", loss, step: step)
    }

    /// Restores the plot's history after a resume (the CSV and events already hold it).
    public func restorePlot(_ plot: SuccessPlot) { self.plot = plot }
}
