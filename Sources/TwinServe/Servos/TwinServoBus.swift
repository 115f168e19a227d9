import RobotIO

/// The served twin's servo bus: `VirtualServoBus`'s Feetech protocol engine with every
/// motor's shaft a twin joint on a ``TwinJointBoard`` (``TwinServoMechanics``), mounted as
/// the calibration says, with that calibration's offsets and limits in EEPROM at start.
public enum TwinServoBus {
    /// `base` (faults, link, return delay…) with the twin's joints as the motors' shafts and
    /// `calibration` in their EEPROM. Build it after the ``TwinHost``: each motor's first
    /// reading takes over the rest pose the host holds. The servo model gives the Moving
    /// threshold and, unless `base` overrides it (`--return-delay-us`), the return delay.
    public static func options(board: TwinJointBoard, calibration: Calibration = TwinCalibration.so101,
                               servoModel: TwinServoModel = .so101, base: VirtualBusOptions = .init()) -> VirtualBusOptions {
        var options = base
        options.calibration = calibration
        options.mechanics = calibration.joints.indices.map { joint in
            TwinServoMechanics(board: board, joint: joint, mount: TwinServoMount(calibration: calibration, joint: joint),
                               movingThreshold: servoModel.movingThresholdTicksPerSecond)
        }
        if options.returnDelayOverrideMicroseconds == nil, let delay = servoModel.returnDelayMicroseconds {
            // The model describes the user's arm: its delay is honoured in full.
            options.returnDelayOverrideMicroseconds = delay
            options.returnDelayCapMicroseconds = max(options.returnDelayCapMicroseconds, delay)
        }
        return options
    }

    /// The bus, not yet started (`start()`, and `stop()` when done).
    public static func make(board: TwinJointBoard, calibration: Calibration = TwinCalibration.so101,
                            servoModel: TwinServoModel = .so101, base: VirtualBusOptions = .init()) throws -> VirtualServoBus {
        try VirtualServoBus(robot: .so101, options: options(board: board, calibration: calibration, servoModel: servoModel,
                                                            base: base))
    }
}
