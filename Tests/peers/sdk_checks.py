"""Checks the Feetech (scservo_sdk) and Dynamixel (dynamixel_sdk) peer tests share: both SDKs
have the same API, so one check runs against either SDK module."""
import time


def open_port(sdk, path, protocol):
    """`path` opened through `sdk` at 1 Mbaud, with the SDK's packet handler for `protocol`."""
    port = sdk.PortHandler(path)
    assert port.openPort(), f"cannot open {path}"
    assert port.setBaudRate(1_000_000)
    return port, sdk.PacketHandler(protocol)


def ping_each(sdk, port, packets, models):
    """Pings every motor of `models` ({id: model number}): each answers with its model number and no
    error; ID 42, which no motor has, times out."""
    for motor_id, model in models.items():
        model_number, result, error = packets.ping(port, motor_id)
        assert result == sdk.COMM_SUCCESS, packets.getTxRxResult(result)
        assert error == 0
        assert model_number == model
    _, result, _ = packets.ping(port, 42)
    assert result == sdk.COMM_RX_TIMEOUT


def sync_write_then_watch(sdk, port, packets, goals, *, torque_enable, goal_position, present_position, width,
                          encode, decode=lambda raw: raw):
    """Sync-writes `goals` ({id: ticks}) through `sdk` (scservo_sdk or dynamixel_sdk), turns torque on,
    then sync-reads Present_Position: first on the way (start the bus with a low --max-speed), then at
    every goal within 5 s. `encode` turns a goal into the register's bytes, `decode` a raw read into ticks."""
    writer = sdk.GroupSyncWrite(port, packets, goal_position, width)
    for motor_id, goal in goals.items():
        assert writer.addParam(motor_id, encode(goal))
    assert writer.txPacket() == sdk.COMM_SUCCESS
    for motor_id in goals:
        result, error = packets.write1ByteTxRx(port, motor_id, torque_enable, 1)
        assert result == sdk.COMM_SUCCESS and error == 0

    reader = sdk.GroupSyncRead(port, packets, present_position, width)
    for motor_id in goals:
        assert reader.addParam(motor_id)

    def present():
        # The SDK allows ~34 ms for all replies; on a loaded CI machine retry like LeRobot does.
        for _ in range(5):
            if reader.txRxPacket() == sdk.COMM_SUCCESS:
                break
            port.clearPort()
        else:
            raise AssertionError("sync read failed 5 times in a row")
        positions = {}
        for motor_id in goals:
            assert reader.isAvailable(motor_id, present_position, width)
            positions[motor_id] = decode(reader.getData(motor_id, present_position, width))
        return positions

    moving = present()
    assert moving != goals, "motors should still be on their way right after torque on"
    deadline = time.monotonic() + 5
    while present() != goals and time.monotonic() < deadline:
        time.sleep(0.05)
    assert present() == goals
