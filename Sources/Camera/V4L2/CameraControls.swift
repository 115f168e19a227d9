/// The camera controls this module sets, with their V4L2 control IDs
/// (<linux/v4l2-controls.h>, camera class and user class).
public enum CameraControl: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// V4L2_CID_EXPOSURE_AUTO: 1 = manual, 3 = aperture priority (auto) on UVC.
    case exposureAuto
    /// V4L2_CID_EXPOSURE_ABSOLUTE, in units of 100 µs.
    case exposureAbsolute
    /// V4L2_CID_EXPOSURE_AUTO_PRIORITY: 1 lets auto exposure lower the frame rate.
    case exposureAutoPriority
    /// V4L2_CID_POWER_LINE_FREQUENCY: 0 off, 1 = 50 Hz, 2 = 60 Hz.
    case powerLineFrequency

    /// The V4L2 control ID. V4L2_CID_BASE is V4L2_CTRL_CLASS_USER | 0x900 =
    /// 0x00980900 and V4L2_CID_CAMERA_CLASS_BASE is V4L2_CTRL_CLASS_CAMERA |
    /// 0x900 = 0x009a0900 (<linux/v4l2-controls.h>).
    public var id: UInt32 {
        switch self {
        case .exposureAuto: 0x009a_0900 + 1
        case .exposureAbsolute: 0x009a_0900 + 2
        case .exposureAutoPriority: 0x009a_0900 + 3
        case .powerLineFrequency: 0x0098_0900 + 24
        }
    }

    /// The name v4l2-ctl prints.
    public var description: String {
        switch self {
        case .exposureAuto: "auto_exposure"
        case .exposureAbsolute: "exposure_time_absolute"
        case .exposureAutoPriority: "exposure_dynamic_framerate"
        case .powerLineFrequency: "power_line_frequency"
        }
    }
}

/// The control values to apply after S_FMT; `nil` leaves a control alone.
/// Defaults give a steady frame rate: auto-exposure priority off, so auto
/// exposure may not stretch frame intervals in low light.
public struct CameraControlSettings: Sendable, Equatable {
    /// Exposure mode (1 = manual, 3 = aperture priority).
    public var exposureAuto: Int32?
    /// Exposure time in 100 µs units; only meaningful in manual mode.
    public var exposureAbsolute: Int32?
    /// 0 keeps the frame rate fixed.
    public var exposureAutoPriority: Int32? = 0
    /// Mains frequency against flicker (1 = 50 Hz, 2 = 60 Hz).
    public var powerLineFrequency: Int32?

    /// The defaults described above.
    public init() {}

    /// The requested values in the order they must be set (mode before time).
    var requests: [(CameraControl, Int32)] {
        var list: [(CameraControl, Int32)] = []
        if let exposureAuto { list.append((.exposureAuto, exposureAuto)) }
        if let exposureAbsolute { list.append((.exposureAbsolute, exposureAbsolute)) }
        if let exposureAutoPriority { list.append((.exposureAutoPriority, exposureAutoPriority)) }
        if let powerLineFrequency { list.append((.powerLineFrequency, powerLineFrequency)) }
        return list
    }
}

/// One control after setting it: what was asked and what the driver reports back.
public struct AppliedControl: Sendable, Equatable, CustomStringConvertible {
    /// Which control.
    public let control: CameraControl
    /// The value passed to VIDIOC_S_CTRL.
    public let requested: Int32
    /// The value VIDIOC_G_CTRL returned afterwards, nil when the camera lacks the control.
    public let readBack: Int32?

    /// True when the driver kept the requested value.
    public var matches: Bool { readBack == requested }

    /// e.g. "exposure_time_absolute = 2047 (asked 5000)".
    public var description: String {
        guard let readBack else { return "\(control): not supported by this camera" }
        return readBack == requested ? "\(control) = \(readBack)" : "\(control) = \(readBack) (asked \(requested))"
    }
}
