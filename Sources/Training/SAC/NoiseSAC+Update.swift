import Policy

extension NoiseSAC {
    /// One gradient step of the critics on a replayed minibatch, then (with `actor`) one of
    /// the steering head and the temperature, then the targets' Polyak step.
    func update(actor: Bool, totals: inout UpdateTotals, using rng: inout RandomSource) {
        let b = batch, rows = b.rows, o = b.observationWidth, d = b.startWidth
        for j in 0..<rows { b.indices[j] = rng.index(below: replay.count) }
        replay.gather(b.indices, observations: b.observations, starts: b.starts, rewards: b.rewards, terminals: b.terminals,
                      nextObservations: b.next)
        let alpha = self.alpha, gamma = Float(settings.gamma), scale = 1 / Float(rows)

        // TD target: r + γ(1 − terminal)(min Q̄(o′, w′) [− α·ℓ(w′ | o′)]), w′ ~ π(o′), ℓ the
        // log-density per start entry.
        sampleStarts(at: b.next, using: &rng)
        b.assemble(b.next, b.sampled)
        critics.forward(b.qInput, rows: rows, useTarget: true, out: b.q)
        let backup: Float = settings.sac.entropyInBackup ? alpha : 0
        for j in 0..<rows {
            let soft = min(b.q[j], b.q[rows + j]) - backup * b.logProb[j]
            b.targets[j] = b.rewards[j] + gamma * (1 - b.terminals[j]) * soft
        }

        // Critics: ½ Σ_i mean (Q_i(o, w) − y)².
        b.assemble(b.observations, b.starts)
        critics.forward(b.qInput, rows: rows, out: b.q)
        var loss: Float = 0, meanQ: Float = 0
        for i in 0..<2 {
            for j in 0..<rows {
                let diff = b.q[i * rows + j] - b.targets[j]
                loss += 0.5 * diff * diff * scale
                b.dQ[i * rows + j] = diff * scale
                meanQ += b.q[i * rows + j] * scale / 2
            }
        }
        critics.parameters.zeroGradients()
        critics.backward(dQ: b.dQ, input: b.qInput, dInput: nil, rows: rows)
        _ = criticOptimizer.step(critics.parameters)
        totals.criticLoss += Double(loss); totals.meanQ += Double(meanQ); totals.criticSteps += 1

        if actor && gradientSteps % settings.sac.actorEvery == 0 {
            // Actor: mean (α·ℓ(w | o) + β·KL̄(π(·|o) ‖ N(0, I)) − min_i Q_i(o, w)), w = μ(o) + σ·ε
            // reparameterized, KL̄ the KL to the flow's own start per entry.
            sampleStarts(at: b.observations, using: &rng)
            b.assemble(b.observations, b.sampled)
            critics.forward(b.qInput, rows: rows, out: b.q)
            var actorLoss: Float = 0, meanLogProb: Float = 0, prior: Float = 0
            let beta = Float(settings.sac.priorCoefficient), perEntry = 1 / Float(d)
            for j in 0..<rows {
                let first = b.q[j] <= b.q[rows + j]
                b.dQ[j] = first ? -scale : 0
                b.dQ[rows + j] = first ? 0 : -scale
                actorLoss += (alpha * b.logProb[j] - min(b.q[j], b.q[rows + j])) * scale
                meanLogProb += b.logProb[j] * scale
            }
            critics.parameters.zeroGradients()
            b.dInput.update(repeating: 0, count: rows * (o + d))
            critics.backward(dQ: b.dQ, input: b.qInput, dInput: b.dInput, rows: rows)
            for j in 0..<rows {
                for k in 0..<d {
                    let i = j * d + k, g = b.dInput[j * (o + d) + o + k]
                    let mu = b.mean[i], sigma = _exp(b.logStd[i])
                    prior += (0.5 * (mu * mu + sigma * sigma - 1) - b.logStd[i]) * perEntry * scale
                    b.dMean[i] = g + beta * mu * perEntry * scale
                    b.dLogStd[i] = g * sigma * b.noise[i] - alpha * scale * perEntry + beta * (sigma * sigma - 1) * perEntry * scale
                }
            }
            actorLoss += beta * prior
            policy.parameters.zeroGradients()
            policy.backwardStart(dMean: b.dMean, dLogStd: b.dLogStd)
            let report = optimizer.step(policy.parameters)
            totals.actorLoss += Double(actorLoss); totals.prior += Double(prior); totals.actorSteps += 1
            totals.gradNorm += report.gradientNorm.isFinite ? report.gradientNorm : 0
            if !report.applied { totals.skipped += 1 }

            // Temperature: log α descends −log α·(ℓ + H̄), H̄ = targetEntropy per entry.
            temperature.zeroGradients()
            temperature.gradients[0] = -(meanLogProb + Float(settings.sac.targetEntropy))
            _ = temperatureOptimizer.step(temperature)
        }
        critics.updateTarget(rate: Float(settings.sac.tau))
        gradientSteps += 1
    }

    /// Draws `w = μ(o) + σ(o)·ε` for the minibatch's observation rows `observations`
    /// (`rows × observationWidth`, prefix first) into the batch's `sampled`, with the
    /// log-density per entry `ℓ = log π(w | o) / D` (so α's scale does not depend on the chunk size).
    func sampleStarts(at observations: UnsafePointer<Float>, in b: Batch? = nil, using rng: inout RandomSource) {
        let b = b ?? batch, rows = b.rows, d = b.startWidth
        loadStartDistribution(at: observations, in: b)
        rng.fillGaussian(b.noise, count: rows * d)
        let normalizer = 0.5 * _log(2 * Float.pi)
        for j in 0..<rows {
            var logProb: Float = 0
            for k in 0..<d {
                let i = j * d + k, eps = b.noise[i]
                b.sampled[i] = b.mean[i] + _exp(b.logStd[i]) * eps
                logProb -= 0.5 * eps * eps + b.logStd[i] + normalizer
            }
            b.logProb[j] = logProb / Float(d)
        }
    }

    /// The head's `N(μ(o), σ²)` for the observation rows `observations` into `b.mean`, `b.logStd`.
    func loadStartDistribution(at observations: UnsafePointer<Float>, in b: Batch) {
        let rows = b.rows, o = b.observationWidth, p = b.prefixWidth
        for j in 0..<rows { (b.prefix + j * p).update(from: observations + j * o, count: p) }
        policy.loadPrefixFeatures(UnsafeBufferPointer(start: b.prefix, count: rows * p), count: rows)
        _ = policy.startDistribution(conditions: b.conditions, rows: rows, mean: b.mean, logStd: b.logStd)
    }

    /// A minibatch's buffers, allocated once.
    final class Batch {
        let rows, observationWidth, prefixWidth, startWidth: Int
        let observations, next, starts, rewards, terminals, targets, prefix: UnsafeMutablePointer<Float>
        let qInput, dInput, q, dQ, mean, logStd, noise, sampled, logProb, dMean, dLogStd: UnsafeMutablePointer<Float>
        let conditions: UnsafeMutablePointer<Int32>
        var indices: [Int]
        private let arena: BufferArena

        init(rows: Int, observationWidth o: Int, prefixWidth p: Int, startWidth d: Int) {
            self.rows = rows; observationWidth = o; prefixWidth = p; startWidth = d
            let arena = BufferArena(count: rows * (2 * o + 3 + p + 2 * (o + d) + 4 + 7 * d + 1))
            self.arena = arena
            observations = arena.take(rows * o); next = arena.take(rows * o); starts = arena.take(rows * d)
            rewards = arena.take(rows); terminals = arena.take(rows); targets = arena.take(rows); prefix = arena.take(rows * p)
            qInput = arena.take(rows * (o + d)); dInput = arena.take(rows * (o + d))
            q = arena.take(2 * rows); dQ = arena.take(2 * rows)
            mean = arena.take(rows * d); logStd = arena.take(rows * d); noise = arena.take(rows * d); sampled = arena.take(rows * d)
            dMean = arena.take(rows * d); dLogStd = arena.take(rows * d)
            logProb = arena.take(rows)
            conditions = .allocate(capacity: rows)
            for j in 0..<rows { conditions[j] = Int32(j) }
            indices = .init(repeating: 0, count: rows)
        }

        deinit { conditions.deallocate() }

        /// `qInput` rows `[observation | start]`.
        func assemble(_ observation: UnsafePointer<Float>, _ start: UnsafePointer<Float>) {
            let o = observationWidth, d = startWidth
            for j in 0..<rows {
                (qInput + j * (o + d)).update(from: observation + j * o, count: o)
                (qInput + j * (o + d) + o).update(from: start + j * d, count: d)
            }
        }
    }

    /// Sums over an iteration's gradient steps.
    struct UpdateTotals {
        var criticLoss = 0.0, actorLoss = 0.0, meanQ = 0.0, gradNorm = 0.0, prior = 0.0
        /// The clipped surrogate's (`ppo-replay-critic`): approximate KL and clip fraction.
        var ratioKL = 0.0, clipFraction = 0.0
        var criticSteps = 0, actorSteps = 0, skipped = 0, surrogateSteps = 0

        func write(into m: inout IterationMetrics) {
            if criticSteps > 0 { m.vLoss = criticLoss / Double(criticSteps); m.meanQ = meanQ / Double(criticSteps) }
            if actorSteps > 0 {
                m.pgLoss = actorLoss / Double(actorSteps); m.gradNorm = gradNorm / Double(actorSteps)
                // SAC: the KL to the flow's start per entry; PPO: the ratio's, per decision.
                m.approxKL = (surrogateSteps > 0 ? ratioKL : prior) / Double(actorSteps)
                m.clipFraction = clipFraction / Double(actorSteps)
            }
            m.skippedUpdates = skipped
        }
    }
}
