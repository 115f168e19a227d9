import Testing

@Suite("Fake V4L2 plugin")
struct FakePluginTests {
    @Test("the fake camera plugin is installed (./scripts/install-fake-camera.sh)")
    func installed() {
        #expect(FakeCamera.isInstalled, "missing \(FakeCamera.pluginPath): run ./scripts/install-fake-camera.sh (make test does)")
    }
}
