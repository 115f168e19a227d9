import Foundation

/// The pattern generators. Every pattern is periodic over the tile (integer frequencies,
/// noise on a wrapped lattice), so a tiled table shows no seams.
enum TextureGenerator {
    /// Pixels and tile size (m) of one variant of `family`. `grey` maps the pattern to
    /// `objectFloor`…1 grey instead of colours.
    static func generate(_ family: TextureFamily, size: Int, grey: Bool, objectFloor: Double,
                         _ random: inout SimRandom) -> (pixels: [UInt8], tile: Double) {
        let colors = (0..<3).map { _ in randomColor(&random) }
        var contrastA = colors[0], contrastB = colors[1]
        // Keep the two main colours apart in brightness so the pattern shows.
        if abs(luma(contrastA) - luma(contrastB)) < 0.15 {
            contrastB = contrastB.map { min(max($0 + (luma(contrastA) < 0.5 ? 0.3 : -0.3), 0.05), 0.97) }
        }
        if grey { contrastA = [1, 1, 1]; contrastB = [objectFloor, objectFloor, objectFloor] }
        let tile = random.uniform(0.12, 0.3)
        let field = pattern(family, size: size, &random)
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for i in 0..<(size * size) {
            let (t, third) = field[i]
            for c in 0..<3 {
                var value = contrastA[c] + (contrastB[c] - contrastA[c]) * t
                if third > 0 && !grey { value += (colors[2][c] - value) * third }
                if grey && third > 0 { value = value + (objectFloor - value) * third }
                pixels[i * 3 + c] = UInt8(min(max(value * 255 + 0.5, 0), 255))
            }
        }
        return (pixels, tile)
    }

    /// Per pixel: the mix `t` between the two main colours (0…1) and the weight of the third colour.
    static func pattern(_ family: TextureFamily, size: Int, _ random: inout SimRandom) -> [(Double, Double)] {
        var out = [(Double, Double)](repeating: (0, 0), count: size * size)
        let n = Double(size)
        func set(_ body: (Double, Double) -> (Double, Double)) {
            for y in 0..<size { for x in 0..<size { out[y * size + x] = body((Double(x) + 0.5) / n, (Double(y) + 0.5) / n) } }
        }
        switch family {
        case .checker:
            let cells = [2, 4, 6, 8][random.index(4)]
            let noise = PeriodicNoise(cells: 8, &random), amount = random.uniform(0, 0.15)
            set { u, v in
                let parity = (Int(u * Double(cells)) + Int(v * Double(cells))) % 2
                return (Double(parity) * (1 - amount) + amount * noise.fractal(u, v, octaves: 2), 0)
            }
        case .stripes:
            let directions = [(1, 0), (0, 1), (1, 1), (1, -1), (2, 1), (1, 2)]
            let (a, b) = directions[random.index(directions.count)]
            let repeats = 2 + random.index(5)
            let threeColours = random.unit() < 0.5, duty = random.uniform(0.3, 0.7)
            set { u, v in
                let s = fraction((Double(a) * u + Double(b) * v) * Double(repeats))
                if threeColours { return s < duty ? (0, 0) : s < (1 + duty) / 2 ? (1, 0) : (0, 1) }
                return (s < duty ? 0 : 1, 0)
            }
        case .wood:
            let noise = PeriodicNoise(cells: 4, &random), fine = PeriodicNoise(cells: 8, &random)
            let rings = Double(4 + random.index(6)), warp = random.uniform(0.6, 1.4)
            let vertical = random.unit() < 0.5
            set { u, v in
                let (along, across) = vertical ? (v, u) : (u, v)
                let s = fraction(across * rings + warp * noise.fractal(u, v, octaves: 3))
                let ring = pow(s, 3)
                let grain = fine.value(along, across * 8) * 0.25
                return (min(1, ring * 0.8 + grain), 0)
            }
        case .mottled:
            let noise = PeriodicNoise(cells: [4, 8, 16][random.index(3)], &random)
            let sharp = random.uniform(1, 3)
            set { u, v in
                let t = noise.fractal(u, v, octaves: 4)
                return (1 / (1 + exp(-sharp * 4 * (t - 0.5))), 0)
            }
        case .gradient:
            let (a, b) = [(1, 0), (0, 1), (1, 1)][random.index(3)]
            let noise = PeriodicNoise(cells: 16, &random)
            set { u, v in
                let t = 0.5 + 0.5 * cos(2 * .pi * (Double(a) * u + Double(b) * v))
                return (0.9 * t + 0.1 * noise.value(u, v), 0)
            }
        case .dots:
            let cells = [3, 4, 5, 6][random.index(4)], radius = random.uniform(0.2, 0.4)
            let staggered = random.unit() < 0.5
            set { u, v in
                let row = Int(v * Double(cells))
                let shift = staggered && row % 2 == 1 ? 0.5 : 0
                let cu = fraction(u * Double(cells) + shift) - 0.5, cv = fraction(v * Double(cells)) - 0.5
                return ((cu * cu + cv * cv).squareRoot() < radius ? 1 : 0, 0)
            }
        case .bricks:
            let rows = [2, 4, 6][random.index(3)], perRow = rows / 2 + 1 + random.index(3)
            let mortar = random.uniform(0.06, 0.12)
            let tones = (0..<(rows * perRow)).map { _ in random.uniform(0.3, 1) }
            set { u, v in
                let r = v * Double(rows), row = Int(r)
                let c = u * Double(perRow) + (row % 2 == 1 ? 0.5 : 0)
                let joint = fraction(c) < mortar * Double(perRow) / Double(rows) || fraction(r) < mortar
                return joint ? (0, 1) : (tones[row * perRow + Int(floor(c)) % perRow], 0)
            }
        case .cells:
            let cells = [3, 4, 5][random.index(3)]
            var points: [(Double, Double)] = []
            var tones: [Double] = []
            for _ in 0..<(cells * cells) { points.append((random.unit(), random.unit())); tones.append(random.unit()) }
            let joint = random.uniform(0.04, 0.08)
            set { u, v in
                var best = (Double.infinity, Double.infinity), bestIndex = 0
                let (gu, gv) = (u * Double(cells), v * Double(cells))
                for dy in -1...1 {
                    for dx in -1...1 {
                        let cx = Int(floor(gu)) + dx, cy = Int(floor(gv)) + dy
                        let wrapped = ((cy % cells + cells) % cells) * cells + ((cx % cells + cells) % cells)
                        let p = points[wrapped]
                        let (px, py) = (Double(cx) + p.0 - gu, Double(cy) + p.1 - gv)
                        let d = (px * px + py * py).squareRoot()
                        if d < best.0 { best = (d, best.0); bestIndex = wrapped } else if d < best.1 { best.1 = d }
                    }
                }
                return best.1 - best.0 < joint * Double(cells) ? (0, 1) : (tones[bestIndex], 0)
            }
        case .chevron:
            let repeats = 2 + random.index(4), zigs = 2 + random.index(4), depth = random.uniform(0.15, 0.4)
            let vertical = random.unit() < 0.5
            set { u, v in
                let (along, across) = vertical ? (v, u) : (u, v)
                let zig = abs(fraction(along * Double(zigs)) - 0.5) * 2 * depth
                let s = fraction((across + zig) * Double(repeats))
                return s < 0.5 ? (0, 0) : (1, 0)
            }
        }
        return out
    }

    /// A colour with hue anywhere, saturation 0.1…0.7, value 0.3…0.95.
    static func randomColor(_ random: inout SimRandom) -> [Double] {
        let h = random.unit() * 6, s = random.uniform(0.1, 0.7), v = random.uniform(0.3, 0.95)
        let c = v * s, x = c * (1 - abs(h.truncatingRemainder(dividingBy: 2) - 1)), m = v - c
        let (r, g, b): (Double, Double, Double) = switch Int(h) {
        case 0: (c, x, 0)
        case 1: (x, c, 0)
        case 2: (0, c, x)
        case 3: (0, x, c)
        case 4: (x, 0, c)
        default: (c, 0, x)
        }
        return [r + m, g + m, b + m]
    }

    static func luma(_ c: [Double]) -> Double { 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2] }
    static func fraction(_ x: Double) -> Double { x - floor(x) }
}

/// Value noise on a `cells × cells` lattice that wraps, so it tiles over [0, 1)².
struct PeriodicNoise {
    let cells: Int
    let lattice: [Double]

    init(cells: Int, _ random: inout SimRandom) {
        self.cells = cells
        lattice = (0..<(cells * cells)).map { _ in random.unit() }
    }

    /// Smoothly interpolated lattice value at (u, v), 0…1.
    func value(_ u: Double, _ v: Double) -> Double {
        let (x, y) = (TextureGenerator.fraction(u) * Double(cells), TextureGenerator.fraction(v) * Double(cells))
        let (x0, y0) = (Int(x) % cells, Int(y) % cells)
        let (x1, y1) = ((x0 + 1) % cells, (y0 + 1) % cells)
        func s(_ t: Double) -> Double { t * t * (3 - 2 * t) }
        let (fx, fy) = (s(x - floor(x)), s(y - floor(y)))
        let top = lattice[y0 * cells + x0] * (1 - fx) + lattice[y0 * cells + x1] * fx
        let bottom = lattice[y1 * cells + x0] * (1 - fx) + lattice[y1 * cells + x1] * fx
        return top * (1 - fy) + bottom * fy
    }

    /// Sum of `octaves` octaves (frequency ×2, amplitude ×½ each), normalized to 0…1.
    func fractal(_ u: Double, _ v: Double, octaves: Int) -> Double {
        var sum = 0.0, amplitude = 1.0, total = 0.0, scale = 1.0
        for _ in 0..<octaves {
            sum += amplitude * value(u * scale, v * scale)
            total += amplitude
            amplitude /= 2
            scale *= 2
        }
        return sum / total
    }
}
