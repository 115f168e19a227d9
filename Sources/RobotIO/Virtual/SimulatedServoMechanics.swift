#if canImport(Glibc)
import Glibc
#endif

/// The virtual bus's default shaft: a first-order, speed-limited approach to the goal
/// (``VirtualMotionModel``), computed lazily from the monotonic clock so no thread ticks
/// while the bus is idle.
public struct SimulatedServoMechanics: VirtualServoMechanics {
    /// The motion parameters.
    public let motion: VirtualMotionModel
    private var position: Double
    private var velocity = 0.0
    private var lastUpdate: UInt64
    private var drive: VirtualServoDrive

    /// A shaft standing at `position` (actual ticks) with torque off.
    public init(motion: VirtualMotionModel = .init(), position: Double = 2048, now: UInt64) {
        self.motion = motion
        self.position = position
        lastUpdate = now
        drive = VirtualServoDrive(goal: position, torqueEnabled: false)
    }

    /// Top speed: the servo's speed register when set, else the model's limit.
    private var speedLimit: Double {
        drive.speedLimit.map { min(motion.maxSpeedTicksPerSecond, $0) } ?? motion.maxSpeedTicksPerSecond
    }

    /// Moves the shaft to where it is at `now`: a speed-limited ramp while the error is
    /// larger than speed × time constant, then an exponential approach.
    public mutating func advance(to now: UInt64) -> VirtualServoReading {
        var dt = now > lastUpdate ? Double(now - lastUpdate) / 1e9 : 0
        lastUpdate = max(lastUpdate, now)
        guard drive.torqueEnabled else {
            velocity = 0
            return reading
        }
        let tau = max(motion.timeConstantSeconds, 1e-6)
        let vmax = max(speedLimit, 1e-6)
        var error = drive.goal - position
        let direction: Double = error < 0 ? -1 : 1
        let rampUntil = vmax * tau  // below this error the exponential is slower than vmax
        if abs(error) > rampUntil {
            let rampTime = (abs(error) - rampUntil) / vmax
            if dt <= rampTime {
                position += direction * vmax * dt
                velocity = direction * vmax
                return reading
            }
            dt -= rampTime
            error = direction * rampUntil
        }
        error *= exp(-dt / tau)
        if abs(error) < 0.5 { error = 0 }  // within the encoder's resolution: arrived
        position = drive.goal - error
        velocity = error / tau
        return reading
    }

    public mutating func follow(_ drive: VirtualServoDrive, at now: UInt64) {
        _ = advance(to: now)
        self.drive = drive
    }

    public mutating func place(at position: Double, now: UInt64) {
        _ = advance(to: now)
        self.position = position
        velocity = 0
    }

    private var reading: VirtualServoReading {
        let load = drive.torqueEnabled ? min(1000, max(-1000, (drive.goal - position) * motion.loadPerTickOfError)) : 0
        return VirtualServoReading(position: position, velocity: velocity, load: load, isMoving: velocity != 0)
    }
}
