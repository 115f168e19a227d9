"""ROBOTIS's dynamixel-sdk (Protocol 2.0) as an independent peer of the virtual Koch bus."""
import os
import time

import dynamixel_sdk as dxl
import sdk_checks
from sdk_checks import ping_each, sync_write_then_watch

ADDR_TORQUE_ENABLE = 64
ADDR_GOAL_POSITION = 116
ADDR_PRESENT_POSITION = 132
KOCH_IDS = [1, 2, 3, 4, 5, 6]
KOCH_MODELS = {1: 1060, 2: 1060, 3: 1200, 4: 1200, 5: 1200, 6: 1200}


def open_port(path):
    return sdk_checks.open_port(dxl, path, 2.0)


def le32(value):
    value &= 0xFFFFFFFF
    return [value & 0xFF, (value >> 8) & 0xFF, (value >> 16) & 0xFF, (value >> 24) & 0xFF]


def test_ping_reports_each_model(virtual_bus):
    bus = virtual_bus("koch")
    port, packets = open_port(bus.path)
    try:
        ping_each(dxl, port, packets, KOCH_MODELS)
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
        sync_write_then_watch(dxl, port, packets, goals, torque_enable=ADDR_TORQUE_ENABLE,
                              goal_position=ADDR_GOAL_POSITION, present_position=ADDR_PRESENT_POSITION, width=4,
                              encode=le32, decode=lambda raw: raw - (1 << 32) if raw & 0x80000000 else raw)
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
