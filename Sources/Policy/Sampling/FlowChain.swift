/// Preallocated storage for one batched sampling call and the chain it leaves behind.
///
/// Layout: `states` is `(K + 1) × batch × dimension`, step-major, so the rows of one
/// step are contiguous and the final chunk (`k = K`) is one block. `stochasticStep[b]`
/// is the Flow-SDE step k* of sample b (−1 when no single step was chosen).
/// Reused across calls: sampling allocates nothing.
public final class FlowChain {
    /// Samples per call.
    public let batch: Int
    /// Floats per chunk.
    public let dimension: Int
    /// K.
    public let steps: Int
    /// The chain `x⁽⁰⁾ … x⁽ᴷ⁾` of every sample.
    public let states: UnsafeMutablePointer<Float>
    /// k* per sample for hybrid Flow-SDE; −1 otherwise.
    public let stochasticStep: UnsafeMutablePointer<Int32>
    /// The method that produced the chain. The sampler sets it; a trainer that refills
    /// `states` and `stochasticStep` from its rollout storage sets it to match.
    public var method: SamplerMethod = .ode
    /// Which Flow-SDE steps were stochastic (set like ``method``).
    public var sdeSelection: SDEStepSelection = .single
    /// Flow-SDE noise confined to each joint's lowest frequencies over the chunk (nil:
    /// independent noise on every entry). The sampler and the likelihood both read it, so
    /// a trainer sets it once on every chain it samples into or scores.
    public var noiseBasis: ChunkNoiseBasis? {
        didSet {
            precondition(noiseBasis.map { $0.horizon * $0.actionDim == dimension } ?? true, "noise basis does not match the chunk size")
        }
    }
    /// Whether `x⁽⁰⁾` was drawn from the field's steered start `N(startMean, exp(startLogStd)²)`
    /// rather than `N(0, I)` (set by the sampler).
    public var steeredStart = false
    /// The steered start's mean per sample (`batch × dimension`; meaningful when ``steeredStart``).
    public let startMean: UnsafeMutablePointer<Float>
    /// The steered start's log-std per sample (`batch × dimension`; meaningful when ``steeredStart``).
    public let startLogStd: UnsafeMutablePointer<Float>
    /// The basis of the residual head's correction when the field has one (set by the sampler;
    /// nil: the chunk is the flow's `x⁽ᴷ⁾`).
    public var residualBasis: ChunkNoiseBasis?
    /// The correction's cosine coefficients per sample (`batch × dimension`, the first
    /// `residualBasis.coefficientCount` of each row used).
    public let residualCoefficients: UnsafeMutablePointer<Float>
    /// The coefficients' mean per sample (`batch × coefficientCount`, packed).
    public let residualMean: UnsafeMutablePointer<Float>
    /// The coefficients' log-std per sample (packed as the mean).
    public let residualLogStd: UnsafeMutablePointer<Float>
    /// `x⁽ᴷ⁾ + B·c`, the corrected chunks (`batch × dimension`; meaningful with a residual).
    let corrected: UnsafeMutablePointer<Float>
    /// The K-step schedule (fixed at creation).
    public let schedule: FlowSchedule

    // Scratch for the sampler: velocities, log-variances, times, conditions.
    let velocity: UnsafeMutablePointer<Float>
    let logVariance: UnsafeMutablePointer<Float>
    let times: UnsafeMutablePointer<Float>
    let conditions: UnsafeMutablePointer<Int32>
    /// One chunk of noise and the basis coefficients while it is projected (`2 × dimension`).
    let noiseScratch: UnsafeMutablePointer<Float>

    /// Allocates storage for `batch` chunks of `dimension` floats and `steps` steps.
    public init(batch: Int, dimension: Int, steps: Int, noiseLevel: Double = 0.5) {
        precondition(batch >= 1 && dimension >= 1 && steps >= 1)
        self.batch = batch
        self.dimension = dimension
        self.steps = steps
        schedule = FlowSchedule(steps: steps, noiseLevel: noiseLevel)
        let n = batch * dimension
        states = .allocate(capacity: (steps + 1) * n)
        states.initialize(repeating: 0, count: (steps + 1) * n)
        stochasticStep = .allocate(capacity: batch)
        stochasticStep.initialize(repeating: -1, count: batch)
        velocity = .allocate(capacity: n); velocity.initialize(repeating: 0, count: n)
        logVariance = .allocate(capacity: n); logVariance.initialize(repeating: 0, count: n)
        times = .allocate(capacity: batch); times.initialize(repeating: 0, count: batch)
        conditions = .allocate(capacity: batch)
        startMean = .allocate(capacity: n); startMean.initialize(repeating: 0, count: n)
        startLogStd = .allocate(capacity: n); startLogStd.initialize(repeating: 0, count: n)
        residualCoefficients = .allocate(capacity: n); residualCoefficients.initialize(repeating: 0, count: n)
        residualMean = .allocate(capacity: n); residualMean.initialize(repeating: 0, count: n)
        residualLogStd = .allocate(capacity: n); residualLogStd.initialize(repeating: 0, count: n)
        corrected = .allocate(capacity: n); corrected.initialize(repeating: 0, count: n)
        noiseScratch = .allocate(capacity: 2 * dimension); noiseScratch.initialize(repeating: 0, count: 2 * dimension)
        for b in 0..<batch { conditions[b] = Int32(b) }
    }

    deinit {
        states.deallocate(); stochasticStep.deallocate(); velocity.deallocate()
        logVariance.deallocate(); times.deallocate(); conditions.deallocate(); noiseScratch.deallocate()
        startMean.deallocate(); startLogStd.deallocate()
        residualCoefficients.deallocate(); residualMean.deallocate(); residualLogStd.deallocate(); corrected.deallocate()
    }

    /// `x⁽ᵏ⁾` of all samples (`batch × dimension`).
    public func state(_ k: Int) -> UnsafeMutablePointer<Float> { states + k * batch * dimension }

    /// The sampled chunks (`batch × dimension`): `x⁽ᴷ⁾`, plus the residual head's correction when
    /// the field has one.
    public var actions: UnsafeMutablePointer<Float> { residualBasis == nil ? state(steps) : corrected }

    /// What a trainer stores of a sample, link by link: `x⁽⁰⁾ … x⁽ᴷ⁾`, then (link K + 1, with
    /// a residual) the correction's coefficients.
    public func link(_ k: Int) -> UnsafeMutablePointer<Float> { k <= steps ? state(k) : residualCoefficients }

    /// Recomputes the corrected chunks from `x⁽ᴷ⁾` and the stored coefficients.
    func correct(with basis: ChunkNoiseBasis) {
        let d = dimension
        precondition(basis.coefficientCount <= d)
        corrected.update(from: state(steps), count: batch * d)
        for b in 0..<batch { basis.addSynthesis(of: residualCoefficients + b * d, to: corrected + b * d) }
    }

    /// The chunk of sample `b` as an array.
    public func chunk(_ b: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: actions + b * dimension, count: dimension))
    }
}
