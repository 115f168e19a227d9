"""`pirl-robot run` drives `pirl-robot sim serve` through the exact path that drives a real arm:
the Feetech bus (calibration/twin_so101.json: non-zero homing offsets, inverted gripper), two
V4L2 cameras through libv4l2 and the fake plugin, and the bundled camera policy. Then the
faults: a camera stall makes run hold; a bus fault stops it with torque off, the twin limp.

Needs the fake plugin (scripts/install-fake-camera.sh), MuJoCo/OSMesa and the binary
(PIRL_ROBOT, default .build/debug/pirl-robot).
"""
import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import scservo_sdk as scs
import sdk_checks
from conftest import REPO_ROOT

BINARY = os.environ.get("PIRL_ROBOT", str(REPO_ROOT / ".build/debug/pirl-robot"))
PLUGIN = Path("/usr/lib/x86_64-linux-gnu/libv4l/plugins/libv4l-fake-pirl.so")
CALIBRATION = str(REPO_ROOT / "calibration/twin_so101.json")
CHECKPOINT = str(REPO_ROOT / "checkpoints/place-camera")

pytestmark = pytest.mark.skipif(not PLUGIN.exists(), reason="run ./scripts/install-fake-camera.sh")


def run_policy(twin, seconds, *extra_args, prompt=("--prompt", "put the cube on the plate")):
    """`run` on the served twin as on an arm; returns (exit code, stdout, stderr)."""
    result = subprocess.run(
        [BINARY, "run", "--robot", "so101", "--port", twin.link, "--calibration", CALIBRATION,
         "--camera", f"front={twin.front}", "--camera", f"wrist={twin.wrist}", "--checkpoint", CHECKPOINT,
         *prompt, "--duration", str(seconds), "--no-realtime", *extra_args],
        capture_output=True, text=True, timeout=seconds + 60)
    return result.returncode, result.stdout, result.stderr


def twin_instruction(seed, episode):
    """The instruction of episode `episode` of a `place` run seeded `seed` (as `sim snapshot` prints it)."""
    out = subprocess.run([BINARY, "sim", "snapshot", "--task", "place", "--seed", str(seed), "--episode", str(episode),
                          "--width", "16", "--height", "16", "--out", os.devnull], capture_output=True, text=True, check=True).stdout
    return re.search(r'"([^"]+)"', out).group(1)


def held_ticks(summary):
    return int(re.search(r"held (\d+) ticks", summary).group(1))


def test_run_drives_the_twin_through_an_episode(sim_serve, tmp_path):
    results, record, prompt = tmp_path / "results.jsonl", tmp_path / "rec", tmp_path / "prompt.txt"
    # Prompt parity: the twin writes each episode's instruction, run reads it (and re-reads it).
    twin = sim_serve("--episode-seconds", "6", "--seed", "3", "--results", str(results), "--prompt-file", str(prompt))
    code, out, err = run_policy(twin, 8, "--record", str(record), prompt=("--prompt-file", str(prompt)))
    assert code == 0, err
    run_out, run_err = out, err
    assert "stopped: 240 ticks done" in out, out
    assert "inference ms: p50" in out
    # The twin moved: the joints run read through the bus changed under the policy's goals.
    state = np.load(record / "episode_000000" / "state.npy")
    assert state.shape[1] == 6 and state.shape[0] > 200
    assert np.ptp(state[:, :5], axis=0).max() > 0.1, np.ptp(state, axis=0)
    code, out, err = twin.stop()
    assert code == 0
    assert "a client wrote to the bus; episode 0 begins" in err, "episode 0 waits for run"
    # An episode ended while run drove the twin (success or the 6 s limit), and was recorded.
    episodes = [json.loads(line) for line in results.read_text().splitlines()]
    assert episodes and episodes[0]["episode"] == 0 and episodes[0]["seed"] == 3
    assert episodes[0]["reason"] in ("success", "timeout")
    assert f'run: instruction "{episodes[0]["instruction"]}" from {prompt}' in run_out, run_out
    # Episode 1 began before run stopped (episode 0 lasts 6 s at most): the file holds the instruction
    # of the episode under way, and run took it up.
    current = twin_instruction(3, len(episodes))
    assert prompt.read_text().strip() == current
    if current != episodes[0]["instruction"]:
        assert f'run: instruction now "{current}"' in run_err, run_err
    assert re.search(r"; bus \d+ packets", out.strip().splitlines()[-1])


def test_a_camera_stall_makes_run_hold(sim_serve):
    twin = sim_serve("--episode-seconds", "60", "--camera-stall", "front@4+3")
    code, out, err = run_policy(twin, 9)
    assert code == 0, err
    assert "stopped: 270 ticks done" in out, out
    # No fresh front frame for 3 s: no chunk, the loop holds its last safe command.
    assert held_ticks(out) >= 40, out


def test_a_bus_fault_stops_run_with_torque_off_and_the_twin_goes_limp(sim_serve):
    twin = sim_serve("--episode-seconds", "60", "--error-bits", "2=0x20", "--faults-after", "8")
    code, out, err = run_policy(twin, 25)
    assert code == 0, err
    assert "stopped: bus fault" in out and "shoulder_lift (ID 2): overload" in out, out
    assert "torque off failed" not in out, out
    port, packets = sdk_checks.open_port(scs, twin.link, 0)
    try:
        torque = [packets.read1ByteTxRx(port, motor_id, 40)[0] for motor_id in range(1, 7)]
        assert torque == [0] * 6
        # Limp: no actuator pushes (Present_Load 0), whether the arm still sags or already lies still.
        loads = [packets.read2ByteTxRx(port, motor_id, 60)[0] for motor_id in range(1, 7)]
        assert loads == [0] * 6
    finally:
        port.closePort()
