import Testing
@testable import TwinServe

@Suite("Camera faults of a served twin")
struct CameraFaultTests {
    @Test("NAME@START+SECONDS parses; malformed or negative values do not")
    func parsing() {
        #expect(CameraFault(kind: .stall, argument: "front@5+2") == CameraFault(kind: .stall, camera: "front", start: 5, duration: 2))
        #expect(CameraFault(kind: .unplug, argument: "wrist@0.5+1.5") == CameraFault(kind: .unplug, camera: "wrist", start: 0.5, duration: 1.5))
        for bad in ["front", "front@5", "@1+2", "front@-1+2", "front@1+0", "front@x+2"] {
            #expect(CameraFault(kind: .stall, argument: bad) == nil, "\(bad)")
        }
    }
}
