# The README's two commands: `make demo` (set up, run the main job on the
# embedded default) and `make test` (set up, build, run every test).
SWIFT ?= swift
PYTHON ?= python3
BIN = .build/debug/pirl-robot

.PHONY: deps build demo demo-bus test swift-test peer-test bench clean

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build

demo: build
	./scripts/demo.sh $(BIN)

# The servo-bus walk-through: a virtual SO-101 driven through scan, torque, move, read back.
demo-bus: build
	./scripts/demo-bus.sh $(BIN)

swift-test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --no-parallel  # timing-sensitive suites (real ptys, threads) run one at a time

peer-test: build
	PIRL_ROBOT=$(abspath $(BIN)) $(PYTHON) -m pytest -q Tests/peers

test: swift-test peer-test

bench: deps
	$(SWIFT) build -c release
	.build/release/pirl-robot bench bus --robot so101
	.build/release/pirl-robot bench camera
	.build/release/pirl-robot bench policy
	.build/release/pirl-robot bench sim
	.build/release/pirl-robot bench train --config configs/place.yaml
	.build/release/pirl-robot bench train --config configs/place.yaml --method flow-sde
	./scripts/fake-camera.sh /tmp/pirl-bench-cams
	.build/release/pirl-robot bench loop --camera front=/tmp/pirl-bench-cams/front --camera wrist=/tmp/pirl-bench-cams/wrist --seconds 60

clean:
	$(SWIFT) package clean
