/// The per-iteration diagnostics every PPO run reports (CleanRL's set).
public enum Diagnostics {
    /// Explained variance `1 − Var(R − V)/Var(R)` of the critic's values against the
    /// returns; NaN when the returns have no variance.
    public static func explainedVariance(values: [Float], returns: [Float]) -> Double {
        precondition(values.count == returns.count)
        guard !returns.isEmpty else { return .nan }
        let n = Double(returns.count)
        let meanR = returns.reduce(0.0) { $0 + Double($1) } / n
        let varR = returns.reduce(0.0) { $0 + (Double($1) - meanR) * (Double($1) - meanR) } / n
        guard varR > 0 else { return .nan }
        var meanD = 0.0
        for i in returns.indices { meanD += Double(returns[i] - values[i]) }
        meanD /= n
        var varD = 0.0
        for i in returns.indices {
            let d = Double(returns[i] - values[i]) - meanD
            varD += d * d
        }
        return 1 - (varD / n) / varR
    }

    /// The mean of `values` in double precision (0 for none).
    public static func mean(_ values: some Collection<Float>) -> Double {
        values.isEmpty ? 0 : values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
    }
}
