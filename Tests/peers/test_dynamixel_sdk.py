"""ROBOTIS's dynamixel-sdk (Protocol 2.0) as an independent peer of the virtual Koch bus."""
import os
import time

import dynamixel_sdk as dxl

ADDR_TORQUE_ENABLE = 64
ADDR_GOAL_POSITION = 116
ADDR_PRESENT_POSITION = 132
KOCH_IDS = [1, 2, 3, 4, 5, 6]
KOCH_MODELS = {1: 1060, 2: 1060, 3: 1200, 4: 1200, 5: 1200, 6: 1200}


def open_port(path):
    port = dxl.PortHandler(path)
    assert port.openPort(), f"cannot open {path}"
    assert port.setBaudRate(1_000_000)
    return port, dxl.PacketHandler(2.0)


def le32(value):
    value &= 0xFFFFFFFF
    return [value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, (value >> 24) & 0xFF]


def test_ping_reports_each_model(virtual_bus):
    bus = virtual_bus("koch")
    port, packets = open_port(bus.path)
    try:
        for motor_id, model in KOCH_MODELS.items():
            model_number, result, error = packets.ping(port, motor_id)
            assert result == dxl.COMM_SUCCESS, packets.getTxRxResult(result)
            assert error == 0
            assert model_number == model
        _, result, _ = packets.ping(port, 42)
        assert result == dxl.COMM_RX_TIMEOUT
    finally:
        port.closePort()


def test_broadcast_ping_finds_every_motor(virtual_bus):
    bus = virtual_bus("koch")
    port, packets = open_port(bus.path)
    try:
        found, result = packets.broadcastPing(port)
        assert result == dxl.COMM_SUCCESS, packets.getTxRxResult(result)
        assert sorted(found) == KOCH_IDS
        assert {i: found[i][0] for i in found} == KOCH_MODELS
    finally:
        port.closePort()


def test_sync_write_goals_move_motors_and_sync_read_matches(virtual_bus):
    bus = virtual_bus("koch", "--max-speed", "1000", "--link", f"/tmp/pirl-koch-{os.getpid()}")
    port, packets = open_port(bus.link)
    goals = {1: 1000, 2: 3000, 3: 2500, 4: 1500, 5: -300, 6: 2100}
    try:
        writer = dxl.GroupSyncWrite(port, packets, ADDR_GOAL_POSITION, 4)
        for motor_id, goal in goals.items():
            assert writer.addParam(motor_id, le32(goal))
        assert writer.txPacket() == dxl.COMM_SUCCESS
        for motor_id in KOCH_IDS:
            result, error = packets.write1ByteTxRx(port, motor_id, ADDR_TORQUE_ENABLE, 1)
            assert result == dxl.COMM_SUCCESS and error == 0

        reader = dxl.GroupSyncRead(port, packets, ADDR_PRESENT_POSITION, 4)
        for motor_id in KOCH_IDS:
            assert reader.addParam(motor_id)

        def present():
            # The SDK allows ~34 ms for all replies; on a loaded CI machine retry like LeRobot does.
            for _ in range(5):
                if reader.txRxPacket() == dxl.COMM_SUCCESS:
                    break
                port.clearPort()
            else:
                raise AssertionError("sync read failed 5 times in a row")
            positions = {}
            for motor_id in KOCH_IDS:
                assert reader.isAvailable(motor_id, ADDR_PRESENT_POSITION, 4)
                raw = reader.getData(motor_id, ADDR_PRESENT_POSITION, 4)
                positions[motor_id] = raw - (1 << 32) if raw & 0x80000000 else raw
            return positions

        moving = present()
        assert moving != goals, "motors should still be on their way right after torque on"
        deadline = time.monotonic() + 5
        while present() != goals and time.monotonic() < deadline:
            time.sleep(0.05)
        assert present() == goals
    finally:
        port.closePort()


def test_dropped_and_vanished_replies_time_out(virtual_bus):
    bus = virtual_bus("koch", "--drop-replies", "1")
    port, packets = open_port(bus.path)
    try:
        _, result, _ = packets.ping(port, 1)
        assert result == dxl.COMM_RX_TIMEOUT
    finally:
        port.closePort()

    bus = virtual_bus("koch", "--vanish-after", "1.0")
    port, packets = open_port(bus.path)
    try:
        _, result, _ = packets.ping(port, 1)
        assert result == dxl.COMM_SUCCESS
        time.sleep(1.1)
        _, result, _ = packets.ping(port, 1)
        assert result == dxl.COMM_RX_TIMEOUT
    finally:
        port.closePort()
