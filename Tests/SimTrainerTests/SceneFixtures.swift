@testable import SimTrainer

/// Scenes the camera and rendering tests share.
enum SceneFixtures {
    /// An unrandomized `place` twin of `configuration`, reset to a red cube and a blue plate
    /// placed as `seed` draws them: colours a test can find in a render.
    static func redCubeAndBluePlate(_ configuration: EnvironmentConfiguration, seed: UInt64) throws -> SimEnvironment {
        var configuration = configuration
        configuration.task = .place
        configuration.randomization = .none
        let environment = try SimEnvironment(configuration: configuration, seed: 0)
        var random = SimRandom(seed: seed)
        var setup = PlaceTask().sampleEpisode(&random)
        setup.cubes[0].color = NamedColor.palette[0]
        setup.plate!.color = NamedColor.palette[2]
        environment.reset(to: setup)
        return environment
    }
}
