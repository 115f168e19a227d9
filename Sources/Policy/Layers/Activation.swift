/// Pointwise nonlinearities with their derivatives.
///
/// Backward uses the pre-activation `x` (and the output `y` where that is cheaper).
public enum Activation: String, Codable, Sendable, CaseIterable {
    /// `max(0, x)`.
    case relu
    /// `x·σ(x)`.
    case silu
    /// GELU, tanh approximation: `½x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    case gelu
    /// `tanh(x)`.
    case tanh

    /// `y = f(x)` elementwise.
    public func forward(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .relu: for i in 0..<count { y[i] = max(0, x[i]) }
        case .silu: for i in 0..<count { y[i] = x[i] / (1 + _exp(-x[i])) }
        case .gelu:
            for i in 0..<count {
                let v = x[i]
                y[i] = 0.5 * v * (1 + _tanh(Activation.geluC * (v + 0.044715 * v * v * v)))
            }
        case .tanh: for i in 0..<count { y[i] = _tanh(x[i]) }
        }
    }

    /// `dx = f'(x)·dy` (or `dx += …` with `accumulate`).
    public func backward(
        x: UnsafePointer<Float>, y: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, count: Int, accumulate: Bool = false
    ) {
        for i in 0..<count {
            let d: Float
            switch self {
            case .relu: d = x[i] > 0 ? 1 : 0
            case .silu:
                let s = 1 / (1 + _exp(-x[i]))
                d = s * (1 + x[i] * (1 - s))
            case .gelu:
                let v = x[i]
                let u = Activation.geluC * (v + 0.044715 * v * v * v)
                let th = _tanh(u)
                let du = Activation.geluC * (1 + 3 * 0.044715 * v * v)
                d = 0.5 * (1 + th) + 0.5 * v * (1 - th * th) * du
            case .tanh: d = 1 - y[i] * y[i]
            }
            dx[i] = accumulate ? dx[i] + d * dy[i] : d * dy[i]
        }
    }

    /// √(2/π).
    static let geluC: Float = 0.7978845608028654
}
