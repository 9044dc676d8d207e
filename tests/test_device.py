"""agent.device on pure-python-adb, through the real adb server to a simulated phone; its typed errors."""

from __future__ import annotations

import json

import pytest

from agent.coords import DisplayInfo, screen_to_input
from agent.demo import free_port
from agent.device import AdbDevice
from detector.errors import AdbServerError, CoordinateError, DeviceError, DeviceTimeout, DeviceUnavailable


def taps(sim) -> list[dict]:
    ev = [json.loads(line) for line in sim.events.read_text().splitlines() if line.strip()]
    return [e for e in ev if e["event"] == "tap"]


def test_capture_display_and_tap_mapping(adb_server: int, sim_phone) -> None:
    # "quiet": only the game, so the two captures see the same screen however slow the machine (with the default
    # scenario the first ad can appear between them: CI failed so once).
    sim = sim_phone(size="1440x3120", scenario="quiet", extra=("--override", "1080x2340", "--rotation", "1"))
    dev = AdbDevice(sim.serial, port=adb_server, timeout_s=10)
    dev.connect(wait_s=20)
    raw, png = dev.capture("raw"), dev.capture("png")
    assert raw.size == png.size == (3120, 1440) and raw.fmt == "raw" and png.fmt == "png"
    assert (raw.image == png.image).all()  # same pixels either way
    info = dev.display()
    assert info == DisplayInfo((1440, 3120), (1080, 2340), 1)
    assert dev.focused_package() == "jp.example.puzzlegame"

    # a screen point -> input coordinates -> the phone maps them back to (nearly) the same screen point
    ix, iy = screen_to_input(3000, 100, raw.size, info)
    dev.tap(ix, iy, info)
    t = taps(sim)[-1]
    assert abs(t["x"] - 3000) <= 2 and abs(t["y"] - 100) <= 2


def test_taps_are_checked_before_any_command(adb_server: int, sim_phone) -> None:
    sim = sim_phone(size="720x1600")
    dev = AdbDevice(sim.serial, port=adb_server)
    dev.connect()
    info = dev.display()
    for x, y in [(720, 5), (-1, 5), (5, 1600), (1.5, 2), ("1; reboot", 2), (True, 3)]:
        with pytest.raises(CoordinateError):
            dev.tap(x, y, info)  # type: ignore[arg-type]
    assert taps(sim) == []


def test_arguments_are_quoted(adb_server: int, sim_phone) -> None:
    sim = sim_phone()
    dev = AdbDevice(sim.serial, port=adb_server)
    dev.connect()
    assert dev.shell("echo", "a; input tap 1 1", "$(reboot)") == "a; input tap 1 1 $(reboot)\n"
    assert taps(sim) == []


def test_timeout_is_a_typed_error(adb_server: int, sim_phone) -> None:
    sim = sim_phone()
    dev = AdbDevice(sim.serial, port=adb_server, timeout_s=1.0)
    dev.connect()
    with pytest.raises(DeviceTimeout, match="within 1.0 s"):
        dev.shell("sleep", "5")
    assert dev.shell("echo", "ok", timeout=5) == "ok\n"  # the device is still usable


def test_unknown_serial_and_missing_server(adb_server: int) -> None:
    with pytest.raises(DeviceUnavailable, match="not found"):
        AdbDevice("nope-1", port=adb_server).capture()
    with pytest.raises(DeviceUnavailable, match="connect failed|not online"):
        AdbDevice(f"127.0.0.1:{free_port()}", port=adb_server, timeout_s=3).connect(wait_s=1)
    with pytest.raises(AdbServerError, match="not reachable"):
        AdbDevice("x", port=free_port()).host_query("host:version")
    assert issubclass(DeviceUnavailable, DeviceError) and issubclass(AdbServerError, DeviceError)


def test_reconnects_after_the_phone_drops(adb_server: int, sim_phone) -> None:
    sim = sim_phone()
    dev = AdbDevice(sim.serial, port=adb_server, timeout_s=5)
    dev.connect()
    sim.stop()
    with pytest.raises(DeviceError):
        dev.capture()
    again = sim_phone(port=sim.port)  # the phone comes back on the same port
    assert again.serial == sim.serial
    dev.connect(wait_s=30)
    assert dev.capture().size == (1080, 2400)
