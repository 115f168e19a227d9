/// A colour with the name instructions use for it.
public struct NamedColor: Sendable, Hashable, Codable {
    /// Word used in instructions ("red").
    public var name: String
    /// Render colour.
    public var rgba: RGBA

    /// The six object colours of the task suite, in a fixed order.
    public static let palette: [NamedColor] = [
        NamedColor(name: "red", rgba: RGBA(0.85, 0.12, 0.1)),
        NamedColor(name: "green", rgba: RGBA(0.15, 0.7, 0.2)),
        NamedColor(name: "blue", rgba: RGBA(0.12, 0.3, 0.9)),
        NamedColor(name: "yellow", rgba: RGBA(0.95, 0.85, 0.1)),
        NamedColor(name: "purple", rgba: RGBA(0.55, 0.2, 0.75)),
        NamedColor(name: "orange", rgba: RGBA(1.0, 0.5, 0.05)),
    ]
}
