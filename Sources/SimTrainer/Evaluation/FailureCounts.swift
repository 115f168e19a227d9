/// Formatting of an evaluation's failure breakdown (episodes per failure reason).
public enum FailureCounts {
    /// "12 held over the plate, 3 cube never moved": most frequent first, ties by name.
    public static func summary(_ counts: [String: Int]) -> String {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }
            .joined(separator: ", ")
    }
}
