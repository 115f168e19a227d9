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


def announced(arguments, first_line, what):
    """Starts `pirl-robot ARGUMENTS` and reads its first stdout line, which must match `first_line`
    (it announces `what`); returns the process and the match."""
    binary = os.environ.get("PIRL_ROBOT", str(REPO_ROOT / ".build/debug/pirl-robot"))
    if not Path(binary).exists():
        pytest.fail(f"{binary} does not exist: build with `swift build` or set PIRL_ROBOT")
    process = subprocess.Popen([binary, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline().strip()
    match = first_line.match(line)
    if not match:
        process.kill()
        _, err = process.communicate(timeout=10)
        pytest.fail(f"{arguments[0]} did not announce {what}; got {line!r}, stderr {err!r}")
    return process, match


def stopped_cleanly_after(start_one):
    """A fixture body: yields a factory calling `start_one`; at teardown every process it started
    must exit 0 on SIGTERM and leave no symlink behind."""
    started = []

    def start(*extra_args):
        served = start_one(*extra_args)
        started.append(served)
        return served

    yield start
    for served in started:
        code, _, err = served.stop()
        assert code == 0, f"{served.name} exited with {code}: {err}"
        if served.link:
            assert not os.path.lexists(served.link), f"{served.name} left its symlink {served.link} behind"


class VirtualBus:
    """A running `pirl-robot virtual-bus` process and the pty it serves."""

    name = "virtual-bus"

    def __init__(self, robot, *extra_args):
        self.process, match = announced(["virtual-bus", "--robot", robot, *extra_args], FIRST_LINE, "its pty")
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
    yield from stopped_cleanly_after(VirtualBus)


SIM_SERVE_BANNER = re.compile(r"^sim serve: so101 twin, task (\S+), seed (\d+); cameras front=(\S+) wrist=(\S+); "
                              r"servo bus (\S+) \((\S+)\), calibration (.+)$")


class SimServe:
    """A running `pirl-robot sim serve --link …`: the twin behind its servo bus and cameras."""

    name = "sim serve"

    def __init__(self, directory, *extra_args):
        self.link, self.cameras = str(directory / "so101"), directory / "cams"
        self.process, match = announced(["sim", "serve", "--link", self.link, "--cameras", str(self.cameras),
                                         *extra_args], SIM_SERVE_BANNER, "its bus")
        self.front, self.wrist, self.path = match.group(3), match.group(4), match.group(6)

    def stop(self, timeout=30):
        """SIGTERM unless it already ended; returns (exit code, stdout, stderr)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


@pytest.fixture
def sim_serve(tmp_path):
    """Factory: `sim_serve("--error-bits", "3=0x20")` serves the twin with its bus at tmp_path/so101."""
    yield from stopped_cleanly_after(lambda *extra_args: SimServe(tmp_path, *extra_args))
