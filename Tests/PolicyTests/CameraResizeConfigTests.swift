import Foundation
import Testing
@testable import Policy

@Suite("Camera resize in config.json")
struct CameraResizeConfigTests {
    @Test("A camera without `resize` (every checkpoint before the key) letterboxes; pad and crop round-trip; others are errors")
    func resizeKey() throws {
        let old = try JSONDecoder().decode(PolicyConfig.Camera.self, from: Data(#"{"name": "front", "width": 64, "height": 64}"#.utf8))
        #expect(old.resize == .pad)
        let crop = try JSONDecoder().decode(PolicyConfig.Camera.self, from: Data(#"{"name": "wrist", "resize": "crop"}"#.utf8))
        #expect(crop == PolicyConfig.Camera(name: "wrist", resize: .crop))
        let again = try JSONDecoder().decode(PolicyConfig.Camera.self, from: JSONEncoder().encode(crop))
        #expect(again == crop)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(PolicyConfig.Camera.self, from: Data(#"{"name": "front", "resize": "stretch"}"#.utf8))
        }
    }
}
