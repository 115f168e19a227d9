import ArgumentParser
import RobotIO

/// `pirl-robot motors …`: talk to individual motors on a bus.
struct Motors: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan a servo bus, read and write registers, change IDs, switch torque.",
        subcommands: [Scan.self, Read.self, Write.self, SetID.self, Torque.self])
}

/// Finds the motors to talk to: the robot's, or whatever answers among `ids`.
func resolveMotors(bus: MotorBus, options: BusOptions, ids: [MotorID]?) throws -> [Motor] {
    if let robot = options.robotSpec {
        let all = robot.joints.map { Motor(id: $0.id, model: $0.model, name: $0.name) }
        guard let ids else { return all }
        return try ids.map { id in
            guard let m = all.first(where: { $0.id == id }) else {
                throw ValidationError("ID \(id) is not part of \(robot.displayName) (IDs \(robot.ids.map(String.init).joined(separator: ", ")))")
            }
            return m
        }
    }
    let replies = try ids.map { bus.scan(ids: $0) } ?? bus.broadcastPing()
    if replies.isEmpty {
        throw MotorBusError.noResponse(port: bus.port, motors: (ids ?? []).map { Motor(id: $0, model: .sts3215) },
                                       operation: "ping", attempts: 2)
    }
    return try replies.map { reply in
        guard let number = reply.modelNumber,
              let model = MotorModel(modelNumber: number, servoProtocol: bus.servoProtocol) else {
            throw ValidationError("motor ID \(reply.id) reports unknown model number \(reply.modelNumber.map(String.init) ?? "?"); "
                                  + "known: \(MotorModel.allCases.map { "\($0.rawValue)=\($0.modelNumber)" }.joined(separator: ", "))")
        }
        return Motor(id: reply.id, model: model)
    }
}

extension Motors {
    /// `motors scan`.
    struct Scan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the motors that answer: ID, model, firmware, present position, and missing expected IDs.")

        @OptionGroup var bus: BusOptions

        @Flag(help: "Try every baud rate the protocol supports.")
        var allBauds = false

        @Option(help: "IDs to ping one by one (e.g. 1-6,10); default: a broadcast ping.")
        var ids: IDList?

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            if allBauds && bus.baud != nil { throw ValidationError("give either --baud or --all-bauds, not both") }
        }

        /// JSON shape of a scan.
        struct Report: Encodable {
            struct Row: Encodable {
                var id: Int
                var model: String?
                var modelNumber: Int?
                var firmware: Int?
                var presentPosition: Int64?
                var joint: String?
            }
            var port: String
            var protocolName: String
            var baud: Int
            var motors: [Row]
            var missing: [Int]
        }

        func run() throws {
            let motorBus = try bus.openBus()
            defer { motorBus.close() }
            let servoProtocol = bus.resolvedProtocol
            let bauds = allBauds
                ? MotorModel.allCases.first { $0.servoProtocol == servoProtocol }!.baudRateTable.values.sorted(by: >)
                : [bus.resolvedBaud]
            var reports: [Report] = []
            for baud in bauds {
                if baud != motorBus.transport.baudRate { try motorBus.transport.setBaudRate(baud) }
                let replies = try ids.map { motorBus.scan(ids: $0.ids) } ?? motorBus.broadcastPing()
                var found = replies
                // A broadcast can lose colliding replies: ping expected motors that stayed silent.
                if let robot = bus.robotSpec, ids == nil {
                    let silent = robot.ids.filter { id in !found.contains { $0.id == id } }
                    found += motorBus.scan(ids: silent)
                }
                let rows = found.sorted { $0.id < $1.id }.map { reply in
                    let model = reply.modelNumber.flatMap { MotorModel(modelNumber: $0, servoProtocol: servoProtocol) }
                    let position = model.flatMap { try? motorBus.read(.presentPosition, of: Motor(id: reply.id, model: $0), policy: .warn) }
                    return Report.Row(id: Int(reply.id), model: model?.rawValue, modelNumber: reply.modelNumber,
                                      firmware: reply.firmware, presentPosition: position,
                                      joint: bus.robotSpec?.joints.first { $0.id == reply.id }?.name)
                }
                let expected = bus.robotSpec?.ids ?? []
                let missing = expected.filter { id in !found.contains { $0.id == id } }.map(Int.init)
                reports.append(Report(port: bus.port, protocolName: servoProtocol.rawValue, baud: baud,
                                      motors: rows, missing: missing))
            }
            if json {
                try printJSON(allBauds ? AnyReports.many(reports) : AnyReports.one(reports[0]))
                return
            }
            if let latency = motorBus.transport.latencyTimerMilliseconds {
                print("adapter latency timer: \(latency) ms" + (latency > 2
                    ? " — every read waits this long; lower it to 1 ms (see the README's udev rule)" : ""))
            }
            for report in reports where !allBauds || !report.motors.isEmpty {
                print("\(report.port) · \(report.protocolName) · \(report.baud) baud: \(report.motors.count) motor(s)")
                if !report.motors.isEmpty {
                    print(formatTable(["ID", "MODEL", "NUMBER", "FIRMWARE", "POSITION", "JOINT"], report.motors.map {
                        ["\($0.id)", $0.model ?? "unknown", $0.modelNumber.map(String.init) ?? "-",
                         $0.firmware.map(String.init) ?? "-", $0.presentPosition.map(String.init) ?? "-", $0.joint ?? "-"]
                    }))
                }
                if !report.missing.isEmpty {
                    let names = report.missing.map { id in
                        let joint = bus.robotSpec?.joints.first { Int($0.id) == id }?.name
                        return joint.map { "\(id) (\($0))" } ?? "\(id)"
                    }
                    print("missing: expected ID(s) \(names.joined(separator: ", ")) did not answer. "
                          + "Check power and the daisy chain; a new motor answers at ID 1 until given its ID.")
                }
            }
            if allBauds && reports.allSatisfy({ $0.motors.isEmpty }) {
                print("No motor answered at any baud rate on \(bus.port). Check power and the protocol (--protocol).")
            }
            if !allBauds && reports[0].motors.isEmpty {
                throw ExitCode(1)
            }
        }

        enum AnyReports: Encodable {
            case one(Report)
            case many([Report])
            func encode(to encoder: Encoder) throws {
                switch self {
                case .one(let r): try r.encode(to: encoder)
                case .many(let rs): try rs.encode(to: encoder)
                }
            }
        }
    }

    /// `motors read`.
    struct Read: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Read one register from motors.")

        @OptionGroup var bus: BusOptions

        @Option(help: "Register name as in LeRobot (Present_Position, Goal_Position, Torque_Enable, …).")
        var register: String = Register.presentPosition.rawValue

        @Option(help: "IDs (e.g. 1-6); default: the robot's motors, or all that answer a broadcast ping.")
        var ids: IDList?

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard Register(userName: register) != nil else {
                throw ValidationError("unknown register '\(register)'; known: \(Register.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }

        struct Row: Encodable {
            var id: Int
            var joint: String?
            var register: String
            var value: Int64
        }

        func run() throws {
            let register = Register(userName: register)!
            let motorBus = try bus.openBus()
            defer { motorBus.close() }
            let motors = try resolveMotors(bus: motorBus, options: bus, ids: ids?.ids)
            let rows = try motors.map { m in
                Row(id: Int(m.id), joint: m.name, register: register.rawValue, value: try motorBus.read(register, of: m))
            }
            if json { try printJSON(rows); return }
            print(formatTable(["ID", "JOINT", register.rawValue], rows.map { ["\($0.id)", $0.joint ?? "-", "\($0.value)"] }))
        }
    }

    /// `motors write ID REGISTER VALUE`.
    struct Write: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write one register of one motor (EEPROM lock handled on Feetech).")

        @OptionGroup var bus: BusOptions

        @Argument(help: "Motor ID.")
        var id: MotorID

        @Argument(help: "Register name (Goal_Position, Torque_Enable, P_Coefficient, …).")
        var register: String

        // Collected with .allUnrecognized so a negative value (-300) is not taken for an option.
        @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Value (signed where the register is, e.g. -300).", valueName: "value"))
        var values: [String] = []

        /// The one integer value.
        var value: Int64 { Int64(values[0])! }

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard Register(userName: register) != nil else {
                throw ValidationError("unknown register '\(register)'; known: \(Register.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard values.count == 1 else { throw ValidationError("give exactly one VALUE after the register, got \(values.count)") }
            guard Int64(values[0]) != nil else { throw ValidationError("'\(values[0])' is not an integer") }
        }

        struct Result: Encodable {
            var id: Int
            var register: String
            var written: Int64
            var readBack: Int64
        }

        func run() throws {
            let register = Register(userName: register)!
            let motorBus = try bus.openBus()
            defer { motorBus.close() }
            let motor = try resolveMotors(bus: motorBus, options: bus, ids: [id])[0]
            let spec = try motor.model.controlTable.spec(register)
            if spec.memory == .eeprom, let lock = motor.model.controlTable.eepromLock {
                try motorBus.write(lock, of: motor, value: 0)
                defer { try? motorBus.write(lock, of: motor, value: 1) }
                try motorBus.write(register, of: motor, value: value)
            } else {
                try motorBus.write(register, of: motor, value: value)
            }
            let back = try motorBus.read(register, of: motor)
            if json {
                try printJSON(Result(id: Int(id), register: register.rawValue, written: value, readBack: back))
            } else {
                print("\(motor): \(register.rawValue) ← \(value) (reads back \(back))")
            }
        }
    }

    /// `motors set-id OLD NEW`.
    struct SetID: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-id", abstract: "Give a motor a new ID (connect only that motor, or make sure NEW is free).")

        @OptionGroup var bus: BusOptions

        @Argument(help: "Current ID (a new motor answers at 1).")
        var current: MotorID

        @Argument(help: "New ID.")
        var new: MotorID

        @Flag(help: "Print JSON.")
        var json = false

        func validate() throws {
            guard new < 0xFE else { throw ValidationError("IDs go up to 253; \(new) is reserved") }
            guard new != current else { throw ValidationError("the motor already has ID \(new)") }
        }

        struct Result: Encodable {
            var from: Int
            var to: Int
            var model: String
        }

        func run() throws {
            let motorBus = try bus.openBus()
            defer { motorBus.close() }
            if let taken = try? motorBus.ping(new) {
                throw ValidationError("ID \(new) is already used by another motor (model \(taken.modelNumber.map(String.init) ?? "?")) on \(bus.port); "
                                      + "disconnect it or pick another ID")
            }
            let reply = try motorBus.ping(current)
            guard let number = reply.modelNumber, let model = MotorModel(modelNumber: number, servoProtocol: motorBus.servoProtocol) else {
                throw ValidationError("motor \(current) reports unknown model \(reply.modelNumber.map(String.init) ?? "?")")
            }
            let motor = Motor(id: current, model: model)
            try motorBus.write(.torqueEnable, of: motor, value: 0, policy: .warn)
            if let lock = model.controlTable.eepromLock {
                try motorBus.write(lock, of: motor, value: 0)
                try motorBus.write(.id, of: motor, value: Int64(new))
                try motorBus.write(lock, of: Motor(id: new, model: model), value: 1)
            } else {
                try motorBus.write(.id, of: motor, value: Int64(new))
            }
            _ = try motorBus.ping(new)
            if json {
                try printJSON(Result(from: Int(current), to: Int(new), model: model.rawValue))
            } else {
                print("\(model.rawValue): ID \(current) → \(new)")
            }
        }
    }

    /// `motors torque on|off`.
    struct Torque: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn torque on or off (off always goes through, even with fault bits set).")

        enum State: String, ExpressibleByArgument, CaseIterable {
            case on, off
        }

        @OptionGroup var bus: BusOptions

        @Argument(help: "on or off.")
        var state: State

        @Option(help: "IDs; default: the robot's motors, or all that answer.")
        var ids: IDList?

        @Flag(help: "Print JSON.")
        var json = false

        struct Result: Encodable {
            var id: Int
            var torque: Bool
            var faults: String?
        }

        func run() throws {
            let motorBus = try bus.openBus()
            defer { motorBus.close() }
            let motors = try resolveMotors(bus: motorBus, options: bus, ids: ids?.ids)
            let faults = FaultCollector()
            motorBus.warningHandler = { fault in faults.append(fault) }
            switch state {
            case .off:
                try motorBus.disableTorque(motors)
            case .on:
                for m in motors { try motorBus.write(.torqueEnable, of: m, value: 1) }
            }
            let recorded = faults.all
            let rows = motors.map { m in
                Result(id: Int(m.id), torque: state == .on,
                       faults: recorded.first { $0.motor.id == m.id }?.conditions)
            }
            if json { try printJSON(rows); return }
            for row in rows {
                print("ID \(row.id): torque \(state.rawValue)" + (row.faults.map { " (warning: \($0))" } ?? ""))
            }
        }
    }
}
