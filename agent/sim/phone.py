"""The simulated phone: adbd transport (``adbd.py``) + an Android-like shell over a :class:`Scenario`.

Screen pixels are what ``screencap`` returns: the physical size, turned with the rotation. Input coordinates
(``input tap``) are in the logical display: the ``wm size`` override when one is set, turned the same way. This
is the mapping the device layer has to get right, so the phone keeps it strict.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import struct
import threading
import time
from dataclasses import dataclass, field

import cv2
import numpy as np

from agent.sim.adbd import ServiceReply, serve
from agent.sim.scenario import Scenario

log = logging.getLogger(__name__)

KEYCODES = {"KEYCODE_HOME": 3, "KEYCODE_BACK": 4, "KEYCODE_POWER": 26, "KEYCODE_ENTER": 66, "KEYCODE_MENU": 82}
INPUT_SOURCES = {"touchscreen", "touchpad", "mouse", "keyboard", "trackball", "stylus", "dpad", "gamepad", "joystick"}
INPUT_USAGE = (
    "Usage: input [<source>] [-d DISPLAY_ID] <command> [<arg>...]\n\n"
    "The commands and default sources are:\n"
    "      text <string> (Default: touchscreen)\n"
    "      keyevent [--longpress|--doubletap] <key code number or name> ... (Default: keyboard)\n"
    "      tap <x> <y> (Default: touchscreen)\n"
    "      swipe <x1> <y1> <x2> <y2> [duration(ms)] (Default: touchscreen)\n"
)


@dataclass
class Display:
    """Sizes in the natural (portrait) orientation, as ``wm size`` reports them."""

    physical: tuple[int, int] = (1080, 2400)
    override: tuple[int, int] | None = None
    density: int = 420
    override_density: int | None = None
    rotation: int = 0  # 0..3 = ROTATION_0/90/180/270

    def screen_size(self) -> tuple[int, int]:
        w, h = self.physical
        return (h, w) if self.rotation % 2 else (w, h)

    def input_size(self) -> tuple[int, int]:
        w, h = self.override or self.physical
        return (h, w) if self.rotation % 2 else (w, h)

    def input_to_screen(self, x: float, y: float) -> tuple[float, float]:
        sw, sh = self.screen_size()
        iw, ih = self.input_size()
        return x * sw / iw, y * sh / ih


CORRUPTIONS = ("truncated", "empty", "garbled", "stderr_prefix", "crlf")  # the last two are recoverable


@dataclass(frozen=True)
class Faults:
    """What can go wrong with a phone, on purpose (``closebot sim --fault ...``)."""

    corrupt: bool = False  # during every odd second, screencap output is damaged (cycling through CORRUPTIONS)
    blank: bool = False  # the screen is black (screen off, a secure window)
    slow_s: float = 0.0  # each screencap takes this long
    rotate_at: tuple[float, int] | None = None  # (t, rotation): the display turns at t
    override_at: tuple[float, tuple[int, int]] | None = None  # (t, (w, h)): `wm size` override set at t


@dataclass
class Props:
    values: dict[str, str] = field(
        default_factory=lambda: {
            "ro.product.model": "SimPhone",
            "ro.product.name": "simphone",
            "ro.product.device": "sim",
            "ro.product.manufacturer": "closebot",
            "ro.build.version.release": "13",
            "ro.build.version.sdk": "33",
            "sys.boot_completed": "1",
        }
    )


class SimPhone:
    def __init__(
        self, scenario: Scenario, display: Display, props: Props | None = None, faults: Faults | None = None
    ) -> None:
        self.scenario = scenario
        self.display = display
        self.props = props or Props()
        self.faults = faults or Faults()
        self._corruptions = 0
        self._timed_done: set[str] = set()
        self._cache: dict[tuple[int, str], bytes] = {}
        self._cache_lock = threading.Lock()
        self.commands_seen = 0

    # ------------------------------------------------------------------------------------------ the service
    async def service(self, name: str) -> ServiceReply:
        """Route one OPEN; runs the command on a worker thread (encoding a frame is CPU work)."""
        if name.startswith("exec:"):
            cmd, v2 = name[5:], False
        elif name.startswith("shell"):
            head, sep, cmd = name.partition(":")
            if not sep or (head != "shell" and not head.startswith("shell,")):
                return ServiceReply(None)
            v2 = "v2" in head.split(",")[1:]
        else:
            return ServiceReply(None)  # sync:, reboot:, framebuffer:, ... are not offered
        out, code = await asyncio.get_running_loop().run_in_executor(None, self.run, cmd)
        if v2:  # shell protocol: stdout packet, exit packet
            out = struct.pack("<BI", 1, len(out)) + out + struct.pack("<BI", 3, 1) + bytes([code & 0xFF])
        return ServiceReply(out)

    def run(self, cmdline: str) -> tuple[bytes, int]:
        """Run a command line: ``a; b``, ``a && b`` and pipes into ``grep``/``cut`` are understood."""
        self.commands_seen += 1
        try:
            lex = shlex.shlex(cmdline, posix=True, punctuation_chars=";&|")
            lex.whitespace_split = True
            tokens = list(lex)
        except ValueError as e:
            return f"/system/bin/sh: syntax error: {e}\n".encode(), 2
        out, code = b"", 0
        for pipeline in _split(tokens, {";", "&&"}):
            stages = _split(pipeline, {"|"})
            data, code = b"", 0
            for i, argv in enumerate(stages):
                data, code = self._command(argv, data if i else None)
            out += data
        return out, code

    def _command(self, argv: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        if not argv:
            return b"", 0
        name = argv[0].rsplit("/", 1)[-1] if argv[0].startswith("/system/bin/") else argv[0]
        fn = getattr(self, f"_cmd_{name}", None)
        if fn is None:
            return f"/system/bin/sh: {argv[0]}: not found\n".encode(), 127
        try:
            return fn(argv[1:], stdin)
        except (ValueError, IndexError):
            return f"{name}: invalid arguments: {' '.join(argv[1:])}\n".encode(), 1

    # --------------------------------------------------------------------------------------------- commands
    def _cmd_echo(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        return (" ".join(args) + "\n").encode(), 0

    def _cmd_sleep(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        time.sleep(min(float(args[0]), 600.0))  # on a worker thread: other streams go on
        return b"", 0

    def _cmd_getprop(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        if args:
            return (self.props.values.get(args[0], "") + "\n").encode(), 0
        return "".join(f"[{k}]: [{v}]\n" for k, v in sorted(self.props.values.items())).encode(), 0

    def _cmd_grep(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        pat = args[-1].encode()
        lines = [ln for ln in (stdin or b"").splitlines(keepends=True) if pat in ln]
        return b"".join(lines), 0 if lines else 1

    def _cmd_cut(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        delim, fields = "\t", None
        i = 0
        while i < len(args):
            if args[i] == "-d":
                delim, i = args[i + 1], i + 2
            elif args[i] == "-f":
                fields, i = int(args[i + 1]), i + 2
            else:
                raise ValueError(args[i])
        if fields is None:
            raise ValueError("-f")
        out = []
        for ln in (stdin or b"").decode().splitlines():
            parts = ln.split(delim)
            out.append(parts[fields - 1] if len(parts) >= fields else (ln if len(parts) == 1 else ""))
        return "".join(o + "\n" for o in out).encode(), 0

    def _cmd_screencap(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        png = False
        i = 0
        while i < len(args):
            if args[i] == "-p":
                png = True
            elif args[i] == "-d":
                i += 1
                if args[i] != "0":
                    return f"[Warning] Display id {args[i]} is not valid\n".encode(), 1
            elif args[i] == "-h":
                return b"usage: screencap [-hp] [-d display-id] [FILENAME]\n", 0
            else:
                return b"", 0  # a FILENAME: written on the phone, nothing on stdout
            i += 1
        if self.faults.slow_s:
            time.sleep(self.faults.slow_s)
        data = self.frame_bytes("png" if png else "raw")
        if self.faults.corrupt and int(self.scenario.now()) % 2 == 1:
            data = self._corrupt(data, png)
        return data, 0

    def _corrupt(self, data: bytes, png: bool) -> bytes:
        kind = CORRUPTIONS[self._corruptions % len(CORRUPTIONS)]
        self._corruptions += 1
        self.scenario.events.emit("fault", fault=kind, format="png" if png else "raw")
        if kind == "truncated":
            return data[: len(data) // 2]
        if kind == "empty":
            return b""
        if kind == "garbled":
            return data[:8] + bytes((b * 7 + 13) & 0xFF for b in data[8:64]) + data[64:]
        if kind == "stderr_prefix":
            return b"WARNING: linker: libsurfaceflinger.so: unused DT entry\n" + data
        return data.replace(b"\n", b"\r\n") if png else data  # crlf: an old phone's PTY

    def apply_timed_faults(self) -> None:
        t = self.scenario.now()
        f = self.faults
        if f.rotate_at and t >= f.rotate_at[0] and "rotate" not in self._timed_done:
            self._timed_done.add("rotate")
            self.display.rotation = f.rotate_at[1]
            self.scenario.events.emit("rotated", rotation=f.rotate_at[1])
            self.scenario.resize(self.display.screen_size())
        if f.override_at and t >= f.override_at[0] and "override" not in self._timed_done:
            self._timed_done.add("override")
            self.display.override = f.override_at[1]
            self.scenario.events.emit("override", width=f.override_at[1][0], height=f.override_at[1][1])

    def frame_bytes(self, fmt: str) -> bytes:
        version, img = self.scenario.frame()
        if self.faults.blank:
            version = -1
            img = np.zeros((img.height, img.width, 3), np.uint8)
        key = (version, fmt)
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None:
            return hit
        rgb = np.asarray(img)
        if fmt == "png":
            ok, enc = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1])
            assert ok
            data = enc.tobytes()
        else:  # 16-byte header: width, height, PIXEL_FORMAT_RGBA_8888, sRGB
            h, w = rgb.shape[:2]
            rgba = np.empty((h, w, 4), dtype=np.uint8)
            rgba[..., :3] = rgb
            rgba[..., 3] = 255
            data = struct.pack("<4I", w, h, 1, 1) + rgba.tobytes()
        with self._cache_lock:
            self._cache = {k: v for k, v in self._cache.items() if k[0] == version}
            self._cache[key] = data
        return data

    def _cmd_wm(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        d = self.display
        if args[:1] == ["size"]:
            if len(args) == 1:
                w, h = d.physical
                out = f"Physical size: {w}x{h}\n"
                if d.override and d.override != d.physical:
                    out += f"Override size: {d.override[0]}x{d.override[1]}\n"
                return out.encode(), 0
            if args[1] == "reset":
                d.override = None
                return b"", 0
            w, h = (int(v) for v in args[1].lower().split("x"))
            d.override = (w, h)
            return b"", 0
        if args[:1] == ["density"]:
            if len(args) == 1:
                out = f"Physical density: {d.density}\n"
                if d.override_density and d.override_density != d.density:
                    out += f"Override density: {d.override_density}\n"
                return out.encode(), 0
            d.override_density = None if args[1] == "reset" else int(args[1])
            return b"", 0
        return b"usage: wm [size|density] ...\n", 1

    def _cmd_input(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        if args and args[0] in INPUT_SOURCES:
            args = args[1:]
        if args[:1] == ["-d"]:
            args = args[2:]
        if not args:
            return INPUT_USAGE.encode(), 1
        cmd, rest = args[0], args[1:]
        try:
            if cmd == "tap" and len(rest) == 2:
                x, y = (float(v) for v in rest)
                self.scenario.tap(*self.display.input_to_screen(x, y))
                return b"", 0
            if cmd == "swipe" and len(rest) in (4, 5):
                x1, y1, x2, y2 = (float(v) for v in rest[:4])
                self.scenario.swipe(*self.display.input_to_screen(x1, y1), *self.display.input_to_screen(x2, y2))
                return b"", 0
            if cmd == "keyevent" and rest:
                codes = [c for c in rest if not c.startswith("--")]
                for c in codes:
                    code = int(c) if c.isdigit() else KEYCODES.get(c if c.startswith("KEYCODE_") else f"KEYCODE_{c}")
                    if code is None:
                        return f"Error: Unknown keycode: {c}\n".encode(), 1
                    if code == 4:
                        self.scenario.back()
                return b"", 0
            if cmd == "text" and rest:
                return b"", 0
        except ValueError:
            pass
        return f"Error: Invalid arguments for command: {cmd}\n{INPUT_USAGE}".encode(), 1

    def _cmd_dumpsys(self, args: list[str], stdin: bytes | None) -> tuple[bytes, int]:
        d = self.display
        if args[:1] == ["window"]:
            focus = self.scenario.focused()
            sw, sh = d.screen_size()
            return (
                "WINDOW MANAGER DISPLAY CONTENTS (dumpsys window displays)\n"
                f"  Display: mDisplayId=0 rotation={d.rotation}\n"
                f"    init={d.physical[0]}x{d.physical[1]} {d.density}dpi cur={sw}x{sh}\n"
                f"  mCurrentRotation=ROTATION_{d.rotation * 90}\n"
                f"  mRotation={d.rotation}\n"
                f"  mCurrentFocus=Window{{5a1e2c3 u0 {focus}}}\n"
                f"  mFocusedApp=ActivityRecord{{8c1d0e u0 {focus} t42}}\n"
            ).encode(), 0
        if args[:1] == ["input"]:
            return (
                f"INPUT MANAGER (dumpsys input)\n  Touch Input Mapper:\n"
                f"    SurfaceOrientation: {d.rotation}\n".encode(),
                0,
            )
        if args[:2] == ["activity", "top"]:
            return f"TASK 42:\n  ACTIVITY {self.scenario.focused()} 5a1e2c3 pid=4242\n".encode(), 0
        return f"Can't find service: {args[0] if args else ''}\n".encode(), 0


def _split(tokens: list[str], seps: set[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for t in tokens:
        if t in seps:
            out.append([])
        else:
            out[-1].append(t)
    return [o for o in out if o]


async def run_phone(
    phone: SimPhone, port: int, ready: threading.Event | None = None, stop: asyncio.Event | None = None
):
    """Serve ``phone`` on 127.0.0.1:``port`` (0: any free port) until ``stop`` is set. Returns the port used."""
    server = await serve(phone.service, "127.0.0.1", port)
    actual = server.sockets[0].getsockname()[1]
    phone.port = actual  # type: ignore[attr-defined]
    if ready is not None:
        ready.set()
    stop = stop or asyncio.Event()

    async def ticker() -> None:  # the scenario's clock moves even when nobody looks
        while not stop.is_set():
            await asyncio.get_running_loop().run_in_executor(None, phone.scenario.advance)
            await asyncio.get_running_loop().run_in_executor(None, phone.apply_timed_faults)
            await asyncio.sleep(0.05)

    tick = asyncio.create_task(ticker())
    async with server:
        await stop.wait()
    tick.cancel()
    return actual
