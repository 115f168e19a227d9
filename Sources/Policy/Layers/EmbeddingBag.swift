/// An embedding bag: the mean of the embedding rows of a variable-length list of
/// token ids per sample (zero for an empty list).
///
/// Shapes: table `vocabularySize × width`; output `samples × width`. Tokens arrive
/// as one flat id array with `offsets` (`samples + 1` entries, CSR style).
public struct EmbeddingBag: Sendable {
    /// Number of rows (hash buckets).
    public let vocabularySize: Int
    /// Embedding width.
    public let width: Int
    /// Offset of the table.
    public let table: Int

    /// Registers `name.weight`.
    public init(_ name: String, vocabularySize: Int, width: Int, layout: inout ParameterLayout) {
        self.vocabularySize = vocabularySize
        self.width = width
        table = layout.add("\(name).weight", shape: [vocabularySize, width])
    }

    /// N(0, 1) initialization, as PyTorch's `nn.EmbeddingBag`.
    public func initialize(_ p: UnsafeMutablePointer<Float>, using rng: inout RandomSource) {
        rng.fillGaussian(p + table, count: vocabularySize * width)
    }

    /// Mean-pools the rows of each sample's tokens into `y`.
    public func forward(
        _ p: UnsafePointer<Float>, tokens: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>,
        y: UnsafeMutablePointer<Float>, samples: Int
    ) {
        for s in 0..<samples {
            let ys = y + s * width
            ys.update(repeating: 0, count: width)
            let lo = Int(offsets[s]), hi = Int(offsets[s + 1])
            guard hi > lo else { continue }
            let scale = 1 / Float(hi - lo)
            for j in lo..<hi {
                let row = p + table + Int(tokens[j]) * width
                for i in 0..<width { ys[i] += row[i] * scale }
            }
        }
    }

    /// Scatters `dy` back onto the rows that were pooled.
    public func backward(
        _ g: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, offsets: UnsafePointer<Int32>,
        dy: UnsafePointer<Float>, samples: Int
    ) {
        for s in 0..<samples {
            let lo = Int(offsets[s]), hi = Int(offsets[s + 1])
            guard hi > lo else { continue }
            let scale = 1 / Float(hi - lo)
            let dys = dy + s * width
            for j in lo..<hi {
                let row = g + table + Int(tokens[j]) * width
                for i in 0..<width { row[i] += dys[i] * scale }
            }
        }
    }
}
