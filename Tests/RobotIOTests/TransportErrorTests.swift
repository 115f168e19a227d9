import Testing
@testable import RobotIO

/// Bad input at the port level, with the message a user sees.
@Suite(.serialized) struct TransportErrorTests {
    @Test func nonexistentPort() {
        #expect {
            _ = try MotorBus.open(port: "/dev/ttyUSB-nope", servoProtocol: .feetech, baudRate: 1_000_000)
        } throws: { error in
            (error as? MotorBusError)?.description
                == "serial port /dev/ttyUSB-nope does not exist. Plug in the adapter and list ports with `pirl-robot ports`."
        }
    }

    @Test func notASerialPort() {
        #expect {
            _ = try SerialPortOpener.open("/dev/null", baudRate: 1_000_000)
        } throws: { error in
            (error as? SerialError)?.description.contains("/dev/null is not a serial port") == true
        }
    }

    @Test func portAlreadyInUse() throws {
        let virtual = try VirtualServoBus(robot: .so101)
        try virtual.start()
        defer { virtual.stop() }
        let first = try SerialPortOpener.open(virtual.path, baudRate: 1_000_000)
        defer { first.close() }
        #expect {
            _ = try SerialPortOpener.open(virtual.path, baudRate: 1_000_000)
        } throws: { error in
            (error as? SerialError)?.description.hasPrefix("serial port \(virtual.path) is already in use by another process") == true
        }
        first.close()
        let again = try SerialPortOpener.open(virtual.path, baudRate: 1_000_000)
        again.close()
    }

    @Test func symlinkIsResolved() throws {
        var options = VirtualBusOptions()
        options.linkPath = "/tmp/pirl-test-link-\(getpid())"
        let virtual = try VirtualServoBus(robot: .so101, options: options)
        try virtual.start()
        defer { virtual.stop() }
        let bus = try MotorBus.open(port: options.linkPath!, servoProtocol: .feetech, baudRate: 1_000_000)
        defer { bus.close() }
        #expect(try bus.ping(1).modelNumber == 777)
        #expect(bus.port == options.linkPath)
    }

    @Test func wrongBaudRateGetsNoAnswer() throws {
        var options = VirtualBusOptions()
        options.checkBaudRate = true
        let virtual = try VirtualServoBus(robot: .so101, options: options)
        try virtual.start()
        defer { virtual.stop() }
        let bus = try MotorBus.open(port: virtual.path, servoProtocol: .feetech, baudRate: 57_600,
                                    options: MotorBusOptions(replyAllowanceMicroseconds: 5_000, retries: 1))
        defer { bus.close() }
        #expect(try bus.broadcastPing().isEmpty)
        #expect {
            _ = try bus.ping(1)
        } throws: { error in
            (error as? MotorBusError)?.description.contains("no reply from ID 1 after 2 attempts") == true
        }
        try bus.transport.setBaudRate(1_000_000)
        #expect(try bus.ping(1).modelNumber == 777)
    }

    @Test func noMotorsOnTheLine() throws {
        // A pty with nothing behind it: every expected motor is reported missing.
        let silent = try VirtualServoBus(robot: .so101, options: {
            var o = VirtualBusOptions()
            o.faults.silentIDs = Set(RobotSpec.so101.ids)
            return o
        }())
        try silent.start()
        defer { silent.stop() }
        let robot = try RobotBus.open(robot: .so101, port: silent.path,
                                      options: MotorBusOptions(replyAllowanceMicroseconds: 3_000, retries: 0))
        #expect(try robot.bus.broadcastPing().isEmpty)
        #expect {
            try robot.verifyMotors()
        } throws: { error in
            let message = (error as? RobotBusError)?.description ?? ""
            return RobotSpec.so101.joints.allSatisfy { message.contains("\($0.name) (ID \($0.id))") }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
