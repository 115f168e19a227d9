import Testing
@testable import SimTrainer

/// `DomainRandomization.brightness`: each episode scales all of the scene's light — the
/// lights' diffuse, ambient and specular terms and the headlight — by one factor, so a camera
/// policy also sees darker and brighter rooms; a visual shift scales on top of it without
/// compounding from one episode to the next.
@Suite("Brightness randomization")
struct BrightnessRandomizationTests {
    /// The headlight's ambient and the key light's specular term over the nominal model's after
    /// resetting episode `episode`.
    static func factors(_ environment: SimEnvironment, nominal: SimEnvironment, episode: Int) -> (headlight: Float, light: Float) {
        environment.reset(episode: episode)
        let m = environment.model.pointer, n = nominal.model.pointer, light = environment.layout.lights[0]
        return (m.pointee.vis.headlight.ambient.0 / n.pointee.vis.headlight.ambient.0,
                m.pointee.light_specular[3 * light] / n.pointee.light_specular[3 * light])
    }

    static func environment(brightness: Double, shift: VisualShift = VisualShift()) throws -> SimEnvironment {
        var configuration = EnvironmentConfiguration(task: .place)
        configuration.randomization.brightness = brightness
        configuration.visualShift = shift
        return try SimEnvironment(configuration: configuration, seed: 4)
    }

    @Test func oneFactorPerEpisodeScalesAllOfTheLight() throws {
        var none = EnvironmentConfiguration(task: .place)
        none.randomization = .none
        let nominal = try SimEnvironment(configuration: none, seed: 4)
        nominal.reset(episode: 0)
        let environment = try Self.environment(brightness: 0.5)
        var drawn: [Float] = []
        for episode in 0..<16 {
            let f = Self.factors(environment, nominal: nominal, episode: episode)
            #expect(abs(f.headlight - f.light) < 1e-5, "episode \(episode): headlight ×\(f.headlight), light specular ×\(f.light)")
            #expect(f.headlight >= 0.5 && f.headlight <= 1.5)
            drawn.append(f.headlight)
        }
        #expect(drawn.min()! < 0.7 && drawn.max()! > 1.3, "factors \(drawn)")

        let off = try Self.environment(brightness: 0)
        for episode in 0..<4 { #expect(Self.factors(off, nominal: nominal, episode: episode) == (1, 1)) }

        // eval-sim --light-scale 0.5 halves each episode's light once, never compounding.
        var dark = VisualShift(); dark.lightScale = 0.5
        let shifted = try Self.environment(brightness: 0, shift: dark)
        for episode in 0..<4 { #expect(Self.factors(shifted, nominal: nominal, episode: episode) == (0.5, 0.5)) }
    }

    @Test func outOfRangeBrightnessIsRefusedByName() {
        var randomization = DomainRandomization()
        randomization.brightness = 1
        do { try randomization.validate(); Issue.record("brightness 1 accepted") } catch { #expect("\(error)".contains("brightness")) }
    }
}
