"""Feetech's scservo_sdk against `sim serve`'s bus: the MuJoCo twin answers as an SO-101 would,
each motor a twin joint seen through calibration/twin_so101.json (non-zero homing offsets, the
gripper's drive mode inverted).

Needs MuJoCo/OSMesa and the binary (PIRL_ROBOT, default .build/debug/pirl-robot).
"""
import json
import math
import time

import pytest
import scservo_sdk as scs
import sdk_checks
from conftest import REPO_ROOT

ADDR_TORQUE_ENABLE, ADDR_GOAL_POSITION, ADDR_GOAL_VELOCITY, ADDR_PRESENT_POSITION = 40, 42, 46, 56
IDS = [1, 2, 3, 4, 5, 6]
CALIBRATION = json.loads((REPO_ROOT / "calibration/twin_so101.json").read_text())
JOINTS = list(CALIBRATION)


def joint_value(name, ticks):
    """Present_Position to joint units as LeRobot (and `run`) read it: radians, or gripper opening 0…1."""
    joint = CALIBRATION[name]
    low, high = joint["range_min"], joint["range_max"]
    if name == "gripper":
        opening = (min(max(ticks, low), high) - low) / (high - low)
        return 1 - opening if joint["drive_mode"] == 1 else opening
    return math.radians((ticks - (low + high) / 2) * 360 / 4095)


class Arm:
    """The SDK's port, packet handler and a sync reader of Present_Position for all six motors."""

    def __init__(self, path):
        self.port, self.packets = sdk_checks.open_port(scs, path, 0)
        self.reader = scs.GroupSyncRead(self.port, self.packets, ADDR_PRESENT_POSITION, 2)
        for motor_id in IDS:
            assert self.reader.addParam(motor_id)

    def present(self):
        for _ in range(5):  # as LeRobot retries on a loaded machine
            if self.reader.txRxPacket() == scs.COMM_SUCCESS:
                return [self.reader.getData(motor_id, ADDR_PRESENT_POSITION, 2) for motor_id in IDS]
            self.port.clearPort()
        raise AssertionError("sync read failed 5 times in a row")

    def sync_write_goals(self, goals):
        writer = scs.GroupSyncWrite(self.port, self.packets, ADDR_GOAL_POSITION, 2)
        for motor_id, goal in goals.items():
            assert writer.addParam(motor_id, [scs.SCS_LOBYTE(goal), scs.SCS_HIBYTE(goal)])
        assert writer.txPacket() == scs.COMM_SUCCESS

    def write(self, motor_id, address, value, size):
        write = self.packets.write1ByteTxRx if size == 1 else self.packets.write2ByteTxRx
        result, error = self.retried(lambda: write(self.port, motor_id, address, value))
        assert error == 0

    def read(self, motor_id, address, size):
        read = self.packets.read1ByteTxRx if size == 1 else self.packets.read2ByteTxRx
        value, _, _ = self.retried(lambda: read(self.port, motor_id, address), result_at=1)
        return value

    def ping(self, motor_id):
        """(model number, error byte)."""
        model, _, error = self.retried(lambda: self.packets.ping(self.port, motor_id), result_at=1)
        return model, error

    def retried(self, transaction, result_at=0):
        """`transaction()` until its result is COMM_SUCCESS, 3 tries, as LeRobot retries: a loaded
        machine can schedule the bus thread later than the SDK's reply timeout."""
        for _ in range(3):
            answer = transaction()
            if answer[result_at] == scs.COMM_SUCCESS:
                return answer
            self.port.clearPort()
        raise AssertionError(self.packets.getTxRxResult(answer[result_at]))


@pytest.fixture
def served_arm(sim_serve):
    """Factory: `served_arm(*sim_serve_args)` serves the twin and opens its bus through the SDK."""
    arms = []

    def open_arm(*extra_args):
        arm = Arm(sim_serve(*extra_args).link)
        arms.append(arm)
        return arm

    yield open_arm
    for arm in arms:
        arm.port.closePort()


def wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def test_the_twin_answers_as_an_so101_at_rest(served_arm):
    arm = served_arm()
    assert [arm.ping(motor_id) for motor_id in IDS] == [(777, 0)] * 6
    offsets = [arm.read(motor_id, 31, 2) for motor_id in IDS]  # Homing_Offset, sign-magnitude (bit 11)
    decoded = [-(o & 0x7FF) if o & 0x800 else o for o in offsets]
    assert decoded == [CALIBRATION[name]["homing_offset"] for name in JOINTS]
    # The twin holds its rest pose with torque on; every joint reads inside its calibrated range.
    assert [arm.read(motor_id, ADDR_TORQUE_ENABLE, 1) for motor_id in IDS] == [1] * 6
    present = arm.present()
    for name, ticks in zip(JOINTS, present):
        assert CALIBRATION[name]["range_min"] <= ticks <= CALIBRATION[name]["range_max"], (name, ticks)
    assert 0 <= joint_value("gripper", present[5]) <= 1


def test_sync_written_goals_move_the_twin_at_the_speed_asked(served_arm):
    arm = served_arm()
    start = arm.present()
    arm.write(1, ADDR_GOAL_VELOCITY, 300, 2)  # shoulder_pan at 300 ticks/s
    gripper = CALIBRATION["gripper"]
    # Opening 0.2 with drive_mode 1: the encoder counts down as the jaw opens.
    closed = round(gripper["range_max"] - 0.2 * (gripper["range_max"] - gripper["range_min"]))
    goals = {1: start[0] + 300, 6: closed}
    arm.sync_write_goals(goals)
    began = time.monotonic()
    time.sleep(0.5)
    moved = arm.present()[0] - start[0]
    elapsed = time.monotonic() - began
    assert 0.4 * 300 * elapsed < moved < 1.1 * 300 * elapsed, f"pan moved {moved} ticks in {elapsed:.2f} s"
    assert wait_for(lambda: abs(arm.present()[0] - goals[1]) <= 3, 3), arm.present()
    assert wait_for(lambda: abs(joint_value("gripper", arm.present()[5]) - 0.2) < 0.03, 3), arm.present()


def test_torque_off_lets_the_joint_sag(served_arm):
    arm = served_arm()
    held = arm.present()
    for motor_id in IDS:
        arm.write(motor_id, ADDR_TORQUE_ENABLE, 0, 1)
    assert wait_for(lambda: max(abs(a - b) for a, b in zip(arm.present()[1:3], held[1:3])) > 30, 5), \
        "shoulder lift or elbow sags under gravity"
    assert [arm.read(motor_id, 60, 2) for motor_id in IDS] == [0] * 6, "no actuator pushes: Present_Load 0"


def test_fault_flags_reach_the_sdk(served_arm):
    arm = served_arm("--error-bits", "3=0x20", "--silent-id", "4")
    _, error = arm.ping(3)
    assert error == 0x20 and "Overload" in arm.packets.getRxPacketError(error)
    _, result, _ = arm.packets.ping(arm.port, 4)
    assert result == scs.COMM_RX_TIMEOUT


def test_sync_read_round_trip(served_arm):
    """Six Present_Positions in one SYNC READ through the SDK: the time a control loop pays per tick."""
    arm = served_arm()
    times, failed = [], 0
    for _ in range(200):
        began = time.perf_counter()
        if arm.reader.txRxPacket() == scs.COMM_SUCCESS:
            times.append((time.perf_counter() - began) * 1000)
        else:  # a loaded machine may schedule the bus thread too late for the SDK's timeout
            failed += 1
            arm.port.clearPort()
    times.sort()
    print(f"sim serve sync read of 6 positions: p50 {times[len(times) // 2]:.2f} ms, "
          f"p90 {times[len(times) * 9 // 10]:.2f} ms, max {times[-1]:.2f} ms, {failed} of 200 timed out")
    assert failed < 20 and times[len(times) // 2] < 5
