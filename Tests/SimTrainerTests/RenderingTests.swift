import Testing
@testable import SimTrainer

@Suite("Rendering")
struct RenderingTests {
    @Test("The front camera sees the red cube and the plate; the wrist camera sees the table")
    func camerasSeeTheScene() throws {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.cameraWidth = 96
        configuration.cameraHeight = 72
        let environment = try SceneFixtures.redCubeAndBluePlate(configuration, seed: 1)
        let renderer = try OffscreenRenderer(model: environment.model)
        let observation = try environment.observe(using: renderer)
        let front = observation.frames["front"]!, wrist = observation.frames["wrist"]!
        func count(_ pixels: [UInt8], _ match: (UInt8, UInt8, UInt8) -> Bool) -> Int {
            stride(from: 0, to: pixels.count, by: 3).filter { match(pixels[$0], pixels[$0 + 1], pixels[$0 + 2]) }.count
        }
        #expect(count(front) { r, g, b in r > 120 && g < 60 && b < 60 } > 3, "red cube in the front view")
        #expect(count(front) { r, g, b in b > 120 && r < 80 } > 20, "blue plate in the front view")
        #expect(count(front) { r, g, b in r > 150 && g > 110 && b < 60 } > 20, "yellow arm in the front view")
        #expect(Set(wrist).count > 20, "the wrist view is not blank")
        let tensor = observation.images["front"]!
        #expect(tensor.count == configuration.imageWidth * configuration.imageHeight * 3)
        #expect(tensor.allSatisfy { (-1...1).contains($0) })
    }

    @Test("Asking for more pixels than the off-screen buffer holds is an error")
    func tooLarge() throws {
        let environment = try SimEnvironment(configuration: EnvironmentConfiguration(), seed: 0)
        environment.reset()
        let renderer = try OffscreenRenderer(model: environment.model)
        var pixels = [UInt8](repeating: 0, count: 1000 * 10 * 3)
        #expect(throws: SimulationError.renderSizeTooLarge(width: 1000, height: 10, maxWidth: 640, maxHeight: 480)) {
            try pixels.withUnsafeMutableBytes { try renderer.render(environment.data, camera: 0, width: 1000, height: 10, into: $0) }
        }
    }
}
