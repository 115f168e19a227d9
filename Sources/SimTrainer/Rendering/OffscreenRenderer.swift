import CMuJoCo
import COSMesa
#if canImport(Glibc)
import Glibc
#endif

/// MuJoCo's OpenGL renderer on an OSMesa context: renders named cameras of
/// any model of one scene layout into packed RGB8 buffers (rows top-down).
///
/// OSMesa contexts are current per thread, so a renderer belongs to the
/// thread that created it and must only be used there (checked). A vectorized
/// environment gives each worker thread one renderer, shared by the
/// environments that thread steps; the environments keep their own models
/// (colours, lights, cameras and the material of textured geoms differ) and data.
/// The renderer's GPU-side assets (textures) come from the model it was made with;
/// every model of the twin's scene carries the same procedural textures
/// (``SceneTextures``), so any model of the same layout renders correctly.
public final class OffscreenRenderer {
    private let osmesa: OpaquePointer
    private let context: UnsafeMutablePointer<mjrContext>
    private let scene: UnsafeMutablePointer<mjvScene>
    private var options = mjvOption()
    private var camera = mjvCamera()
    private var rowScratch: [UInt8] = []
    private var segmentScratch: [UInt8] = []
    private var segmentKeeps: [Bool] = []
    private var hiddenSizes: [(index: Int, size: (Float, Float, Float))] = []
    private let owner: pthread_t
    /// Largest render size (the model's off-screen buffer).
    public let maxWidth: Int, maxHeight: Int

    /// Creates an OSMesa context, makes it current on this thread and builds
    /// MuJoCo's rendering context (mjr_makeContext) and scene (mjv_makeScene).
    /// - Parameters:
    ///   - model: a model of the scene layout to render.
    ///   - shadows: shadows and reflections (slower; for snapshots people look at).
    public init(model: MuJoCoModel, shadows: Bool = false) throws(SimulationError) {
        let size = model.offscreenSize
        guard let created = pirl_osmesa_create(Int32(size.width), Int32(size.height)) else {
            throw .renderContextFailed("OSMesaCreateContextExt returned NULL")
        }
        guard pirl_osmesa_make_current(created) == 1 else {
            pirl_osmesa_destroy(created)
            throw .renderContextFailed("OSMesaMakeCurrent failed")
        }
        osmesa = created
        owner = pthread_self()
        maxWidth = size.width
        maxHeight = size.height
        context = .allocate(capacity: 1)
        mjr_defaultContext(context)
        mjr_makeContext(model.pointer, context, Int32(mjFONTSCALE_100.rawValue))
        mjr_setBuffer(Int32(mjFB_OFFSCREEN.rawValue), context)
        scene = .allocate(capacity: 1)
        mjv_defaultScene(scene)
        mjv_makeScene(model.pointer, scene, 1000)
        mjv_defaultOption(&options)
        mjv_defaultCamera(&camera)
        camera.type = Int32(mjCAMERA_FIXED.rawValue)
        withUnsafeMutableBytes(of: &scene.pointee.flags) { flags in
            flags[Int(mjRND_SKYBOX.rawValue)] = 0
            flags[Int(mjRND_SHADOW.rawValue)] = shadows ? 1 : 0
            flags[Int(mjRND_REFLECTION.rawValue)] = shadows ? 1 : 0
        }
        pirl_osmesa_release_current()
    }

    deinit {
        if pirl_osmesa_make_current(osmesa) == 1 {
            mjr_freeContext(context)
            pirl_osmesa_release_current()
        }
        mjv_freeScene(scene)
        context.deallocate()
        scene.deallocate()
        pirl_osmesa_destroy(osmesa)
    }

    /// Renders fixed camera `cameraID` of `data` (mjv_updateScene, mjr_render,
    /// mjr_readPixels) into `pixels`: `width × height × 3` bytes, rows top-down.
    /// Allocates nothing once the first frame of a size has been drawn.
    /// - Precondition: called on the thread that created the renderer.
    public func render(
        _ data: MuJoCoData, camera cameraID: Int, width: Int, height: Int,
        into pixels: UnsafeMutableRawBufferPointer
    ) throws(SimulationError) {
        try render(data, camera: cameraID, width: width, height: height, into: pixels, backdrop: nil, foreground: [])
    }

    /// Renders as ``render(_:camera:width:height:into:)``, then green-screens: every pixel that
    /// shows no geom marked in `foreground` (indexed by geom id) — the table, the wall, empty
    /// space — takes the pixel of `backdrop` (`width × height` RGB8, rows top-down). A second,
    /// flat pass of the same scene with MuJoCo's segmentation colours (mjRND_SEGMENT +
    /// mjRND_IDCOLOR: each pixel's colour is the index of the geom it shows) finds them, so
    /// the mask is exact; invisible decorations (alpha 0, like the tool-centre site) are left
    /// out of it. `backdrop` `nil`: the plain render.
    public func render(
        _ data: MuJoCoData, camera cameraID: Int, width: Int, height: Int,
        into pixels: UnsafeMutableRawBufferPointer, backdrop: UnsafeRawBufferPointer?, foreground: [Bool]
    ) throws(SimulationError) {
        precondition(pthread_equal(owner, pthread_self()) != 0, "an OffscreenRenderer is used only on the thread that made it")
        guard width <= maxWidth, height <= maxHeight else {
            throw .renderSizeTooLarge(width: width, height: height, maxWidth: maxWidth, maxHeight: maxHeight)
        }
        precondition(pixels.count >= width * height * 3, "render buffer holds \(pixels.count) bytes, needs \(width * height * 3)")
        guard pirl_osmesa_make_current(osmesa) == 1 else { throw .renderContextFailed("OSMesaMakeCurrent failed") }
        defer { pirl_osmesa_release_current() }
        camera.fixedcamid = Int32(cameraID)
        mjv_updateScene(data.model.pointer, data.pointer, &options, nil, &camera, Int32(mjCAT_ALL.rawValue), scene)
        let viewport = mjrRect(left: 0, bottom: 0, width: Int32(width), height: Int32(height))
        mjr_render(viewport, scene, context)
        let base = pixels.baseAddress!.assumingMemoryBound(to: UInt8.self)
        mjr_readPixels(base, nil, viewport, context)
        if let backdrop {
            precondition(backdrop.count >= width * height * 3, "backdrop holds \(backdrop.count) bytes, needs \(width * height * 3)")
            composite(base, backdrop: backdrop.baseAddress!.assumingMemoryBound(to: UInt8.self), foreground: foreground,
                      width: width, height: height, viewport: viewport)
        }
        flipRows(base, rowBytes: width * 3, rows: height)
    }

    /// The segmentation pass and the replacement (`pixels` still bottom-up, as read).
    private func composite(_ pixels: UnsafeMutablePointer<UInt8>, backdrop: UnsafePointer<UInt8>, foreground: [Bool],
                           width: Int, height: Int, viewport: mjrRect) {
        let count = Int(scene.pointee.ngeom)
        // Which segment ids to keep, and the invisible geoms to leave out of the pass.
        if segmentKeeps.count < count + 1 { segmentKeeps = [Bool](repeating: false, count: count + 1) }
        hiddenSizes.removeAll(keepingCapacity: true)
        for i in 0...count { segmentKeeps[i] = false }
        for i in 0..<count {
            let geom = scene.pointee.geoms + i
            let id = Int(geom.pointee.objid)
            let keep = geom.pointee.objtype == Int32(mjOBJ_GEOM.rawValue) && id >= 0 && id < foreground.count && foreground[id]
            let segment = Int(geom.pointee.segid)
            if segment >= 0 && segment < segmentKeeps.count { segmentKeeps[segment] = keep }
            if geom.pointee.rgba.3 == 0 {
                hiddenSizes.append((i, (geom.pointee.size.0, geom.pointee.size.1, geom.pointee.size.2)))
                geom.pointee.size = (0, 0, 0)
            }
        }
        let flags = scene.pointee.flags
        withUnsafeMutableBytes(of: &scene.pointee.flags) { raw in
            raw[Int(mjRND_SEGMENT.rawValue)] = 1
            raw[Int(mjRND_IDCOLOR.rawValue)] = 1
            raw[Int(mjRND_SHADOW.rawValue)] = 0
            raw[Int(mjRND_REFLECTION.rawValue)] = 0
        }
        mjr_render(viewport, scene, context)
        scene.pointee.flags = flags
        for hidden in hiddenSizes { scene.pointee.geoms[hidden.index].size = hidden.size }
        let bytes = width * height * 3
        if segmentScratch.count < bytes { segmentScratch = [UInt8](repeating: 0, count: bytes) }
        segmentScratch.withUnsafeMutableBufferPointer { segments in
            let seg = segments.baseAddress!
            mjr_readPixels(seg, nil, viewport, context)
            segmentKeeps.withUnsafeBufferPointer { keeps in
                for row in 0..<height {
                    // The render is bottom-up; the backdrop top-down.
                    let source = backdrop + (height - 1 - row) * width * 3
                    for x in 0..<width {
                        let o = (row * width + x) * 3
                        let segment = Int(seg[o]) | Int(seg[o + 1]) << 8 | Int(seg[o + 2]) << 16
                        if segment > 0 && segment <= count && keeps[segment - 1] { continue }
                        pixels[o] = source[3 * x]; pixels[o + 1] = source[3 * x + 1]; pixels[o + 2] = source[3 * x + 2]
                    }
                }
            }
        }
    }

    /// OpenGL reads bottom-up; images are top-down.
    private func flipRows(_ base: UnsafeMutablePointer<UInt8>, rowBytes: Int, rows: Int) {
        if rowScratch.count < rowBytes { rowScratch = [UInt8](repeating: 0, count: rowBytes) }
        rowScratch.withUnsafeMutableBufferPointer { scratch in
            let temporary = scratch.baseAddress!
            for row in 0..<(rows / 2) {
                let top = base + row * rowBytes, bottom = base + (rows - 1 - row) * rowBytes
                temporary.update(from: top, count: rowBytes)
                top.update(from: bottom, count: rowBytes)
                bottom.update(from: temporary, count: rowBytes)
            }
        }
    }
}
