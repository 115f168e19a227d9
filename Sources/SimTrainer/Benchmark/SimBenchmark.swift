import Foundation

/// Throughput figures of the simulator (printed by `pirl-robot bench sim`).
public enum SimBenchmark {
    /// Decisions per second of a ``VectorEnvironment`` with `count`
    /// environments: each decision runs `actionsPerDecision` control ticks
    /// (16–17 physics steps each) and renders both cameras once. The actions
    /// sweep the arm slowly around the home pose, so contacts and rendering
    /// see a moving scene; policy time is not included.
    public static func decisionsPerSecond(
        configuration: EnvironmentConfiguration, count: Int, threads: Int, actionsPerDecision: Int, seconds: Double
    ) throws -> (decisions: Int, perSecond: Double) {
        let vector = try VectorEnvironment(configuration: configuration, count: count, seed: 1, threads: threads)
        _ = try vector.reset()
        var chunks = [[Float]](repeating: [Float](repeating: 0, count: actionsPerDecision * 6), count: count)
        var decision = 0, decisions = 0
        let clock = ContinuousClock()
        let start = clock.now
        var elapsed = 0.0
        while elapsed < seconds {
            for i in 0..<count {
                for k in 0..<actionsPerDecision {
                    let phase = Double(decision * actionsPerDecision + k) / 30 + Double(i)
                    for j in 0..<6 { chunks[i][k * 6 + j] = Float(SimEnvironment.homePose[j] + 0.3 * sin(phase + Double(j))) }
                }
            }
            _ = try vector.step(chunks: chunks, length: actionsPerDecision)
            decision += 1
            decisions += count
            elapsed = Self.seconds(clock.now - start)
        }
        return (decisions, Double(decisions) / elapsed)
    }

    /// mj_step calls per second of one environment on one thread, arm moving, no rendering.
    public static func physicsStepsPerSecond(seconds: Double) throws -> Double {
        let environment = try SimEnvironment(configuration: EnvironmentConfiguration(task: .pickPlace), seed: 1)
        environment.reset()
        let data = environment.data, ctrl = data.ctrl
        let clock = ContinuousClock(), start = clock.now
        var steps = 0, elapsed = 0.0
        while elapsed < seconds {
            for j in 0..<5 { ctrl[j] = SimEnvironment.homePose[j] + 0.3 * sin(Double(steps) / 500 + Double(j)) }
            for _ in 0..<500 { data.step() }
            steps += 500
            elapsed = Self.seconds(clock.now - start)
        }
        return Double(steps) / elapsed
    }

    /// Milliseconds per rendered frame (mjv_updateScene + mjr_render +
    /// mjr_readPixels + row flip) at `width × height` on the calling thread, the
    /// two cameras in turn, of episode 0 of a pick-place environment with
    /// `configuration`'s randomization (its textures) and background photo
    /// (composited into the front camera's frames).
    public static func millisecondsPerFrame(
        width: Int, height: Int, frames: Int, configuration: EnvironmentConfiguration = EnvironmentConfiguration(task: .pickPlace)
    ) throws -> Double {
        let environment = try SimEnvironment(configuration: configuration, seed: 1)
        environment.reset()
        let renderer = try OffscreenRenderer(model: environment.model)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let backdrop = environment.backdrop(width: width, height: height) ?? []
        let clock = ContinuousClock(), start = clock.now
        for frame in 0..<frames {
            let front = frame % 2 == 0
            try pixels.withUnsafeMutableBytes { out in
                try backdrop.withUnsafeBytes { photo in
                    try renderer.render(environment.data, camera: front ? environment.layout.frontCamera : environment.layout.wristCamera,
                                        width: width, height: height, into: out,
                                        backdrop: front && !backdrop.isEmpty ? photo : nil, foreground: environment.foregroundGeoms)
                }
            }
        }
        return 1000 * seconds(clock.now - start) / Double(frames)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
