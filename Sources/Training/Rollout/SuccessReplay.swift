/// The decisions of the policy's own successful training episodes, kept for the
/// demonstration anchor (``RLSettings/successReplayCapacity``): self-imitation in the
/// spirit of Oh et al. 2018 and of filtered behaviour cloning. A decision is the encoded
/// prefix it was made on (the encoder is frozen during RL) and the chunk the sampler
/// produced, in normalized action space.
///
/// Decisions wait per environment until their episode ends; a success moves them into a
/// ring buffer that drops the oldest decisions when full, anything else discards them.
/// The ring buffer is allocated once; an environment's pending buffer grows only until it
/// has held that environment's longest episode.
public final class SuccessReplay {
    /// Decisions the ring buffer holds at most.
    public let capacity: Int
    /// P: prefix feature width.
    public let prefixWidth: Int
    /// H·D: floats per chunk.
    public let chunkSize: Int
    /// Decisions held now.
    public private(set) var count = 0
    /// Successful episodes whose decisions were added since the start (some may have been dropped since).
    public private(set) var episodesAdded = 0

    private var prefixes: [Float], chunks: [Float]
    private var next = 0
    private var pendingPrefixes: [[Float]], pendingChunks: [[Float]]

    /// An empty replay of `capacity` decisions for `envs` environments.
    public init(capacity: Int, envs: Int, prefixWidth: Int, chunkSize: Int) {
        precondition(capacity >= 1 && envs >= 1 && prefixWidth >= 1 && chunkSize >= 1)
        self.capacity = capacity; self.prefixWidth = prefixWidth; self.chunkSize = chunkSize
        prefixes = [Float](repeating: 0, count: capacity * prefixWidth)
        chunks = [Float](repeating: 0, count: capacity * chunkSize)
        pendingPrefixes = [[Float]](repeating: [], count: envs)
        pendingChunks = [[Float]](repeating: [], count: envs)
    }

    /// Notes the decision environment `env` just made: the prefix it decided on and the sampled chunk.
    public func record(env: Int, prefix: UnsafeBufferPointer<Float>, chunk: UnsafeBufferPointer<Float>) {
        precondition(prefix.count == prefixWidth && chunk.count == chunkSize)
        pendingPrefixes[env].append(contentsOf: prefix)
        pendingChunks[env].append(contentsOf: chunk)
    }

    /// Ends environment `env`'s episode: keeps its decisions when it succeeded.
    public func finishEpisode(env: Int, success: Bool) {
        defer {
            pendingPrefixes[env].removeAll(keepingCapacity: true)
            pendingChunks[env].removeAll(keepingCapacity: true)
        }
        guard success else { return }
        let decisions = pendingChunks[env].count / chunkSize
        guard decisions > 0 else { return }
        episodesAdded += 1
        for j in 0..<decisions {
            prefixes.copyRow(next, from: j, of: pendingPrefixes[env], width: prefixWidth)
            chunks.copyRow(next, from: j, of: pendingChunks[env], width: chunkSize)
            next = (next + 1) % capacity
            count = min(count + 1, capacity)
        }
    }

    /// Drops every environment's unfinished episode (the environments were reset).
    public func discardPending() {
        for env in pendingChunks.indices { finishEpisode(env: env, success: false) }
    }

    /// Copies decision `index` (0 ..< ``count``) into row `row` of `prefixes` (`rows × P`) and `chunks` (`rows × H·D`).
    public func copy(_ index: Int, row: Int, prefixes outPrefixes: inout [Float], chunks outChunks: inout [Float]) {
        precondition(index >= 0 && index < count)
        outPrefixes.copyRow(row, from: index, of: prefixes, width: prefixWidth)
        outChunks.copyRow(row, from: index, of: chunks, width: chunkSize)
    }
}
