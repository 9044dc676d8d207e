"""One Android device behind an adb server, on pure-python-adb's connection and smart-socket encoding.

What ppadb lacks is added here rather than inherited: a deadline on every call (screencap included), FAIL
replies turned into typed errors with the server's reason, replies read to their full length instead of one
``recv``, and validation of every frame. Commands are built from argv lists with each argument quoted, and a tap
is two integers already checked against the screen.
"""

from __future__ import annotations

import logging
import re
import shlex
import socket
import time
from dataclasses import dataclass

import numpy as np
from ppadb.connection import Connection
from ppadb.protocol import Protocol

from agent.coords import DisplayInfo, parse_focused_package, parse_rotation, parse_wm_size
from agent.screencap import parse_png, parse_raw
from detector.errors import (
    AdbServerError,
    CaptureError,
    ConfigError,
    CoordinateError,
    DeviceError,
    DeviceTimeout,
    DeviceUnavailable,
)

log = logging.getLogger(__name__)

MAX_REPLY = 128 * 1024 * 1024
SERIAL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def check_serial(serial: str) -> str:
    """A serial goes into adb requests and folder names: letters, digits and . _ : - only."""
    if not SERIAL.fullmatch(serial or ""):
        raise ConfigError(f"device serial {serial!r} is invalid: use letters, digits and . _ : - only")
    return serial


@dataclass(frozen=True)
class Frame:
    image: np.ndarray  # HxWx3 uint8 RGB, screen pixels
    fmt: str  # "raw" | "png"
    nbytes: int
    ms: float
    wall: float = 0.0  # time.time() when the capture was requested (lines misses up with the phone's own log)

    @property
    def size(self) -> tuple[int, int]:
        return self.image.shape[1], self.image.shape[0]


def _fail_reason(err: RuntimeError) -> str:
    """ppadb's ``ERROR: 'FAIL' 0019device 'x' not found`` -> ``device 'x' not found``."""
    text = str(err)
    if "'FAIL'" in text:
        reason = text.split("'FAIL'", 1)[1].strip()
        return reason[4:] if len(reason) >= 4 and all(c in "0123456789abcdefABCDEF" for c in reason[:4]) else reason
    return text


class AdbDevice:
    def __init__(self, serial: str, host: str = "127.0.0.1", port: int = 5037, timeout_s: float = 5.0) -> None:
        self.serial = check_serial(serial)
        self.host, self.port = host, port
        self.timeout_s = timeout_s

    # ------------------------------------------------------------------------------------------- plumbing
    def _connect(self, timeout: float) -> Connection:
        conn = Connection(self.host, self.port, timeout=timeout)
        try:
            conn.connect()
        except RuntimeError as e:
            raise AdbServerError(
                f"adb server at {self.host}:{self.port} is not reachable ({str(e).splitlines()[0]}); "
                f"start it with `adb -P {self.port} start-server`",
                self.serial,
            ) from None
        return conn

    def _request(self, conn: Connection, payload: str, deadline: float) -> None:
        """Send one smart-socket request and read OKAY, or raise with the server's FAIL reason."""
        sock = conn.socket
        sock.sendall(Protocol.encode_data(payload))
        status = self._read_exact(sock, 4, deadline)
        if status == b"OKAY":
            return
        if status == b"FAIL":
            n = int(self._read_exact(sock, 4, deadline), 16)
            reason = self._read_exact(sock, n, deadline).decode("utf-8", errors="replace")
            if any(k in reason for k in ("not found", "offline", "unauthorized", "no devices")):
                raise DeviceUnavailable(reason, self.serial)
            raise DeviceError(f"{payload.split(':')[0]} refused: {reason}", self.serial)
        raise AdbServerError(f"adb server answered {status!r} to {payload!r}", self.serial)

    def _read_exact(self, sock: socket.socket, n: int, deadline: float) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self._recv(sock, n - len(buf), deadline)
            if not chunk:
                raise AdbServerError(f"connection closed after {len(buf)} of {n} bytes", self.serial)
            buf += chunk
        return bytes(buf)

    def _recv(self, sock: socket.socket, n: int, deadline: float) -> bytes:
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeviceTimeout(f"no answer within {self.timeout_s:.1f} s", self.serial)
        sock.settimeout(left)
        try:
            return sock.recv(n)
        except TimeoutError:
            raise DeviceTimeout(f"no answer within {self.timeout_s:.1f} s", self.serial) from None
        except OSError as e:
            raise AdbServerError(f"connection to the adb server failed: {e}", self.serial) from None

    def host_query(self, query: str, timeout: float | None = None) -> str:
        """A ``host:`` request whose answer is a length-prefixed string (version, devices, connect, ...)."""
        timeout = timeout or self.timeout_s
        deadline = time.monotonic() + timeout
        conn = self._connect(timeout)
        try:
            self._request(conn, query, deadline)
            n = int(self._read_exact(conn.socket, 4, deadline), 16)
            return self._read_exact(conn.socket, n, deadline).decode("utf-8", errors="replace")
        finally:
            conn.close()

    def exec(self, service: str, timeout: float | None = None, limit: int = MAX_REPLY) -> bytes:
        """Open ``service`` (``shell:...``/``exec:...``) on the device and read to EOF within the timeout."""
        timeout = timeout or self.timeout_s
        deadline = time.monotonic() + timeout
        conn = self._connect(timeout)
        try:
            self._request(conn, f"host:transport:{self.serial}", deadline)
            try:
                self._request(conn, service, deadline)
            except DeviceError as e:
                if "closed" in str(e):
                    raise DeviceError(f"the device refused {service.split(':')[0]}", self.serial) from None
                raise
            out = bytearray()
            while True:
                chunk = self._recv(conn.socket, 1 << 20, deadline)
                if not chunk:
                    return bytes(out)
                out += chunk
                if len(out) > limit:
                    raise DeviceError(f"reply to {service!r} exceeds {limit} bytes", self.serial)
        finally:
            conn.close()

    def shell(self, *argv: str, timeout: float | None = None) -> str:
        """Run argv on the device; every argument is shell-quoted (nothing from outside reaches sh unquoted)."""
        cmd = " ".join(shlex.quote(str(a)) for a in argv)
        return self.exec(f"shell:{cmd}", timeout).decode("utf-8", errors="replace")

    # ------------------------------------------------------------------------------------------- lifecycle
    def state(self) -> str | None:
        """This serial's state in ``host:devices`` ("device", "offline", "unauthorized", ...), None if unlisted."""
        for line in self.host_query("host:devices").splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[0] == self.serial:
                return parts[1]
        return None

    def connect(self, wait_s: float = 15.0) -> None:
        """Make the server know the device (``adb connect`` for host:port serials) and wait until it is online."""
        version = self.host_query("host:version")
        try:
            int(version, 16)
        except ValueError:
            raise AdbServerError(f"{self.host}:{self.port} is not an adb server (version {version!r})") from None
        deadline = time.monotonic() + wait_s
        state = None
        while True:
            state = self.state()
            if state == "device":
                return
            if ":" in self.serial and state in (None, "offline"):
                reply = self.host_query(f"host:connect:{self.serial}", timeout=max(self.timeout_s, 12.0))
                if "connected" not in reply:
                    if time.monotonic() > deadline:
                        raise DeviceUnavailable(f"adb connect failed: {reply}", self.serial)
                elif self.state() == "device":
                    return
            if time.monotonic() > deadline:
                raise DeviceUnavailable(
                    f"not online after {wait_s:.0f} s (state: {state or 'not listed'})", self.serial
                )
            time.sleep(0.3)

    # ---------------------------------------------------------------------------------------------- reading
    def capture(self, fmt: str = "raw") -> Frame:
        """A validated frame. ``raw`` (cheap on a phone) falls back to PNG when the raw bytes are unusable."""
        t0, wall = time.perf_counter(), time.time()
        if fmt == "raw":
            data = self.exec("exec:screencap")
            try:
                img = parse_raw(data)
                return Frame(img, "raw", len(data), (time.perf_counter() - t0) * 1000, wall)
            except CaptureError as e:
                log.warning("%s: raw screencap unusable (%s); trying PNG", self.serial, e)
                wall = time.time()
        data = self.exec("exec:screencap -p")
        img = parse_png(data)
        return Frame(img, "png", len(data), (time.perf_counter() - t0) * 1000, wall)

    def display(self) -> DisplayInfo:
        try:
            physical, override = parse_wm_size(self.shell("wm", "size"))
        except ValueError as e:
            raise DeviceError(str(e), self.serial) from None
        rotation = parse_rotation(self.shell("dumpsys", "input"))
        if rotation == 0:
            rotation = parse_rotation(self.shell("dumpsys", "window", "displays"))
        return DisplayInfo(physical, override, rotation)

    def focused_package(self) -> str | None:
        return parse_focused_package(self.shell("dumpsys", "window", "windows"))

    # ---------------------------------------------------------------------------------------------- acting
    def tap(self, x: int, y: int, display: DisplayInfo) -> None:
        if not (isinstance(x, int) and isinstance(y, int)) or isinstance(x, bool) or isinstance(y, bool):
            raise CoordinateError(f"tap coordinates must be integers, got {x!r}, {y!r}", self.serial)
        w, h = display.input_size()
        if not (0 <= x < w and 0 <= y < h):
            raise CoordinateError(f"tap ({x}, {y}) is outside the {w}x{h} screen", self.serial)
        self.shell("input", "tap", str(x), str(y))

    def back(self) -> None:
        self.shell("input", "keyevent", "KEYCODE_BACK")
