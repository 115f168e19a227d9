import Foundation
import Testing
import Policy
import SimTrainer
@testable import Training

/// `environment.randomization` changes the simulator's default randomization key by key, and
/// `sft.distill.initialStudent` continues a distillation from a camera checkpoint.
@Suite("Randomization settings and the initial student")
struct RandomizationSettingsTests {
    @Test func givenKeysReplaceTheDefaultsAndNothingElse() throws {
        let config = try TrainingConfig(yaml: "environment:\n  task: place\n  randomization:\n    brightness: 0.5\n    blur: 1\n")
        let applied = config.environment.randomization.applied(to: DomainRandomization())
        var expected = DomainRandomization()
        expected.brightness = 0.5; expected.blur = 1
        #expect(applied == expected)
        #expect(try TrainingConfig(yaml: config.yaml()) == config, "round trip")
        #expect(try TrainingConfig(yaml: "seed: 1\n").environment.randomization.isEmpty)
    }

    @Test func badKeysAndValuesAreNamed() {
        do { _ = try TrainingConfig(yaml: "environment:\n  randomization:\n    brightnes: 0.5\n"); Issue.record("a misspelt key was accepted") } catch {
            #expect("\(error)".contains("brightnes"))
        }
        do { _ = try TrainingConfig(yaml: "environment:\n  randomization:\n    brightness: 1.5\n"); Issue.record("brightness 1.5 accepted") } catch {
            #expect(error.field == "environment.randomization" && error.value == "{brightness: 1.5}" && error.rule.contains("brightness"), "\(error)")
        }
    }

    @Test func texturesAndABackgroundPhotoReachTheSimulator() throws {
        let config = try TrainingConfig(yaml: "environment:\n  task: place\n  randomization:\n    textureProbability: 0.5\n")
        #expect(config.environment.randomization.applied(to: DomainRandomization()).textureProbability == 0.5)
        do { _ = try TrainingConfig(yaml: "environment:\n  background: /nonexistent/table.png\n"); Issue.record("a missing photo accepted") } catch {
            #expect(error.field == "environment.background" && error.value == "/nonexistent/table.png", "\(error)")
        }
        let photo = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-background-\(getpid()).ppm").path
        FileManager.default.createFile(atPath: photo, contents: Data([1]))
        defer { try? FileManager.default.removeItem(atPath: photo) }
        let withPhoto = try TrainingConfig(yaml: "environment:\n  task: place\n  background: \(photo)\n")
        let configuration = try SimTrainingBackend(policy: withPhoto.policy).configuration(withPhoto.environment)
        #expect(configuration.backgroundImage == photo)
    }

    @Test func aSavedCameraPoseReachesTheSimulator() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-pose-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var pose = TwinCameraPose.front
        pose.position = Vector3(0.40, 0.02, 0.25)
        pose.fovy = 50
        try pose.write(to: path)
        let config = try TrainingConfig(yaml: "environment:\n  task: place\n  cameraPose: \(path)\n")
        let configuration = try SimTrainingBackend(policy: config.policy).configuration(config.environment)
        #expect(configuration.cameraPose == pose)
        FileManager.default.createFile(atPath: path, contents: Data("{\"camera\": \"front\"}".utf8))
        do { _ = try TrainingConfig(yaml: "environment:\n  cameraPose: \(path)\n"); Issue.record("a broken pose file accepted") } catch {
            #expect(error.field == "environment.cameraPose" && error.value == path, "\(error)")
        }
    }

    /// The bundled camera checkpoint loads as a student of its own config's network, bit for bit; a
    /// student of another network is refused, naming the setting.
    @Test func theInitialStudentMustBeTheConfiguredNetwork() throws {
        let config = try TrainingConfig(contentsOf: Support.repositoryRoot + "/experiments/place-camera/place-camera-light-sac.yaml")
        let path = Support.repositoryRoot + "/checkpoints/place-camera"
        let (student, normStats) = try TrainSimRun.loadInitialStudent(path, wanted: config.policyConfig())
        let (loaded, loadedStats) = try PolicyCheckpoint.load(from: path)
        #expect(normStats == loadedStats)
        #expect(Array(UnsafeBufferPointer(start: student.parameters.values, count: student.parameters.count))
                == Array(UnsafeBufferPointer(start: loaded.parameters.values, count: loaded.parameters.count)))
        var other = config
        other.policy.architecture.visionKeypoints = 16
        do { _ = try TrainSimRun.loadInitialStudent(path, wanted: other.policyConfig()); Issue.record("another network accepted") } catch {
            #expect("\(error)".contains("sft.distill.initialStudent") && "\(error)".contains("architecture"))
        }
    }
}
