import Policy

/// One rollout's decisions for `ppo-replay-critic`'s surrogate, and the rows it scores:
/// per decision the executed start and ``SACSettings/startsPerDecision`` − 1 fresh draws from
/// the rollout's policy, each with its old log-density and critic advantage. Allocated once.
final class OnPolicyDecisions {
    let decisions: Int, startsPerDecision: Int
    /// Scored rows: `decisions × startsPerDecision`.
    var rows: Int { decisions * startsPerDecision }
    /// Observation rows `[prefix | time]` of each decision, in rollout order.
    var observations: [Float] = []
    /// The executed start of each decision.
    var executed: [Float] = []
    /// Per scored row: its start, old log-density per entry and advantage.
    var starts: [Float] = [], oldLogProb: [Float] = [], advantages: [Float] = []
    /// The surrogate's minibatch buffers (``RLSettings/minibatchSize`` rows).
    let batch: NoiseSAC.Batch
    var order: MinibatchOrder

    init(decisions: Int, startsPerDecision: Int, batch: NoiseSAC.Batch) {
        self.decisions = decisions
        self.startsPerDecision = startsPerDecision
        self.batch = batch
        let o = batch.observationWidth, d = batch.startWidth, rows = decisions * startsPerDecision
        observations = .init(repeating: 0, count: decisions * o)
        executed = .init(repeating: 0, count: decisions * d)
        starts = .init(repeating: 0, count: rows * d)
        oldLogProb = .init(repeating: 0, count: rows)
        advantages = .init(repeating: 0, count: rows)
        order = MinibatchOrder(count: rows, minibatchSize: batch.rows)
    }

    /// Keeps decision step `step`'s observation rows and sampled starts (`environments` of each).
    func record(step: Int, observations rows: [Float], starts: UnsafePointer<Float>) {
        let o = batch.observationWidth, d = batch.startWidth, n = rows.count / o
        observations.replaceSubrange((step * n * o)..<((step + 1) * n * o), with: rows)
        executed.withUnsafeMutableBufferPointer { ($0.baseAddress! + step * n * d).update(from: starts, count: n * d) }
    }

    /// Copies the observation rows of the scored rows `indices` into the batch's `observations`.
    func gatherObservations(_ indices: some Collection<Int>) {
        let o = batch.observationWidth
        observations.withUnsafeBufferPointer { source in
            for (j, r) in indices.enumerated() {
                (batch.observations + j * o).update(from: source.baseAddress! + (r / startsPerDecision) * o, count: o)
            }
        }
    }
}

extension NoiseSAC {
    /// PPO's actor step over the rollout just made (`ppo-replay-critic`): score each decision's
    /// starts with the critics, `A = min_i Q_i(o, w) − mean_m min_i Q_i(o, w′_m)` (w′_m from the
    /// rollout's policy), normalize, then ``RLSettings/epochs`` passes of minibatches over
    /// `−min(r·A, clip(r, 1 ± ε)·A) + β·KL̄(π(·|o) ‖ N(0, I))`, r the ratio of the start's
    /// density to the rollout policy's (reduced per ``RLSettings/reduction``).
    func updateActorByClippedSurrogate(_ data: OnPolicyDecisions, totals: inout UpdateTotals, using rng: inout RandomSource) {
        scoreStarts(data, using: &rng)
        let b = data.batch, rows = b.rows, d = startWidth
        let epsilon = Float(settings.clipCoef), beta = Float(settings.sac.priorCoefficient), scale = 1 / Float(rows)
        // d log r / d log π(w)'s per-entry mean: 1 under mean reduction, D under the sum.
        let ratioScale: Float = settings.reduction == .mean ? 1 : Float(d)
        for _ in 0..<settings.epochs {
            data.order.shuffle(using: &rng)
            for m in 0..<data.order.minibatchCount {
                let indices = data.order.minibatch(m)
                data.gatherObservations(indices)
                loadStartDistribution(at: b.observations, in: b)
                var loss: Float = 0, kl: Float = 0, clipped: Float = 0, prior: Float = 0
                data.starts.withUnsafeBufferPointer { starts in
                    for (j, r) in indices.enumerated() {
                        let row = Self.surrogate(start: starts.baseAddress! + r * d, mean: b.mean + j * d, logStd: b.logStd + j * d, dimension: d,
                                                 oldLogProb: data.oldLogProb[r], advantage: data.advantages[r], clip: epsilon,
                                                 ratioScale: ratioScale, prior: beta, weight: scale,
                                                 dMean: b.dMean + j * d, dLogStd: b.dLogStd + j * d)
                        loss += row.loss; prior += row.prior * scale
                        kl += ((row.ratio - 1) - _log(row.ratio)) * scale
                        if row.clipped { clipped += scale }
                    }
                }
                policy.parameters.zeroGradients()
                policy.backwardStart(dMean: b.dMean, dLogStd: b.dLogStd)
                let report = optimizer.step(policy.parameters)
                totals.actorLoss += Double(loss); totals.prior += Double(prior)
                totals.ratioKL += Double(kl); totals.clipFraction += Double(clipped)
                totals.actorSteps += 1; totals.surrogateSteps += 1
                totals.gradNorm += report.gradientNorm.isFinite ? report.gradientNorm : 0
                if !report.applied { totals.skipped += 1 }
            }
        }
    }

    /// One scored start's term of the surrogate, `weight·(−min(r·A, clip(r, 1 ± ε)·A) + β·KL̄)`,
    /// and its gradients in the head's `mean` and `logStd` (written, not accumulated).
    /// `log r = ratioScale·(ℓ(w) − oldLogProb)`, ℓ the log-density per entry without its
    /// normalizer; KL̄ is the KL from `N(mean, σ²)` to N(0, I) per entry (returned unweighted).
    static func surrogate(start w: UnsafePointer<Float>, mean: UnsafePointer<Float>, logStd: UnsafePointer<Float>, dimension d: Int,
                          oldLogProb: Float, advantage: Float, clip epsilon: Float, ratioScale: Float, prior beta: Float, weight: Float,
                          dMean: UnsafeMutablePointer<Float>, dLogStd: UnsafeMutablePointer<Float>)
        -> (loss: Float, ratio: Float, clipped: Bool, prior: Float) {
        let perEntry = 1 / Float(d)
        var prior: Float = 0
        for k in 0..<d {
            let sigma = _exp(logStd[k])
            prior += (0.5 * (mean[k] * mean[k] + sigma * sigma - 1) - logStd[k]) * perEntry
        }
        let ratio = _exp(ratioScale * (logDensityPerEntry(w, mean: mean, logStd: logStd, dimension: d) - oldLogProb))
        let bounded = min(max(ratio, 1 - epsilon), 1 + epsilon)
        // The unclipped term is the minimum (or both are equal) exactly when its gradient flows.
        let active = ratio * advantage <= bounded * advantage
        let g: Float = active ? -advantage * ratio * ratioScale * perEntry * weight : 0
        for k in 0..<d {
            let sigma = _exp(logStd[k]), z = (w[k] - mean[k]) / sigma
            dMean[k] = g * z / sigma + beta * mean[k] * perEntry * weight
            dLogStd[k] = g * (z * z - 1) + beta * (sigma * sigma - 1) * perEntry * weight
        }
        let loss = -min(ratio * advantage, bounded * advantage) * weight + beta * prior * weight
        return (loss, ratio, !active, prior)
    }

    /// `log N(w; mean, σ²)` per entry without its normalizer (which cancels in every ratio).
    static func logDensityPerEntry(_ w: UnsafePointer<Float>, mean: UnsafePointer<Float>, logStd: UnsafePointer<Float>, dimension d: Int) -> Float {
        var logProb: Float = 0
        for k in 0..<d {
            let z = (w[k] - mean[k]) * _exp(-logStd[k])
            logProb -= 0.5 * z * z + logStd[k]
        }
        return logProb / Float(d)
    }

    /// Fills `data`'s scored starts (the executed start, then fresh draws; only fresh draws at
    /// replayed observations under ``SACSettings/surrogateStates`` `replay`), their log-density
    /// per entry under the current head (the rollout's policy: the head has not moved since)
    /// and their normalized critic advantages.
    private func scoreStarts(_ data: OnPolicyDecisions, using rng: inout RandomSource) {
        let b = data.batch, rows = b.rows, d = startWidth, k = data.startsPerDecision
        let baselineDraws = settings.sac.baselineStarts
        // A replay still empty (a one-step rollout's decisions wait for their next observation) leaves the rollout's.
        let fromReplay = settings.sac.surrogateStates == .replay && replay.count > 0
        if fromReplay {
            let o = b.observationWidth
            data.observations.withUnsafeMutableBufferPointer { rows in
                for i in 0..<data.decisions { replay.copyObservation(rng.index(below: replay.count), to: rows.baseAddress! + i * o) }
            }
        }
        let q = b.targets, baseline = b.rewards   // scratch: the surrogate uses neither
        for first in stride(from: 0, to: data.rows, by: rows) {
            let indices = first..<(first + rows)
            data.gatherObservations(indices)
            // Baseline first: each call draws fresh starts into b.sampled.
            baseline.update(repeating: 0, count: rows)
            for _ in 0..<baselineDraws {
                sampleStarts(at: b.observations, in: b, using: &rng)
                minQ(b, starts: b.sampled, into: q)
                for j in 0..<rows { baseline[j] += q[j] / Float(baselineDraws) }
            }
            // The scored starts: executed for the first of each rollout decision's rows, else a fresh draw.
            sampleStarts(at: b.observations, in: b, using: &rng)
            data.executed.withUnsafeBufferPointer { executed in
                for (j, r) in indices.enumerated() where r % k == 0 && !fromReplay {
                    (b.sampled + j * d).update(from: executed.baseAddress! + (r / k) * d, count: d)
                }
            }
            minQ(b, starts: b.sampled, into: q)
            data.starts.withUnsafeMutableBufferPointer { starts in
                for (j, r) in indices.enumerated() {
                    (starts.baseAddress! + r * d).update(from: b.sampled + j * d, count: d)
                    data.oldLogProb[r] = Self.logDensityPerEntry(b.sampled + j * d, mean: b.mean + j * d, logStd: b.logStd + j * d, dimension: d)
                    data.advantages[r] = q[j] - baseline[j]
                }
            }
        }
        if settings.normalizeAdvantages { data.advantages = PPOLoss.normalizeAdvantages(data.advantages) }
    }

    /// `min_i Q_i(o, w)` for the batch's observation rows and `starts`.
    private func minQ(_ b: Batch, starts: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        b.assemble(b.observations, starts)
        critics.forward(b.qInput, rows: b.rows, out: b.q)
        for j in 0..<b.rows { out[j] = min(b.q[j], b.q[b.rows + j]) }
    }
}
