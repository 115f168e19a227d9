import Testing
@testable import SimTrainer

/// `eval-sim`'s visual-shift options: the cameras see a moved or turned front camera, other
/// light or harder compression, while the episodes stay the same.
@Suite("Visual shift")
struct VisualShiftTests {
    /// The first observation of episode 0 of a place environment with `shift`.
    static func firstObservation(_ shift: VisualShift) throws -> SimObservation {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.visualShift = shift
        let environment = try SimEnvironment(configuration: configuration, seed: 4)
        let renderer = try OffscreenRenderer(model: environment.model)
        environment.reset(episode: 0)
        return try environment.observe(using: renderer)
    }

    static func meanBrightness(_ frame: [UInt8]) -> Double { Double(frame.reduce(0) { $0 + Int($1) }) / Double(frame.count) }

    static func difference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    @Test func shiftsChangeThePictureNotTheEpisode() throws {
        let plain = try Self.firstObservation(VisualShift())
        var moved = VisualShift(); moved.cameraOffset = 0.02
        var turned = VisualShift(); turned.cameraTilt = 3 * .pi / 180
        var dark = VisualShift(); dark.lightScale = 0.5
        var compressed = VisualShift(); compressed.jpegQuality = 20
        let unshifted = try Self.firstObservation(VisualShift())
        #expect(unshifted.frames == plain.frames, "no shift, the same frames")
        for (name, shift) in [("offset", moved), ("tilt", turned), ("light", dark), ("jpeg", compressed)] {
            let shifted = try Self.firstObservation(shift)
            // The same episode: setup, object state and joints are untouched.
            #expect(shifted.objectState == plain.objectState && shifted.state == plain.state, "\(name) changed the episode")
            #expect(Self.difference(shifted.frames["front"]!, plain.frames["front"]!) > 0.3, "\(name) left the front camera's picture as it was")
        }
        // Moving the front camera leaves the wrist camera alone; halving the light darkens both.
        #expect(try Self.firstObservation(moved).frames["wrist"] == plain.frames["wrist"])
        let darkened = try Self.firstObservation(dark)
        for camera in ["front", "wrist"] {
            #expect(Self.meanBrightness(darkened.frames[camera]!) < 0.85 * Self.meanBrightness(plain.frames[camera]!))
        }
    }

    @Test func outOfRangeShiftsAreRefusedByName() {
        var shift = VisualShift(); shift.cameraOffset = 0.5
        #expect(throws: SimulationError.self) { try shift.validate() }
        shift = VisualShift(); shift.lightScale = 0
        #expect(throws: SimulationError.self) { try shift.validate() }
        shift = VisualShift(); shift.jpegQuality = 0
        do { try shift.validate(); Issue.record("quality 0 accepted") } catch { #expect("\(error)".contains("JPEG quality")) }
    }
}
