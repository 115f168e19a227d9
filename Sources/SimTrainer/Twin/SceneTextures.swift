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
/// ``SceneMJCF`` declares every texture at its size, so the compiled model reserves its pixels,
/// and the materials; ``paint(_:)`` writes the generated pixels (``TextureGenerator``) into
/// the compiled model before a renderer uploads them.
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

    /// The `<asset>` element: every texture declared at its size (MuJoCo's `builtin="flat"`
    /// reserves the pixels ``paint(_:)`` overwrites), and the materials
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
