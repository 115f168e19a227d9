/// Row copies between flat row-major buffers (`rows × width` floats), as the rollout
/// storage, the success replay and the update's minibatch gathers keep them.
extension Array where Element == Float {
    /// Overwrites row `target` with row `source` of `other` (both rows of `width`), in place.
    mutating func copyRow(_ target: Int, from source: Int, of other: [Float], width: Int) {
        replaceSubrange((target * width)..<((target + 1) * width), with: other[(source * width)..<((source + 1) * width)])
    }
}
