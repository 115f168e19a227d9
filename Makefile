# The README's two commands: `make demo` (set up, run the main job on the
# embedded default) and `make test` (set up, build, run every test).
SWIFT ?= swift
PYTHON ?= python3
BIN = .build/debug/pirl-robot
# The demos run the release binary, as users run it: a debug build's timings
# (tick jitter, inference latency) are several times worse and mislead newcomers.
RELEASE_BIN = .build/release/pirl-robot

.PHONY: deps build build-release demo demo-sim demo-bus test swift-test peer-test bench clean

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build -c release

# The twin served behind a pty and V4L2 cameras, driven by the unchanged `run` (the camera
# plugin comes with deps: scripts/install-deps.sh runs scripts/install-fake-camera.sh).
demo: build-release
	./scripts/demo.sh $(RELEASE_BIN)

# The twin stepped in-process by `run --sim`: one episode with the state checkpoint.
demo-sim: build-release
	./scripts/demo-sim.sh $(RELEASE_BIN)

# The servo-bus walk-through: a virtual SO-101 driven through scan, torque, move, read back.
demo-bus: build-release
	./scripts/demo-bus.sh $(RELEASE_BIN)

swift-test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel  # timing-sensitive suites (real ptys, threads) run one at a time

peer-test: build
	PIRL_ROBOT=$(abspath $(BIN)) $(PYTHON) -m pytest -q Tests/peers

test: swift-test peer-test

bench: build-release
	$(RELEASE_BIN) bench bus --robot so101
	$(RELEASE_BIN) bench camera
	$(RELEASE_BIN) bench policy
	$(RELEASE_BIN) bench sim
	$(RELEASE_BIN) bench train --config configs/place.yaml
	$(RELEASE_BIN) bench train --config configs/place.yaml --method flow-sde
	./scripts/fake-camera.sh /tmp/pirl-bench-cams
	$(RELEASE_BIN) bench loop --camera front=/tmp/pirl-bench-cams/front --camera wrist=/tmp/pirl-bench-cams/wrist --seconds 60

clean:
	$(SWIFT) package clean
