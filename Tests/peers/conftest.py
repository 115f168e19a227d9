"""Fixtures that run `pirl-robot virtual-bus` as a subprocess for the SDK peer tests.

PIRL_ROBOT names the built binary (default: .build/debug/pirl-robot at the repo root).
"""
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
FIRST_LINE = re.compile(r"^virtual-bus: (\S+) on (\S+)(?: \(link (\S+)\))?$")


class VirtualBus:
    """A running `pirl-robot virtual-bus` process and the pty it serves."""

    def __init__(self, robot, *extra_args):
        binary = os.environ.get("PIRL_ROBOT", str(REPO_ROOT / ".build/debug/pirl-robot"))
        if not Path(binary).exists():
            pytest.fail(f"{binary} does not exist: build with `swift build` or set PIRL_ROBOT")
        self.process = subprocess.Popen(
            [binary, "virtual-bus", "--robot", robot, *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        match = FIRST_LINE.match(line)
        if not match:
            self.process.kill()
            _, err = self.process.communicate(timeout=5)
            pytest.fail(f"virtual-bus did not announce its pty; got {line!r}, stderr {err!r}")
        self.robot, self.path, self.link = match.groups()

    def stop(self):
        """SIGTERM, then expect a clean exit 0 with the symlink gone."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=10)
        return self.process.returncode, out, err


@pytest.fixture
def virtual_bus():
    """Factory: `virtual_bus("koch", "--link", path)` starts a bus; all are stopped at teardown."""
    started = []

    def start(robot, *extra_args):
        bus = VirtualBus(robot, *extra_args)
        started.append(bus)
        return bus

    yield start
    for bus in started:
        code, _, err = bus.stop()
        assert code == 0, f"virtual-bus exited with {code}: {err}"
        if bus.link:
            assert not os.path.lexists(bus.link), f"virtual-bus left its symlink {bus.link} behind"
