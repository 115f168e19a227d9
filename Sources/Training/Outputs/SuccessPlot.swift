import Camera

/// The success-rate-over-time image of a run (`success.png`): x is environment steps
/// (0 … the last point), y is success rate 0 … 1 with grid lines every 25 %. The blue
/// line is the training success rate per iteration, the orange line with dots the
/// periodic evaluations, the grey line the SFT checkpoint's evaluation.
public struct SuccessPlot: Sendable {
    /// (environment steps, success rate) of each RL iteration's finished episodes.
    public var training: [(steps: Double, success: Double)] = []
    /// (environment steps, success rate) of each evaluation.
    public var evaluations: [(steps: Double, success: Double)] = []
    /// Success rate of the SFT checkpoint, drawn as a horizontal reference.
    public var baseline: Double?

    /// An empty plot.
    public init() {}

    /// Colors of the parts.
    public static let trainingColor = RasterCanvas.Color(31, 119, 180)
    /// Color of the evaluation line.
    public static let evaluationColor = RasterCanvas.Color(255, 127, 14)
    /// Color of the baseline.
    public static let baselineColor = RasterCanvas.Color(140, 140, 140)

    /// Draws the plot on a `width × height` canvas.
    public func render(width: Int = 640, height: Int = 360) -> RasterCanvas {
        var canvas = RasterCanvas(width: width, height: height, background: .init(255, 255, 255))
        let left = 40, right = width - 16, top = 16, bottom = height - 32
        let maxSteps = max(1, (training.map(\.steps) + evaluations.map(\.steps)).max() ?? 1)
        func px(_ steps: Double) -> Int { left + Int((steps / maxSteps) * Double(right - left)) }
        func py(_ rate: Double) -> Int { bottom - Int(min(max(rate, 0), 1) * Double(bottom - top)) }
        for quarter in 0...4 {
            let y = py(Double(quarter) / 4)
            canvas.line(from: (left, y), to: (right, y), color: .init(225, 225, 225))
        }
        canvas.line(from: (left, top), to: (left, bottom), color: .init(0, 0, 0), thickness: 2)
        canvas.line(from: (left, bottom), to: (right, bottom), color: .init(0, 0, 0), thickness: 2)
        if let baseline {
            var x = left
            while x < right {
                canvas.line(from: (x, py(baseline)), to: (min(x + 6, right), py(baseline)), color: Self.baselineColor, thickness: 2)
                x += 12
            }
        }
        draw(training, on: &canvas, color: Self.trainingColor, dots: false, px: px, py: py)
        draw(evaluations, on: &canvas, color: Self.evaluationColor, dots: true, px: px, py: py)
        return canvas
    }

    private func draw(_ points: [(steps: Double, success: Double)], on canvas: inout RasterCanvas, color: RasterCanvas.Color,
                      dots: Bool, px: (Double) -> Int, py: (Double) -> Int) {
        for (i, p) in points.enumerated() {
            let here = (px(p.steps), py(p.success))
            if i > 0 { canvas.line(from: (px(points[i - 1].steps), py(points[i - 1].success)), to: here, color: color, thickness: 2) }
            if dots || points.count == 1 { canvas.fill(x: here.0 - 3, y: here.1 - 3, width: 7, height: 7, color: color) }
        }
    }

    /// Renders and writes a PNG through Camera's libpng writer.
    public func write(to path: String, width: Int = 640, height: Int = 360) throws {
        let canvas = render(width: width, height: height)
        try PNGWriter.write(RGBImage(width: canvas.width, height: canvas.height, pixels: canvas.pixels), to: path)
    }
}

extension SuccessPlot {
    /// Rebuilds the plot from a run's metrics.csv (`step`, `success_rate`, `eval_success`
    /// columns); the first evaluation row at step 0 is the SFT baseline.
    public init(csv: String) {
        self.init()
        let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, let stepColumn = header.firstIndex(of: "step"),
              let successColumn = header.firstIndex(of: "success_rate"), let evalColumn = header.firstIndex(of: "eval_success") else { return }
        for row in lines.dropFirst() where row.count == header.count {
            guard let steps = Double(row[stepColumn]) else { continue }
            if let rate = Double(row[successColumn]), rate.isFinite { training.append((steps, rate)) }
            if let rate = Double(row[evalColumn]) {
                if steps == 0 && baseline == nil && training.isEmpty { baseline = rate } else { evaluations.append((steps, rate)) }
            }
        }
    }
}
