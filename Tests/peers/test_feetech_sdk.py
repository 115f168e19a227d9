"""Feetech's scservo_sdk as an independent peer of the virtual SO-101 bus."""
import scservo_sdk as scs
import sdk_checks
from sdk_checks import ping_each, sync_write_then_watch

ADDR_TORQUE_ENABLE = 40
ADDR_GOAL_POSITION = 42
ADDR_PRESENT_POSITION = 56
STS3215_MODEL = 777
SO101_IDS = [1, 2, 3, 4, 5, 6]


def open_port(path):
    # protocol_end 0: STS servos are little-endian (SCS would be 1).
    return sdk_checks.open_port(scs, path, 0)


def test_ping_reports_sts3215(virtual_bus):
    bus = virtual_bus("so101")
    port, packets = open_port(bus.path)
    try:
        ping_each(scs, port, packets, {motor_id: STS3215_MODEL for motor_id in SO101_IDS})
    finally:
        port.closePort()


def test_sync_write_goals_move_motors_and_sync_read_matches(virtual_bus):
    # 1000 ticks/s: every move takes ≥ 0.5 s, so the first read catches the motors on their way.
    bus = virtual_bus("so101", "--max-speed", "1000")
    port, packets = open_port(bus.path)
    goals = {1: 1000, 2: 3000, 3: 2500, 4: 1500, 5: 400, 6: 2100}
    try:
        sync_write_then_watch(scs, port, packets, goals, torque_enable=ADDR_TORQUE_ENABLE,
                              goal_position=ADDR_GOAL_POSITION, present_position=ADDR_PRESENT_POSITION, width=2,
                              encode=lambda goal: [scs.SCS_LOBYTE(goal), scs.SCS_HIBYTE(goal)])
    finally:
        port.closePort()


def test_eeprom_needs_unlock_and_goal_beyond_angle_limit_is_clamped(virtual_bus):
    bus = virtual_bus("so101")
    port, packets = open_port(bus.path)
    try:
        assert packets.write2ByteTxRx(port, 1, 11, 3000)[0] == scs.COMM_SUCCESS  # Max_Position_Limit (EEPROM, locked)
        limit, result, _ = packets.read2ByteTxRx(port, 1, 11)
        assert result == scs.COMM_SUCCESS and limit == 4095, "a write with Lock = 1 must not persist"
        assert packets.write1ByteTxRx(port, 1, 55, 0)[0] == scs.COMM_SUCCESS  # Lock = 0
        assert packets.write2ByteTxRx(port, 1, 11, 3000)[0] == scs.COMM_SUCCESS
        limit, result, _ = packets.read2ByteTxRx(port, 1, 11)
        assert result == scs.COMM_SUCCESS and limit == 3000
        assert packets.write2ByteTxRx(port, 1, ADDR_GOAL_POSITION, 4000)[0] == scs.COMM_SUCCESS
        goal, result, _ = packets.read2ByteTxRx(port, 1, ADDR_GOAL_POSITION)
        assert result == scs.COMM_SUCCESS and goal == 3000
    finally:
        port.closePort()


def test_fault_flags_reach_the_sdk(virtual_bus):
    bus = virtual_bus("so101", "--error-bits", "3=0x20", "--silent-id", "4")
    port, packets = open_port(bus.path)
    try:
        _, result, error = packets.ping(port, 3)
        assert result == scs.COMM_SUCCESS and error == 0x20
        assert "Overload" in packets.getRxPacketError(error)
        _, result, _ = packets.ping(port, 4)
        assert result == scs.COMM_RX_TIMEOUT
    finally:
        port.closePort()
