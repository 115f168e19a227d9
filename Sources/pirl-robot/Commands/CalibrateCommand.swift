import ArgumentParser
import RobotIO

extension PirlRobot {
    /// `pirl-robot calibrate`: the interactive calibration of an arm, saved as
    /// a LeRobot calibration file.
    struct Calibrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Calibrate an arm interactively and save a LeRobot calibration file.",
            discussion: """
                Torque is turned off. Move the arm to the middle of its range and press Enter: every motor \
                is homed to read half a turn there. Then move every joint through its full range while \
                the table shows min, position and max; press Enter to stop. Homing offsets and position \
                limits are written to the motors' EEPROM and the calibration to --out, in the format \
                LeRobot reads and writes.
                """)

        @Option(help: "The robot: \(RobotSpec.all.map(\.name).joined(separator: ", ")).")
        var robot: String

        @Option(help: "Serial port of the arm's bus (a /dev/tty* device, a /dev/serial/by-id link or a pty).")
        var port: String

        @Option(help: "Where to save the calibration, e.g. calibration/my_so101.json.")
        var out: String

        @Option(help: "Baud rate (default: the robot's, 1000000).")
        var baud: Int?

        func validate() throws {
            guard RobotSpec.named(robot) != nil else {
                throw ValidationError("unknown robot '\(robot)'; choose one of "
                                      + RobotSpec.all.map(\.name).joined(separator: ", ") + ".")
            }
            if let baud, baud <= 0 {
                throw ValidationError("--baud must be a positive rate in bit/s, got \(baud).")
            }
            guard out.hasSuffix(".json") else {
                throw ValidationError("--out must name a .json file (LeRobot's calibration format), got '\(out)'.")
            }
        }

        func run() throws {
            guard let spec = RobotSpec.named(robot) else { return }
            let robotBus = try RobotBus.open(robot: spec, port: port, baudRate: baud)
            defer { robotBus.bus.close() }
            let procedure = CalibrationProcedure(robotBus: robotBus, prompter: TerminalCalibrationPrompter())
            _ = try procedure.run(savingTo: out)
        }
    }
}
