/// Anything that turns a batch of observations into action chunks: a learned
/// flow policy (through a small adapter over the Policy module) or the
/// scripted expert. Actions are absolute joint goals in joint units,
/// RobotSpec.so101 order.
public protocol ChunkPolicy: AnyObject {
    /// Actions per chunk the policy returns (at least the H_exec executed).
    var chunkLength: Int { get }
    /// One chunk per observation: `chunkLength × 6` values, row-major, into `chunks[i]`.
    /// `observations[i]` comes from environment `i` of the vector.
    func actionChunks(for observations: [SimObservation], into chunks: inout [[Float]]) throws
}

/// The scripted expert as a chunk policy: one ``ScriptedExpert`` per
/// environment; chunk rows are the expert's actions for the next ticks of its
/// plan (the expert plans in time, so it can look ahead without new images).
public final class ExpertPolicy: ChunkPolicy {
    public let chunkLength: Int
    private var experts: [ScriptedExpert]
    private var row = [Float](repeating: 0, count: 6)

    /// Experts for `environments` environments, plan noise from `seed`, chunks of `chunkLength` actions.
    public init(environments: Int, seed: UInt64, chunkLength: Int) throws(SimulationError) {
        precondition(chunkLength > 0, "chunks need at least one action")
        self.chunkLength = chunkLength
        var experts: [ScriptedExpert] = []
        for _ in 0..<environments { experts.append(try ScriptedExpert(seed: seed)) }
        self.experts = experts
    }

    public func actionChunks(for observations: [SimObservation], into chunks: inout [[Float]]) {
        for (index, observation) in observations.enumerated() {
            if chunks[index].count != chunkLength * 6 { chunks[index] = [Float](repeating: 0, count: chunkLength * 6) }
            var ahead = observation
            for k in 0..<chunkLength {
                ahead.episodeStep = observation.episodeStep + k
                experts[index].action(for: ahead, environment: observation.privileged.environment, into: &row)
                for j in 0..<6 { chunks[index][k * 6 + j] = row[j] }
            }
        }
    }
}
