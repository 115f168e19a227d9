/// adaLN / FiLM modulation: `y = x ⊙ (1 + scale) + shift`, row by row.
///
/// Shapes: `x`, `y` are `rows × width`; `modulation` is `rows × 2·width`, holding
/// `scale` in its first half and `shift` in its second. No parameters of its own:
/// `modulation` comes from a ``Linear`` on the conditioning vector.
public enum Modulation {
    /// Forward pass.
    public static func forward(
        x: UnsafePointer<Float>, modulation: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Int, width: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * width, yr = y + r * width
            let sc = modulation + r * 2 * width, sh = sc + width
            for i in 0..<width { yr[i] = xr[i] * (1 + sc[i]) + sh[i] }
        }
    }

    /// Writes `dx` and `dModulation` (both overwritten).
    public static func backward(
        x: UnsafePointer<Float>, modulation: UnsafePointer<Float>, dy: UnsafePointer<Float>,
        dx: UnsafeMutablePointer<Float>, dModulation: UnsafeMutablePointer<Float>,
        rows: Int, width: Int
    ) {
        for r in 0..<rows {
            let xr = x + r * width, dyr = dy + r * width, dxr = dx + r * width
            let sc = modulation + r * 2 * width
            let dsc = dModulation + r * 2 * width, dsh = dsc + width
            for i in 0..<width {
                dxr[i] = dyr[i] * (1 + sc[i])
                dsc[i] = dyr[i] * xr[i]
                dsh[i] = dyr[i]
            }
        }
    }
}
