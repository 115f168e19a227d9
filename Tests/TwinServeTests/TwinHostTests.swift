import Foundation
import SimTrainer
import Synchronization
import TestSupport
import Testing
@testable import TwinServe

/// A joint port that replays joint goals tick by tick in episode 0 (counting physics
/// steps, so the replay is exact however the host's wall clock goes) and leaves later
/// episodes at rest.
private final class ReplayPort: TwinJointPort {
    private struct Progress {
        var episode = -1
        var step = 0
    }
    private let goals: [[Double]]
    private let tickEnds: [Int]
    private let progress = Mutex(Progress())

    /// `goals[k]`: the goals of control tick k; `tickEnds[k]`: physics steps by the end of tick k.
    init(goals: [[Double]], tickEnds: [Int]) {
        self.goals = goals
        self.tickEnds = tickEnds
    }

    func readCommand(into command: inout TwinJointCommand) {
        progress.withLock { progress in
            defer { progress.step += 1 }
            guard progress.episode == 0, !goals.isEmpty else { return }
            let tick = tickEnds.firstIndex { progress.step < $0 } ?? goals.count - 1
            for joint in command.goals.indices { command.goals[joint] = goals[min(tick, goals.count - 1)][joint] }
        }
    }

    func publish(_ state: TwinJointState) {}

    func episodeDidStart(restPose: [Double]) {
        progress.withLock { progress in
            progress.episode += 1
            progress.step = 0
        }
    }
}

@Suite("The served twin's host", .serialized)
struct TwinHostTests {
    /// The scripted expert's joint goals for episode 0 of `configuration`, run offline
    /// until it succeeds, and the tick it succeeds at.
    private func expertGoals(_ configuration: EnvironmentConfiguration, seed: UInt64) throws -> (goals: [[Double]], successTick: Int) {
        let environment = try SimEnvironment(configuration: configuration, seed: seed)
        environment.reset(episode: 0)
        let expert = try ScriptedExpert(seed: seed)
        var action = [Float](repeating: 0, count: 6)
        var goals: [[Double]] = []
        for tick in 0..<configuration.task.task().maxSteps {
            expert.action(for: try environment.observe(using: nil), into: &action)
            goals.append(action.map(Double.init))
            let result = action.withUnsafeBufferPointer { environment.step($0) }
            if result.success { return (goals, tick + 1) }
            if result.done { break }
        }
        throw TwinServeError.simulation("the expert did not succeed offline")
    }

    @Test("episodes: success and timeout recorded as JSON lines (success, reason, duration, seed, setup); reset between")
    func episodesAreRecorded() throws {
        var settings = TwinHostConfiguration(task: .place)
        settings.environment.randomization = .none
        settings.environment.renderImages = false
        settings.seed = 3
        settings.episodes = 2
        settings.speed = 4
        let (goals, successTick) = try expertGoals(settings.environment, seed: settings.seed)
        settings.environment.maxSteps = successTick + 15
        var ends: [Int] = [], total = 0
        for tick in 0..<goals.count {
            total += settings.environment.physicsSteps(inTick: tick)
            ends.append(total)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pirl-results-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let ended = Mutex<[Int]>([])
        let host = try TwinHost(configuration: settings, port: ReplayPort(goals: goals, tickEnds: ends),
                                results: try EpisodeResultsLog(path: path)) { record in ended.withLock { $0.append(record.episode) } }
        try host.start()
        #expect(waitUntil(seconds: 30) { host.isFinished })
        host.wait()
        #expect(ended.withLock { $0 } == [0, 1])

        let records = host.records
        try #require(records.count == 2)
        #expect(records[0].success && records[0].reason == .success && records[0].failure == nil)
        #expect(abs(records[0].durationSeconds - Double(ends[successTick - 1]) * SceneMJCF.timestep) < 1e-9)
        #expect(!records[1].success && records[1].reason == .timeout && records[1].failure != nil)
        #expect(abs(records[1].durationSeconds - Double(successTick + 15) / 30) < 0.04)
        #expect(records[0].setup != records[1].setup)
        #expect(records.allSatisfy { $0.seed == 3 && $0.task == "place" && !$0.instruction.isEmpty })

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        try #require(lines.count == 2)
        for (line, record) in zip(lines, records) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["episode", "task", "success", "reason", "duration_s", "seed", "instruction", "setup", "skipped_steps"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            #expect(try JSONDecoder().decode(EpisodeRecord.self, from: Data(line.utf8)) == record)
        }
        #expect(host.summary.line.hasPrefix("2 episodes, 1 succeeded (50.0 %), 0 diverged"))
    }

    @Test("the twin runs with the wall clock: twin time tracks elapsed time whatever the client does")
    func realTime() throws {
        var settings = TwinHostConfiguration(task: .reach)
        settings.environment.randomization = .none
        let board = TwinJointBoard()
        let host = try TwinHost(configuration: settings, port: board)
        let start = Date()
        try host.start()
        usleep(600_000)
        let twinTime = board.state.episodeTime
        let elapsed = Date().timeIntervalSince(start)
        host.requestStop()
        host.wait()
        #expect(abs(twinTime + Double(host.skippedSteps) * SceneMJCF.timestep - elapsed) < 0.05, "twin \(twinTime) s, wall \(elapsed) s")
        #expect(board.episodesStarted == 1)
    }

    @Test("torque off: the arm goes limp and sags; the next episode powers it again at rest")
    func torqueOff() throws {
        var settings = TwinHostConfiguration(task: .reach)
        settings.environment.randomization = .none
        settings.speed = 4
        try withRunningHost(settings) { _, board in
            #expect(waitUntil(seconds: 2) { board.state.episodeTime > 0.3 })
            let held = board.state.positions
            let goals = board.command.goals
            #expect(abs(held[1] - goals[1]) < 0.05, "shoulder lift holds its goal with torque on")
            board.setTorque(false)
            #expect(waitUntil(seconds: 2) { abs(board.state.positions[1] - held[1]) > 0.1 }, "shoulder lift sags with torque off")
        }
    }
}
