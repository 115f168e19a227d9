"""`make demo`'s script, scripts/demo.sh: `sim serve` and the unchanged `run` on the twin's pty and
cameras with the bundled camera policy, one episode here (DEMO_EPISODES=1) to keep it short. It must
print both summaries and the twin's episodes, and leave nothing behind on any way out.

Needs the fake plugin (scripts/install-fake-camera.sh), MuJoCo/OSMesa and the binary
(PIRL_ROBOT, default .build/debug/pirl-robot).
"""
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest
from conftest import REPO_ROOT

BINARY = os.environ.get("PIRL_ROBOT", str(REPO_ROOT / ".build/debug/pirl-robot"))
PLUGIN = Path("/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so")
SCRIPT = str(REPO_ROOT / "scripts/demo.sh")

pytestmark = pytest.mark.skipif(not PLUGIN.exists(), reason="run ./scripts/install-fake-camera.sh")


def demo_folder(out):
    return re.search(r"--link (/tmp/pirl-demo\.\w+)/so101", out).group(1)


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_demo_drives_the_twin_and_prints_both_summaries():
    started = time.monotonic()
    result = subprocess.run([SCRIPT, BINARY], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "DEMO_EPISODES": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "sim serve: a client wrote to the bus; episode 0 begins" in out
    assert "run's summary:" in out and "stopped: stop requested" in out, out
    assert re.search(r'run: instruction "[^"]+" from /tmp/pirl-demo\.\w+/prompt\.txt', out), out
    assert re.search(r"inference ms: p50 [\d.]+", out), out
    assert re.search(r'episode 0: (success|timeout).* after [\d.]+ s, "[^"]+"', out), out
    assert re.search(r"sim serve: 1 episode, \d succeeded", out), out
    assert "torque off failed" not in out, out
    assert not os.path.exists(demo_folder(out)), "the demo left its folder behind"
    assert time.monotonic() - started < 60


def test_an_interrupted_demo_stops_both_and_cleans_up():
    # Ctrl-C as a terminal delivers it: a test runner started in the background (nohup, CI) hands
    # its children SIGINT ignored, and bash cannot trap a signal ignored at its start.
    demo = subprocess.Popen([SCRIPT, BINARY], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "DEMO_EPISODES": "3"},
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    for line in demo.stdout:
        lines.append(line)
        if "episode 0 begins" in line:
            break
    folder = demo_folder("".join(lines))
    children = subprocess.run(["pgrep", "-P", str(demo.pid)], capture_output=True, text=True).stdout.split()
    demo.send_signal(signal.SIGINT)
    rest, err = demo.communicate(timeout=30)
    assert demo.returncode == 130, err
    assert "demo: interrupted" in rest
    assert not os.path.exists(folder)
    assert all(gone(int(pid)) for pid in children), children
