import Camera
import CTurboJPEG
import SimTrainer

/// The render thread of a ``TwinCameraPublisher``.
extension TwinCameraPublisher {
    /// The render thread: one frame per period of the camera's clock, from the newest scene state.
    func run() {
        guard let model = scene.model else {
            renderFailure.withLock { $0 = .simulation("camera \(camera.name): no scene was published") }
            return
        }
        let renderer: TwinSceneRenderer
        do { renderer = try TwinSceneRenderer(model: model) } catch {
            renderFailure.withLock { $0 = .simulation("camera \(camera.name): \(error)") }
            return
        }
        let encoder = JPEGEncoder()
        let (width, height) = (camera.nativeWidth, camera.nativeHeight)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        var state = TwinSceneState()
        let period = 1e9 / Double(options.framesPerSecond)
        let origin = MonotonicTime.nanoseconds()
        var next = 0
        while true {
            let due = origin + UInt64(Double(next) * period)
            sleep(untilMonotonicNanoseconds: due)
            next += 1
            let now = MonotonicTime.nanoseconds()
            let settings = control.withLock { $0 }
            if settings.stop { return }
            if !settings.plugged || now < settings.stalledUntil {
                counters.withLock { $0.withheldFrames += 1 }
                continue
            }
            _ = scene.copyLatest(into: &state)
            // The picture shows the newest physics state; when physics is not advancing
            // (not started, or finished), the scene at this frame time is that same state.
            let capture = due > state.monotonicNanoseconds + UInt64(period) ? due : state.monotonicNanoseconds
            do {
                try publish(state, capture: capture, renderer: renderer, encoder: encoder, pixels: &pixels)
            } catch {
                renderFailure.withLock { $0 = error }
                return
            }
            // Frame times already past while this one was made are lost, as on a
            // camera whose sensor readout cannot keep up.
            let finished = MonotonicTime.nanoseconds()
            let behind = Int(Double(finished - origin) / period)
            if behind >= next {
                counters.withLock { $0.lateFrames += behind - next + 1 }
                next = behind + 1
            }
        }
    }

    /// Renders, encodes and writes one frame.
    private func publish(_ state: TwinSceneState, capture: UInt64, renderer: TwinSceneRenderer, encoder: JPEGEncoder,
                         pixels: inout [UInt8]) throws(TwinServeError) {
        let (width, height) = (camera.nativeWidth, camera.nativeHeight)
        let start = MonotonicTime.nanoseconds()
        do {
            try pixels.withUnsafeMutableBytes { try renderer.render(state, camera: camera.name, width: width, height: height, into: $0) }
        } catch {
            throw .simulation("camera \(camera.name): \(error)")
        }
        let rendered = MonotonicTime.nanoseconds()
        var frame: UInt64?
        var bytes = 0
        let quality = options.jpegQuality
        let encoding: CameraError? = pixels.withUnsafeBytes { raw in
            do throws(CameraError) {
                try encoder.withEncoded(raw, width: width, height: height, bytesPerRow: width * 3, quality: quality) { jpeg in
                    frame = ring.write(jpeg: jpeg, captureNanoseconds: capture)
                    bytes = jpeg.count
                }
                return nil
            } catch {
                return error
            }
        }
        if let encoding { throw .simulation("camera \(camera.name): \(encoding)") }
        let encoded = MonotonicTime.nanoseconds()
        let renderMs = Double(rendered - start) / 1e6, encodeMs = Double(encoded - rendered) / 1e6
        counters.withLock { stats in
            stats.frames += 1
            stats.renderMilliseconds += renderMs
            stats.maxRenderMilliseconds = max(stats.maxRenderMilliseconds, renderMs)
            stats.encodeMilliseconds += encodeMs
            stats.maxEncodeMilliseconds = max(stats.maxEncodeMilliseconds, encodeMs)
            stats.jpegBytes += bytes
        }
        if options.retainedRenders > 0, let frame {
            let render = PublishedRender(frame: frame, captureNanoseconds: capture, pixels: pixels)
            retained.withLock { list in
                list.append(render)
                if list.count > options.retainedRenders { list.removeFirst(list.count - options.retainedRenders) }
            }
        }
    }
}
