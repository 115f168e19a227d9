import CMuJoCo
import Testing
@testable import SimTrainer

/// Procedural textures (issue 28 §1): off by default and then invisible — the same renders and
/// episodes as the scene without them; on, drawn per episode from the training set from a stream
/// of their own; `unseenTextures` draws from the disjoint unseen set only.
@Suite("Scene textures")
struct SceneTextureTests {
    static func configuration(textures: Double = 0, unseen: Bool = false) -> EnvironmentConfiguration {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.randomization.textureProbability = textures
        configuration.visualShift.unseenTextures = unseen
        return configuration
    }

    /// The materials of the table, wall, cubes and plate in `environment`'s model.
    static func materials(_ environment: SimEnvironment) -> [Int32] {
        let m = environment.model.pointer, layout = environment.layout
        return ([layout.tableGeom, layout.wallGeom, layout.plateGeom] + layout.cubeGeoms).map { m.pointee.geom_matid[$0] }
    }

    static func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    @Test func texturesOffRenderAndDrawExactlyAsTheSceneWithout() throws {
        // The scene as it was before textures (no texture assets) against today's, textures off.
        let before = try SimEnvironment(configuration: Self.configuration(), seed: 4, index: 1, textureAssets: false)
        let now = try SimEnvironment(configuration: Self.configuration(), seed: 4, index: 1)
        let on = try SimEnvironment(configuration: Self.configuration(textures: 1), seed: 4, index: 1)
        let renderers = try [before, now, on].map { try OffscreenRenderer(model: $0.model) }
        #expect(before.model.pointer.pointee.ntex == 0 && now.model.pointer.pointee.ntex > 0)
        // MuJoCo 2.2.2's renderer holds at most 100 textures (mjrContext.texture[100]).
        #expect(now.model.pointer.pointee.ntex <= 100)
        for episode in 0..<3 {
            for environment in [before, now, on] { environment.reset(episode: episode) }
            let observations = try zip([before, now, on], renderers).map { try $0.0.observe(using: $0.1) }
            #expect(observations[1].frames == observations[0].frames, "episode \(episode): textures off changed a render")
            #expect(observations[1].state == observations[0].state && now.latency == before.latency)
            #expect(Self.materials(now).allSatisfy { $0 == -1 })
            // Textures on draw from their own stream: the same poses, colours' draws, latency and noise.
            #expect(on.setup == before.setup && on.latency == before.latency)
            #expect(observations[2].objectState == observations[0].objectState && observations[2].state == observations[0].state)
            #expect(Self.difference(observations[2].frames["front"]!, observations[0].frames["front"]!) > 2,
                    "episode \(episode): textures on left the front camera's picture as it was")
        }
    }

    @Test func trainingTexturesChangeTheTablePerEpisode() throws {
        let environment = try SimEnvironment(configuration: Self.configuration(textures: 1), seed: 4)
        let renderer = try OffscreenRenderer(model: environment.model)
        let materials = TextureMaterials(model: environment.model)
        var tables: Set<Int32> = [], frames: [[UInt8]] = []
        for episode in 0..<6 {
            environment.reset(episode: episode)
            let m = environment.model.pointer, layout = environment.layout
            let table = m.pointee.geom_matid[layout.tableGeom]
            #expect(materials.table[.training]!.contains(Int(table)), "episode \(episode): table material \(table)")
            #expect(materials.wall[.training]!.contains(Int(m.pointee.geom_matid[layout.wallGeom])))
            for geom in layout.cubeGeoms + [layout.plateGeom] {
                #expect(materials.object[.training]!.contains(Int(m.pointee.geom_matid[geom])))
            }
            #expect(environment.surfaceTextures.values.allSatisfy { name in
                SceneTextures.surfaces.contains { $0.name == name && $0.set == .training }
                    || SceneTextures.objects.contains { $0.name == name && $0.set == .training }
            })
            // The table's texture stands apart from the cube's and the plate's colours.
            let setup = environment.setup
            for color in setup.cubes.map(\.color.rgba) + [setup.plate!.color.rgba] {
                #expect(TextureRandomizer.distance(materials.meanColor[Int(table)]!, color) >= TextureRandomizer.minimumContrast)
            }
            tables.insert(table)
            _ = try environment.observe(using: renderer)
            frames.append(environment.lastRender(of: "front")!.pixels)
        }
        #expect(tables.count >= 3, "6 episodes drew table textures \(tables)")
        // The bottom rows of the front camera show the table in front of the objects.
        let render = environment.lastRender(of: "front")!
        let bottom = (render.height - 10) * render.width * 3
        #expect(Self.difference(Array(frames[0][bottom...]), Array(frames[1][bottom...])) > 5)

        // Half the chance: some surfaces plain, some textured.
        let half = try SimEnvironment(configuration: Self.configuration(textures: 0.5), seed: 4)
        var plain = 0, textured = 0
        for episode in 0..<8 {
            half.reset(episode: episode)
            for material in Self.materials(half) { if material < 0 { plain += 1 } else { textured += 1 } }
        }
        #expect(plain > 10 && textured > 10, "\(plain) plain, \(textured) textured of 64")
    }

    @Test func unseenTexturesComeOnlyFromTheUnseenSet() throws {
        let training = Set(TextureFamily.families(of: .training)), unseen = Set(TextureFamily.families(of: .unseen))
        #expect(training.isDisjoint(with: unseen) && training.count >= 4 && unseen.count >= 3)
        #expect(SceneTextures.surfaces.allSatisfy { $0.family.set == $0.set })
        for textures in [0.0, 1.0] {
            let environment = try SimEnvironment(configuration: Self.configuration(textures: textures, unseen: true), seed: 4)
            let materials = TextureMaterials(model: environment.model)
            let allowed = Set((materials.table[.unseen]! + materials.wall[.unseen]! + materials.object[.unseen]!).map(Int32.init))
            var families: Set<String> = []
            for episode in 0..<6 {
                environment.reset(episode: episode)
                let drawn = Self.materials(environment)
                #expect(drawn.allSatisfy { allowed.contains($0) }, "episode \(episode): \(drawn)")
                families.formUnion(environment.surfaceTextures.values.map { String($0.split(separator: "_")[1]) })
            }
            #expect(families.isSubset(of: unseen.map(\.rawValue)) && families.count >= 3, "\(families)")
        }
    }

    @Test func texturesAreFixedAndObjectTexturesKeepTheColour() {
        // Fixed seeds: the same pixels every time, and every tile different from the others.
        var a = SimRandom(seed: 9), b = SimRandom(seed: 9)
        for family in TextureFamily.allCases {
            let first = TextureGenerator.generate(family, size: 32, grey: false, objectFloor: 0.8, &a)
            let second = TextureGenerator.generate(family, size: 32, grey: false, objectFloor: 0.8, &b)
            #expect(first.pixels == second.pixels, "\(family) is not deterministic")
        }
        #expect(Set(SceneTextures.surfaces.map(\.pixels)).count == SceneTextures.surfaces.count)
        // Object textures are grey 0.8…1 (the geom's colour times at most a 20 % shade).
        for texture in SceneTextures.objects {
            let pixels = texture.pixels
            for i in stride(from: 0, to: pixels.count, by: 3) {
                #expect(pixels[i] == pixels[i + 1] && pixels[i] == pixels[i + 2] && pixels[i] >= 203, "\(texture.name)")
                if pixels[i] < 203 || pixels[i] != pixels[i + 1] { break }
            }
        }
        // Every surface texture shows a pattern, not one flat colour.
        for texture in SceneTextures.surfaces {
            let values = Set(stride(from: 0, to: texture.pixels.count, by: 3).map { texture.pixels[$0] })
            #expect(values.count > 1, "\(texture.name) is flat")
        }
    }

    @Test func outOfRangeTextureProbabilityIsRefusedByName() {
        var randomization = DomainRandomization()
        randomization.textureProbability = 1.5
        do { try randomization.validate(); Issue.record("1.5 accepted") } catch { #expect("\(error)".contains("textureProbability")) }
        #expect(DomainRandomization().textureProbability == 0 && DomainRandomization.none.textureProbability == 0)
    }
}
