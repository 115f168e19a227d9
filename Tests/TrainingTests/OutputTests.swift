import Foundation
import Testing
@testable import Training

@Suite("Run outputs: TensorBoard events, metrics.csv, plot, progress line")
struct OutputTests {
    @Test func crc32cCheckValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        let crc = CRC32C.checksum(Array("abc".utf8))
        #expect(CRC32C.masked(Array("abc".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
    }

    @Test func varintsAndFieldsFollowTheWireFormat() {
        var w = ProtobufWriter()
        w.varint(300)
        #expect(w.bytes == [0xAC, 0x02])
        var f = ProtobufWriter()
        f.float(2, 1.0)
        #expect(f.bytes == [0x15, 0x00, 0x00, 0x80, 0x3F])
        var n = ProtobufWriter()
        n.int64(2, -1)
        #expect(n.bytes.count == 11 && n.bytes.last == 0x01)
    }

    @Test func recordsAreFramedWithMaskedCRCs() throws {
        let dir = Support.temporaryDirectory()
        let writer = try EventFileWriter(directory: dir, wallTime: 1_700_000_000)
        writer.addScalar("rl/success_rate", 0.25, step: 10, wallTime: 1_700_000_001)
        try writer.flush()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: writer.path)))
        var offset = 0, records = 0
        while offset < bytes.count {
            let lengthBytes = Array(bytes[offset..<(offset + 8)])
            let length = lengthBytes.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
            let lengthCRC = bytes[(offset + 8)..<(offset + 12)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
            #expect(lengthCRC == CRC32C.masked(lengthBytes))
            let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            let dataCRC = bytes[(offset + 12 + length)..<(offset + 16 + length)].enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }
            #expect(dataCRC == CRC32C.masked(data))
            offset += 16 + length
            records += 1
        }
        #expect(records == 2)
        #expect(offset == bytes.count)
    }

    /// TensorBoard's own reader (the Python `tensorboard` package) opens the file.
    @Test func tensorBoardReadsTheScalarsBack() throws {
        let dir = Support.temporaryDirectory()
        let writer = try EventFileWriter(directory: dir)
        for step in 0..<5 {
            writer.addScalar("rl/success_rate", Double(step) / 4, step: step * 100)
            writer.addScalar("rl/pg_loss", -0.5 * Double(step), step: step * 100)
        }
        try writer.flush()
        let (status, output) = try Support.python("read_events.py", [dir])
        #expect(status == 0, "\(output)")
        let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: [[Double]]]
        #expect(json["rl/success_rate"]?.map { $0[0] } == [0, 100, 200, 300, 400])
        #expect(json["rl/success_rate"]?.map { $0[1] } == [0, 0.25, 0.5, 0.75, 1])
        #expect(json["rl/pg_loss"]?.last?[1] == -2)
    }

    @Test func metricsCSVAppendsAndChecksItsHeader() throws {
        let path = Support.temporaryDirectory() + "/metrics.csv"
        do {
            let csv = try MetricsCSV(path: path, columns: ["a", "b"])
            try csv.append(step: 1, ["a": 0.5, "b": .nan])
        }
        do {
            let csv = try MetricsCSV(path: path, columns: ["a", "b"])
            try csv.append(step: 2, ["a": 1])
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "step,a,b\n1,0.5,nan\n2,1.0,\n")
        #expect(throws: (any Error).self) { try MetricsCSV(path: path, columns: ["a"]) }
    }

    @Test func plotDrawsLinesWhereTheDataIs() throws {
        var plot = SuccessPlot()
        plot.training = [(0, 0), (100, 1)]
        plot.evaluations = [(100, 0.5)]
        plot.baseline = 0.25
        let canvas = plot.render(width: 200, height: 100)
        var colors = Set<[UInt8]>()
        for y in 0..<canvas.height { for x in 0..<canvas.width { let c = canvas.color(x: x, y: y); colors.insert([c.r, c.g, c.b]) } }
        for color in [SuccessPlot.trainingColor, SuccessPlot.evaluationColor, SuccessPlot.baselineColor] {
            #expect(colors.contains([color.r, color.g, color.b]))
        }
        // The evaluation dot sits at the right edge, half way up the plot area (top 16, bottom 68).
        let dot = canvas.color(x: 200 - 16, y: 68 - 26)
        #expect(dot == SuccessPlot.evaluationColor)
        let path = Support.temporaryDirectory() + "/success.png"
        try plot.write(to: path, width: 200, height: 100)
        let header = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)).prefix(8))
        #expect(header == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test func plotRebuildsFromMetricsCSV() {
        let csv = "step,success_rate,eval_success\n0,,0.3\n100,0.5,\n200,0.7,0.8\n"
        let plot = SuccessPlot(csv: csv)
        #expect(plot.baseline == 0.3)
        #expect(plot.training.map(\.success) == [0.5, 0.7])
        #expect(plot.evaluations.map(\.steps) == [200])
    }

    @Test func progressLineShowsEveryDiagnostic() {
        var m = IterationMetrics()
        m.iteration = 3; m.environmentSteps = 4800; m.successRate = 0.625; m.meanReturn = 0.5
        m.pgLoss = -0.01234; m.vLoss = 0.5; m.approxKL = 0.002; m.clipFraction = 0.1; m.gradNorm = 0.75
        m.explainedVariance = 0.4; m.stepsPerSecond = 812.4
        let line = ProgressLine.format(m, iterations: 40, secondsLeft: 372)
        #expect(line == "it 3/40 | steps 4800 | success 0.63 | return 0.50 | pg -0.0123 | v 0.5000 | kl 0.0020 | clip 0.10 | grad 0.75 | ev 0.40 | 812 steps/s | ETA 6m12s")
        #expect(ProgressLine.duration(3725) == "1h02m")
        #expect(ProgressLine.fixed(.nan, 2) == "-")
        #expect(ProgressLine.fixed(-0.0001, 2) == "0.00")
    }

    @Test func everyScalarHasACSVColumn() {
        #expect(IterationMetrics.columns.count == IterationMetrics().scalars.count + 1)
        #expect(Set(IterationMetrics.columns).count == IterationMetrics.columns.count)
    }
}
