/// The live progress line of an RL stage, e.g.
/// `it 12/40 | steps 46080 | success 0.62 | return 0.58 | pg -0.0123 | v 0.0456 | kl 0.0021 | clip 0.08 | grad 0.53 | ev 0.41 | 812 steps/s | ETA 6m12s`.
public enum ProgressLine {
    /// The line for `metrics` out of `iterations`, with `secondsLeft` estimated remaining.
    public static func format(_ m: IterationMetrics, iterations: Int, secondsLeft: Double) -> String {
        [
            "it \(m.iteration)/\(iterations)",
            "steps \(m.environmentSteps)",
            "success \(fixed(m.successRate, 2))",
            "return \(fixed(m.meanReturn, 2))",
            "pg \(fixed(m.pgLoss, 4))",
            "v \(fixed(m.vLoss, 4))",
            "kl \(fixed(m.approxKL, 4))",
            "clip \(fixed(m.clipFraction, 2))",
            "grad \(fixed(m.gradNorm, 2))",
            "ev \(fixed(m.explainedVariance, 2))",
            "\(Int(m.stepsPerSecond.isFinite ? m.stepsPerSecond.rounded() : 0)) steps/s",
            "ETA \(duration(secondsLeft))",
        ].joined(separator: " | ")
    }

    /// `value` with `digits` decimals; `-` for NaN.
    public static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "-" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (abs(value) * scale).rounded() / scale
        let whole = Int(rounded)
        var fraction = String(Int(((rounded - Double(whole)) * scale).rounded()))
        while fraction.count < digits { fraction = "0" + fraction }
        let sign = value < 0 && rounded != 0 ? "-" : ""
        return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fraction)"
    }

    /// `1h02m`, `6m12s` or `42s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "-" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(pad((s % 3600) / 60))m" }
        if s >= 60 { return "\(s / 60)m\(pad(s % 60))s" }
        return "\(s)s"
    }

    private static func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
