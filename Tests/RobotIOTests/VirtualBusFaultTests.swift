import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import RobotIO

/// Every fault mode of the virtual bus, seen from a raw client on the pty.
@Suite struct VirtualBusFaultTests {
    @Test(arguments: [RobotSpec.so101, .koch])
    func droppedRepliesStillCarryOutTheInstruction(robot: RobotSpec) throws {
        let client = try VirtualBusTestClient(robot: robot, options: .init(faults: .init(dropReplyProbability: 1)))
        let model = robot.joints[0].model
        #expect(try client.write(id: 1, .goalPosition, 2500, model: model) == nil)
        #expect(client.bus.value(of: .goalPosition, id: 1) == 2500)
        #expect(try client.transact(id: 1, .ping, timeoutMilliseconds: 50).isEmpty)
        let stats = client.bus.statistics
        #expect(stats.repliesDropped == 2 && stats.repliesSent == 0)
        #expect(stats.packets(of: .write) == 1 && stats.writePackets == 1)
    }

    @Test func dropProbabilityIsAFractionAndSeeded() throws {
        /// Sends 40 pings; returns the replies received and the drops the bus counted.
        func run(seed: UInt64) throws -> (received: Int, dropped: Int) {
            let client = try VirtualBusTestClient(
                robot: .so101, options: .init(seed: seed, faults: .init(dropReplyProbability: 0.5)))
            var received = 0
            for _ in 0..<40 { received += try client.transact(id: 1, .ping, timeoutMilliseconds: 10).count }
            received += try client.receive(count: 40, timeoutMilliseconds: 200).count  // late ones
            return (received, client.bus.statistics.repliesDropped)
        }
        let first = try run(seed: 7)
        #expect(first.received + first.dropped == 40)
        #expect(first.dropped > 5 && first.dropped < 35)
        #expect(try run(seed: 7).dropped == first.dropped, "same seed, same faults")
    }

    @Test(arguments: [RobotSpec.so101, .koch])
    func corruptedRepliesFailTheChecksum(robot: RobotSpec) throws {
        let client = try VirtualBusTestClient(robot: robot, options: .init(faults: .init(corruptChecksumProbability: 1)))
        #expect(try client.transact(id: 2, .ping, timeoutMilliseconds: 50).isEmpty)
        #expect(client.corruptPackets >= 1)
        #expect(!client.rawReceived.isEmpty)
        #expect(client.bus.statistics.repliesCorrupted == 1)
        client.bus.setFaults(.init())
        #expect(try client.transact(id: 2, .ping).count == 1)
    }

    @Test func errorBitsAreOnEveryReplyAndDataStaysValid() throws {
        let client = try VirtualBusTestClient(robot: .so101, options: .init(faults: .init(errorBits: [3: 0x20])))
        #expect(try client.transact(id: 3, .ping).first?.error == 0x20)
        let status = try #require(try client.read(id: 3, address: 56, length: 2))
        #expect(status.error == 0x20 && status.data == [0x00, 0x08])
        #expect(try client.write(id: 3, .torqueEnable, 0, model: .sts3215)?.error == 0x20)
        #expect(try client.transact(id: 2, .ping).first?.error == 0)
        let sync = try client.transact(id: 0xFE, .syncRead, [56, 2, 2, 3], replies: 2)
        #expect(sync.map(\.error) == [0, 0x20])
    }

    @Test func busVanishesAfterTheGivenTime() throws {
        let client = try VirtualBusTestClient(robot: .koch, options: .init(faults: .init(vanishAfterSeconds: 0.3)))
        #expect(try client.transact(id: 1, .ping).count == 1)
        usleepMilliseconds(400)
        #expect(try client.transact(id: 1, .ping, timeoutMilliseconds: 50).isEmpty)
        #expect(try client.write(id: 1, .led, 1, model: .xl430w250) == nil)
        #expect(client.bus.value(of: .led, id: 1) == 0, "a vanished bus does not act either")
        client.bus.setFaults(.init())
        #expect(try client.transact(id: 1, .ping).count == 1)
    }

    @Test func delayedFaultsStartLate() throws {
        let faults = VirtualBusFaults(errorBits: [2: 0x20], silentIDs: [3], delaySeconds: 0.3)
        let client = try VirtualBusTestClient(robot: .so101, options: .init(faults: faults))
        #expect(try client.transact(id: 2, .ping).first?.error == 0)
        #expect(try client.transact(id: 3, .ping).count == 1)
        usleepMilliseconds(400)
        #expect(try client.transact(id: 2, .ping).first?.error == 0x20)
        #expect(try client.transact(id: 3, .ping, timeoutMilliseconds: 50).isEmpty)
    }

    @Test func silentIDsNeitherAnswerNorAct() throws {
        let client = try VirtualBusTestClient(robot: .so101, options: .init(faults: .init(silentIDs: [4])))
        let sync = try client.transact(id: 0xFE, .syncRead, [56, 2, 3, 4, 5], replies: 3, timeoutMilliseconds: 100)
        #expect(sync.map(\.id) == [3, 5])
        try client.send(id: 0xFE, .syncWrite, [42, 2, 4, 0x00, 0x01, 5, 0x00, 0x01])
        #expect(try client.transact(id: 5, .ping).count == 1)
        #expect(client.bus.value(of: .goalPosition, id: 5) == 256)
        #expect(client.bus.value(of: .goalPosition, id: 4) == 2048)
    }

    @Test func statisticsCountPacketsByInstruction() throws {
        let client = try VirtualBusTestClient(robot: .so101)
        _ = try client.transact(id: 1, .ping)
        _ = try client.transact(id: 1, .read, [56, 2])
        try client.send(id: 0xFE, .syncWrite, [42, 2, 1, 0x00, 0x08])
        _ = try client.transact(id: 0xFE, .syncRead, [56, 2, 1, 2], replies: 2)
        let stats = client.bus.statistics
        #expect(stats.packetsReceived == 4 && stats.repliesSent == 4)
        #expect(stats.packets(of: .ping) == 1 && stats.packets(of: .syncRead) == 1 && stats.writePackets == 1)
    }
}

/// Life cycle of the in-process API.
@Suite struct VirtualServoBusLifecycleTests {
    @Test func symlinkIsCreatedAndRemoved() throws {
        let link = "/tmp/pirl-vbus-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let bus = try VirtualServoBus(robot: .so101, options: .init(linkPath: link))
        try bus.start()
        #expect(try SerialPath.resolve(link) == bus.path)
        let port = try SerialPortOpener.open(link, baudRate: 1_000_000)
        try port.write(FeetechCodec.instruction(id: 1, .ping))
        var reply = [UInt8](repeating: 0, count: 6)
        let n = try reply.withUnsafeMutableBytes { try port.read(into: $0, deadline: MonotonicClock.deadline(afterMicroseconds: 200_000)) }
        #expect(n > 0, "the link reaches the bus")
        port.close()
        bus.stop()
        #expect(access(link, F_OK) != 0)
        bus.stop()
    }

    @Test func aNewClientIsServedAfterOneLeftMidPacket() throws {
        let bus = try VirtualServoBus(robot: .so101)
        try bus.start()
        defer { bus.stop() }
        let first = try SerialPortOpener.open(bus.path, baudRate: 1_000_000)
        // The start of a packet whose length field promises 240 bytes, then the client goes away.
        try first.write([0xFF, 0xFF, 0x01, 0xF0, 0x02])
        usleepMilliseconds(2)
        first.close()
        usleepMilliseconds(50)
        let second = try SerialPortOpener.open(bus.path, baudRate: 1_000_000)
        defer { second.close() }
        try second.write(FeetechCodec.instruction(id: 1, .ping))
        var reply = [UInt8](repeating: 0, count: 6)
        var got = 0
        let deadline = MonotonicClock.deadline(afterMicroseconds: 200_000)
        while got < 6 {
            let n = try reply.withUnsafeMutableBytes { try second.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[got...]), deadline: deadline) }
            if n == 0 { break }
            got += n
        }
        #expect(reply == [0xFF, 0xFF, 0x01, 0x02, 0x00, 0xFC])
        #expect(bus.statistics.corruptBytesSkipped == 0, "the departed client's bytes were dropped, not parsed")
    }

    @Test func startTwiceOrAfterStopIsRefused() throws {
        let bus = try VirtualServoBus(robot: .koch)
        try bus.start()
        #expect(throws: VirtualBusError.self) { try bus.start() }
        bus.stop()
        #expect(throws: VirtualBusError.self) { try bus.start() }
    }

    @Test func setValueAndValueBypassTheWire() throws {
        let bus = try VirtualServoBus(robot: .so101)
        bus.setValue(1234, of: .presentPosition, id: 2)
        #expect(bus.value(of: .presentPosition, id: 2) == 1234)
        bus.setValue(5, of: .homingOffset, id: 2)
        #expect(bus.value(of: .presentPosition, id: 2) == 1229, "the motor stays put; present = actual − offset")
        #expect(bus.value(of: .goalCurrent, id: 2) == nil, "STS3215 has no Goal_Current")
        #expect(bus.value(of: .presentPosition, id: 9) == nil)
        bus.stop()
    }
}
