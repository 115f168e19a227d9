import CMuJoCo
import Foundation

/// Which of the twin's two disjoint texture sets a texture belongs to: training draws from
/// ``training``; `eval-sim --unseen-textures` (``VisualShift/unseenTextures``) draws from
/// ``unseen``, whose pattern families training never shows.
public enum TextureSet: String, Sendable, Codable, CaseIterable {
    case training, unseen
}

/// A family of procedural patterns. Each family belongs to one ``TextureSet``, so the unseen
/// set differs from the training set in structure, not only in colours.
public enum TextureFamily: String, Sendable, CaseIterable {
    // Training.
    /// Two-colour checkerboard, 2–8 squares per tile.
    case checker
    /// Parallel bands of two or three colours at one of several angles.
    case stripes
    /// Wood: noise-warped growth rings with a fine grain.
    case wood
    /// Fractal value noise between two colours (linoleum, granite, a stained board).
    case mottled
    /// A smooth wave between two colours with faint noise (painted or lit surfaces).
    case gradient
    // Unseen.
    /// Round dots on a ground colour.
    case dots
    /// Running-bond bricks or tiles with mortar lines.
    case bricks
    /// Voronoi cells (flagstones) with dark joints.
    case cells
    /// Zig-zag (chevron) bands.
    case chevron

    /// The set the family belongs to.
    public var set: TextureSet {
        switch self {
        case .checker, .stripes, .wood, .mottled, .gradient: .training
        case .dots, .bricks, .cells, .chevron: .unseen
        }
    }

    /// The families of `set`.
    public static func families(of set: TextureSet) -> [TextureFamily] { allCases.filter { $0.set == set } }
}

/// One generated texture: a seamless `size × size` RGB8 tile.
struct ProceduralTexture: Sendable {
    /// Asset name (also the names of its materials' prefix).
    let name: String
    let family: TextureFamily
    let set: TextureSet
    let size: Int
    /// Row-major RGB8, `size × size × 3`.
    let pixels: [UInt8]
    /// Metres of table per repeat of the tile (surface textures).
    let tile: Double

    /// The mean colour, components 0…1.
    var meanColor: [Double] {
        var sum = [0.0, 0.0, 0.0]
        for i in stride(from: 0, to: pixels.count, by: 3) { for c in 0..<3 { sum[c] += Double(pixels[i + c]) } }
        return sum.map { $0 / Double(pixels.count / 3) / 255 }
    }
}

/// The twin's procedural textures (issue 28 §1): generated in Swift from fixed seeds (no files),
/// so every model of the scene carries the same pixels. Two kinds:
///
/// - **surface** textures, in colour, for the table (a tiling 2D texture, one repeat every
///   ``ProceduralTexture/tile`` m) and the wall behind the arm (a cube texture, 16 px a face:
///   MuJoCo maps a 2D texture onto a box's side faces as streaks);
/// - **object** textures, grey 0.8…1, for the cubes and the plate (cube textures, 32 px a face):
///   MuJoCo multiplies a texture by the geom's colour, so an object keeps its task colour and
///   gets only a faint pattern — a red cube stays red and the blue plate blue.
///
/// Each kind has a training set and a disjoint unseen set (``TextureFamily/set``): 20 + 8
/// surface tiles (each also as a wall cube map) and 10 + 8 object textures, 74 in all — MuJoCo
/// 2.2.2's renderer holds at most 100 (`mjrContext.texture[100]`). About 0.8 MB a model.
/// ``SceneMJCF`` declares every texture and material as a flat placeholder; ``paint(_:)``
/// writes the pixels into a compiled model before a renderer uploads them.
enum SceneTextures {
    /// Edge of a surface tile (px).
    static let surfaceSize = 64
    /// Edge of a cube-map face of the wall's textures (px).
    static let wallFace = 16
    /// Edge of a cube-map face of the objects' textures (px).
    static let objectFace = 32
    /// Variants of each family: surfaces, objects.
    static let surfaceVariants: [TextureSet: Int] = [.training: 4, .unseen: 2]
    static let objectVariants: [TextureSet: Int] = [.training: 2, .unseen: 2]
    /// Darkest grey of an object texture (1 is the plain colour).
    static let objectFloor = 0.8

    /// Every surface texture, training set first.
    static let surfaces: [ProceduralTexture] = make(kind: "surface", size: surfaceSize, variants: surfaceVariants, grey: false)
    /// The mean colour of each of ``surfaces``.
    static let surfaceMeans: [[Double]] = surfaces.map(\.meanColor)
    /// Every object texture, training set first.
    static let objects: [ProceduralTexture] = make(kind: "object", size: objectFace, variants: objectVariants, grey: true)

    private static func make(kind: String, size: Int, variants: [TextureSet: Int], grey: Bool) -> [ProceduralTexture] {
        var out: [ProceduralTexture] = []
        for set in TextureSet.allCases {
            for family in TextureFamily.families(of: set) {
                let familyIndex = TextureFamily.allCases.firstIndex(of: family)!
                for variant in 0..<variants[set]! {
                    var random = SimRandom(seed: 0x7E87_0E5C_2028, stream: UInt64(familyIndex) | (grey ? 1 << 8 : 0), UInt64(variant))
                    let (pixels, tile) = TextureGenerator.generate(family, size: size, grey: grey, objectFloor: objectFloor, &random)
                    out.append(ProceduralTexture(name: "\(kind)_\(family.rawValue)_\(variant)", family: family, set: set,
                                                 size: size, pixels: pixels, tile: tile))
                }
            }
        }
        return out
    }

    /// The `<asset>` element: every texture as a flat placeholder of its size, and the materials
    /// the randomizer switches geoms to (`table_…`, `wall_…`, `object_…`).
    static var assetsMJCF: String {
        var lines = ["<asset>"]
        for texture in surfaces {
            lines.append("  <texture name=\"\(texture.name)\" type=\"2d\" builtin=\"flat\" width=\"\(surfaceSize)\" height=\"\(surfaceSize)\" rgb1=\"1 1 1\"/>")
            lines.append("  <texture name=\"wall_\(texture.name)\" type=\"cube\" builtin=\"flat\" width=\"\(wallFace)\" height=\"\(wallFace)\" rgb1=\"1 1 1\"/>")
            // texuniform: repeats per metre, so the tile has the same size on any box.
            let repeats = 2 / texture.tile
            lines.append("  <material name=\"table_\(texture.name)\" texture=\"\(texture.name)\" texrepeat=\"\(repeats) \(repeats)\" texuniform=\"true\"/>")
            lines.append("  <material name=\"wall_\(texture.name)\" texture=\"wall_\(texture.name)\"/>")
        }
        for texture in objects {
            lines.append("  <texture name=\"\(texture.name)\" type=\"cube\" builtin=\"flat\" width=\"\(objectFace)\" height=\"\(objectFace)\" rgb1=\"1 1 1\"/>")
            lines.append("  <material name=\"object_\(texture.name)\" texture=\"\(texture.name)\"/>")
        }
        lines.append("</asset>")
        return lines.map { "  " + $0 }.joined(separator: "\n")
    }

    /// Writes every texture's pixels into `model` (compiled from ``SceneMJCF/xml(offscreenWidth:offscreenHeight:textures:)``
    /// with textures); a model without them is left alone. Renderers made from the model upload these pixels.
    static func paint(_ model: MuJoCoModel) {
        for texture in surfaces {
            write(texture.pixels, size: surfaceSize, toTexture: texture.name, in: model)
            write(downsample(texture.pixels, from: surfaceSize, to: wallFace), size: wallFace, toTexture: "wall_" + texture.name, in: model)
        }
        for texture in objects { write(texture.pixels, size: objectFace, toTexture: texture.name, in: model) }
    }

    /// Copies a face into texture `name` (every face of a cube texture gets it).
    private static func write(_ face: [UInt8], size: Int, toTexture name: String, in model: MuJoCoModel) {
        let m = model.pointer
        let id = Int(mj_name2id(m, Int32(mjOBJ_TEXTURE.rawValue), name))
        guard id >= 0 else { return }
        let width = Int(m.pointee.tex_width[id]), height = Int(m.pointee.tex_height[id])
        precondition(width == size && height % size == 0, "texture \(name) is \(width)x\(height), expected faces of \(size)")
        let base = m.pointee.tex_rgb + Int(m.pointee.tex_adr[id])
        face.withUnsafeBufferPointer { source in
            for faceIndex in 0..<(height / size) {
                (base + faceIndex * face.count).update(from: source.baseAddress!, count: face.count)
            }
        }
    }

    /// A box-filtered smaller copy of a square RGB8 tile.
    static func downsample(_ pixels: [UInt8], from size: Int, to target: Int) -> [UInt8] {
        let factor = size / target
        var out = [UInt8](repeating: 0, count: target * target * 3)
        for y in 0..<target {
            for x in 0..<target {
                for c in 0..<3 {
                    var sum = 0
                    for dy in 0..<factor {
                        for dx in 0..<factor { sum += Int(pixels[((y * factor + dy) * size + x * factor + dx) * 3 + c]) }
                    }
                    out[(y * target + x) * 3 + c] = UInt8(sum / (factor * factor))
                }
            }
        }
        return out
    }
}

/// Material ids of one model's textures, by set, resolved by name.
struct TextureMaterials: Sendable {
    /// Table materials (2D surface textures), wall materials (the same textures as cube maps),
    /// object materials (grey cube maps), each by set.
    let table: [TextureSet: [Int]], wall: [TextureSet: [Int]], object: [TextureSet: [Int]]
    /// The mean colour of each table material's texture (0…1), by material id.
    let meanColor: [Int: [Double]]

    /// Whether the model carries the textures at all.
    var isEmpty: Bool { table.values.allSatisfy(\.isEmpty) }

    init(model: MuJoCoModel) {
        func ids(_ prefix: String, _ textures: [ProceduralTexture]) -> [TextureSet: [Int]] {
            var out: [TextureSet: [Int]] = [.training: [], .unseen: []]
            for texture in textures {
                let id = Int(mj_name2id(model.pointer, Int32(mjOBJ_MATERIAL.rawValue), prefix + texture.name))
                if id >= 0 { out[texture.set, default: []].append(id) }
            }
            return out
        }
        table = ids("table_", SceneTextures.surfaces)
        var means: [Int: [Double]] = [:]
        for (texture, mean) in zip(SceneTextures.surfaces, SceneTextures.surfaceMeans) {
            let id = Int(mj_name2id(model.pointer, Int32(mjOBJ_MATERIAL.rawValue), "table_" + texture.name))
            if id >= 0 { means[id] = mean }
        }
        meanColor = means
        wall = ids("wall_", SceneTextures.surfaces)
        object = ids("object_", SceneTextures.objects)
    }
}

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
