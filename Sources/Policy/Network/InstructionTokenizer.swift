/// Turns an instruction into hashed word and bigram token ids for the embedding bag.
///
/// Lower-cases, splits on anything that is not a letter or digit, and hashes each
/// word (`w:word`) and each adjacent pair (`b:first second`) with 64-bit FNV-1a
/// into `0..<vocabularySize`. Deterministic across runs and machines.
public struct InstructionTokenizer: Sendable, Equatable {
    /// The number of hash buckets.
    public let vocabularySize: Int

    /// Creates a tokenizer with `vocabularySize` buckets.
    public init(vocabularySize: Int) {
        precondition(vocabularySize >= 1)
        self.vocabularySize = vocabularySize
    }

    /// The token ids of `instruction`: all words, then all bigrams.
    public func tokens(_ instruction: String) -> [Int32] {
        let words = instruction.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
        var ids = words.map { bucket("w:" + $0) }
        if words.count >= 2 {
            for i in 0..<(words.count - 1) { ids.append(bucket("b:" + words[i] + " " + words[i + 1])) }
        }
        return ids
    }

    /// 64-bit FNV-1a of the UTF-8 bytes, reduced modulo the vocabulary.
    public func bucket(_ text: String) -> Int32 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return Int32(h % UInt64(vocabularySize))
    }
}
