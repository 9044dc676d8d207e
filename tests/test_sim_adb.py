"""The simulated phone against the real Debian adb server and adb command, and against pure-python-adb."""

from __future__ import annotations

import contextlib
import json
import shutil
import socket
import struct
import subprocess
import time

import cv2
import numpy as np
import pytest
from ppadb.client import Client

ADB = shutil.which("adb") or "adb"


def adb(port: int, *args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([ADB, "-P", str(port), *args], capture_output=True, timeout=timeout)


def connect(port: int, serial: str) -> None:
    out = adb(port, "connect", serial).stdout.decode()
    assert f"connected to {serial}" in out, out
    for _ in range(50):
        if f"{serial}\tdevice" in adb(port, "devices").stdout.decode():
            return
        time.sleep(0.1)
    pytest.fail(f"{serial} never came online")


def events(sim) -> list[dict]:
    return [json.loads(line) for line in sim.events.read_text().splitlines() if line.strip()]


def test_debian_adb_command_against_the_phone(adb_server: int, sim_phone) -> None:
    # "quiet": no ad can appear between the two screencaps compared below, however slow the machine
    sim = sim_phone(size="720x1600", scenario="quiet", extra=("--override", "540x1200"))
    s = sim.serial
    connect(adb_server, s)
    listing = adb(adb_server, "devices", "-l").stdout.decode()
    assert "model:SimPhone" in listing and "product:simphone" in listing

    png = adb(adb_server, "-s", s, "exec-out", "screencap", "-p").stdout
    img = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape == (1600, 720, 3)

    raw = adb(adb_server, "-s", s, "exec-out", "screencap").stdout
    w, h, fmt, cs = struct.unpack_from("<4I", raw)
    assert (w, h, fmt, cs) == (720, 1600, 1, 1) and len(raw) == 16 + 720 * 1600 * 4

    shell_png = adb(adb_server, "-s", s, "shell", "screencap", "-p").stdout
    assert shell_png == png  # shell: and exec: give the same clean bytes

    assert adb(adb_server, "-s", s, "shell", "wm", "size").stdout.decode().splitlines() == [
        "Physical size: 720x1600",
        "Override size: 540x1200",
    ]
    assert adb(adb_server, "-s", s, "shell", "wm", "density").stdout.decode() == "Physical density: 420\n"
    assert adb(adb_server, "-s", s, "shell", "getprop", "ro.product.model").stdout.decode() == "SimPhone\n"
    assert adb(adb_server, "-s", s, "shell", "echo", "hi there").stdout.decode() == "hi there\n"
    assert adb(adb_server, "-s", s, "shell", "frobnicate").stdout.decode() == "/system/bin/sh: frobnicate: not found\n"
    window = adb(adb_server, "-s", s, "shell", "dumpsys", "window").stdout.decode()
    assert "mCurrentFocus=Window{" in window and "mCurrentRotation=ROTATION_0" in window

    # input in logical (override) coordinates lands on screen pixels scaled by 720/540
    adb(adb_server, "-s", s, "shell", "input", "tap", "270", "600")
    adb(adb_server, "-s", s, "shell", "input", "swipe", "10", "20", "30", "40", "300")
    adb(adb_server, "-s", s, "shell", "input", "keyevent", "KEYCODE_BACK")
    ev = events(sim)
    tap = next(e for e in ev if e["event"] == "tap")
    assert (tap["x"], tap["y"]) == (360.0, 800.0)
    assert any(e["event"] == "swipe" for e in ev) and any(e["event"] == "back" for e in ev)


def test_pure_python_adb_against_the_phone(adb_server: int, sim_phone) -> None:
    sim = sim_phone(extra=("--rotation", "1"))
    client = Client(host="127.0.0.1", port=adb_server)
    assert client.remote_connect("127.0.0.1", sim.port)
    dev = client.device(sim.serial)
    assert dev is not None
    assert dev.shell("echo hi") == "hi\n"
    png = dev.screencap()
    img = cv2.imdecode(np.frombuffer(bytes(png), np.uint8), cv2.IMREAD_COLOR)
    assert img.shape == (1080, 2400, 3)  # landscape: rotation 1
    assert tuple(dev.wm_size()) == (1080, 2400)  # wm size stays in natural orientation
    assert dev.wm_density() == 2  # ppadb's `wm density | cut -d ' ' -f 3`, divided by 160
    assert dev.get_properties()["ro.product.model"] == "SimPhone"
    assert "SurfaceOrientation: 1" in dev.shell("dumpsys input")
    dev.input_tap(100, 200)
    dev.input_keyevent("KEYCODE_BACK")
    assert [e["event"] for e in events(sim)].count("tap") == 1


def test_garbage_on_the_wire_never_crashes_the_phone(adb_server: int, sim_phone) -> None:
    sim = sim_phone()
    payloads = [
        b"GET / HTTP/1.1\r\n\r\n",
        b"\x00" * 24,
        struct.pack("<6I", 0x4E584E43, 1, 4096, 10**9, 0, 0x4E584E43 ^ 0xFFFFFFFF),  # absurd length
        struct.pack("<6I", 0x4E45504F, 1, 0, 5, 0, 0x4E45504F ^ 0xFFFFFFFF) + b"shell",  # OPEN before CNXN
        np.random.default_rng(1).integers(0, 256, 5000, dtype=np.uint8).tobytes(),
    ]
    for p in payloads:
        with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as sock:
            sock.sendall(p)
            sock.settimeout(2)
            with contextlib.suppress(TimeoutError, ConnectionError):
                sock.recv(100)
    assert sim.proc.poll() is None
    connect(adb_server, sim.serial)
    assert adb(adb_server, "-s", sim.serial, "shell", "echo", "still here").stdout == b"still here\n"


def test_refused_service_gives_a_clean_failure(adb_server: int, sim_phone) -> None:
    sim = sim_phone()
    connect(adb_server, sim.serial)
    r = adb(adb_server, "-s", sim.serial, "reboot")
    assert r.returncode != 0 and sim.proc.poll() is None
