"""Feetech's scservo_sdk as an independent peer of the virtual SO-101 bus."""
import time

import scservo_sdk as scs

ADDR_TORQUE_ENABLE = 40
ADDR_GOAL_POSITION = 42
ADDR_PRESENT_POSITION = 56
STS3215_MODEL = 777
SO101_IDS = [1, 2, 3, 4, 5, 6]


def open_port(path):
    port = scs.PortHandler(path)
    assert port.openPort(), f"cannot open {path}"
    assert port.setBaudRate(1_000_000)
    # protocol_end 0: STS servos are little-endian (SCS would be 1).
    return port, scs.PacketHandler(0)


def test_ping_reports_sts3215(virtual_bus):
    bus = virtual_bus("so101")
    port, packets = open_port(bus.path)
    try:
        for motor_id in SO101_IDS:
            model_number, result, error = packets.ping(port, motor_id)
            assert result == scs.COMM_SUCCESS, packets.getTxRxResult(result)
            assert error == 0
            assert model_number == STS3215_MODEL
        _, result, _ = packets.ping(port, 42)
        assert result == scs.COMM_RX_TIMEOUT
    finally:
        port.closePort()


def test_sync_write_goals_move_motors_and_sync_read_matches(virtual_bus):
    # 1000 ticks/s: every move takes ≥ 0.5 s, so the first read catches the motors on their way.
    bus = virtual_bus("so101", "--max-speed", "1000")
    port, packets = open_port(bus.path)
    goals = {1: 1000, 2: 3000, 3: 2500, 4: 1500, 5: 400, 6: 2100}
    try:
        writer = scs.GroupSyncWrite(port, packets, ADDR_GOAL_POSITION, 2)
        for motor_id, goal in goals.items():
            assert writer.addParam(motor_id, [scs.SCS_LOBYTE(goal), scs.SCS_HIBYTE(goal)])
        assert writer.txPacket() == scs.COMM_SUCCESS
        for motor_id in SO101_IDS:
            result, error = packets.write1ByteTxRx(port, motor_id, ADDR_TORQUE_ENABLE, 1)
            assert result == scs.COMM_SUCCESS and error == 0

        reader = scs.GroupSyncRead(port, packets, ADDR_PRESENT_POSITION, 2)
        for motor_id in SO101_IDS:
            assert reader.addParam(motor_id)

        def present():
            # The SDK allows ~34 ms for all replies; on a loaded CI machine retry like LeRobot does.
            for _ in range(5):
                if reader.txRxPacket() == scs.COMM_SUCCESS:
                    break
                port.clearPort()
            else:
                raise AssertionError("sync read failed 5 times in a row")
            positions = {}
            for motor_id in SO101_IDS:
                assert reader.isAvailable(motor_id, ADDR_PRESENT_POSITION, 2)
                positions[motor_id] = reader.getData(motor_id, ADDR_PRESENT_POSITION, 2)
            return positions

        moving = present()
        assert moving != goals, "motors should still be on their way right after torque on"
        deadline = time.monotonic() + 5
        while present() != goals and time.monotonic() < deadline:
            time.sleep(0.05)
        assert present() == goals
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
