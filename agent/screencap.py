"""Turning ``screencap`` bytes into an RGB frame, or a :class:`CaptureError` that says what was wrong.

Raw output: width, height, pixel format (uint32 LE each), a colorspace word on newer Android (16-byte header) or
not (12 bytes), then the pixels. The header size is whatever the length leaves once the pixels are counted.
PNG output: checked for the signature, CR LF mangling by old phones' PTYs, and an IEND chunk (truncation).
Both may arrive behind text a phone printed to stderr (merged into stdout without the shell protocol).
"""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np

from detector.errors import CaptureError

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_IEND = b"IEND\xaeB`\x82"
BYTES_PER_PIXEL = {1: 4, 2: 4, 3: 3, 4: 2, 5: 4}  # RGBA_8888, RGBX_8888, RGB_888, RGB_565, BGRA_8888
MAX_SIDE = 10_000


def _text_prefix_ends(data: bytes, limit: int = 1024) -> list[int]:
    """Offsets just after each line of printable text at the start (candidate starts of the real payload)."""
    out = []
    for i, b in enumerate(data[:limit]):
        if b == 0x0A:
            out.append(i + 1)
        elif not (32 <= b < 127 or b in (9, 13)):
            break
    return out


def parse_raw(data: bytes) -> np.ndarray:
    """Raw screencap -> HxWx3 uint8 RGB."""
    if len(data) < 12:
        raise CaptureError(f"raw screencap of {len(data)} bytes is shorter than its 12-byte header")
    reasons = []
    for start in [0, *_text_prefix_ends(data)]:
        for body in (data[start:], data[start:].replace(b"\r\n", b"\n")):
            if len(body) < 12:
                continue
            w, h, fmt = struct.unpack_from("<3I", body)
            if fmt not in BYTES_PER_PIXEL or not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE):
                reasons.append(f"header {w}x{h} format {fmt}")
                continue
            bpp = BYTES_PER_PIXEL[fmt]
            header = len(body) - w * h * bpp
            if header not in (12, 16):
                reasons.append(f"{w}x{h} format {fmt} needs {w * h * bpp} pixel bytes, got {len(body) - 12}")
                continue
            px = np.frombuffer(body, dtype=np.uint8, offset=header)
            return _to_rgb(px, w, h, fmt)
    raise CaptureError(f"raw screencap of {len(data)} bytes is not a valid frame ({'; '.join(reasons[:2])})")


def _to_rgb(px: np.ndarray, w: int, h: int, fmt: int) -> np.ndarray:
    if fmt in (1, 2):
        return np.ascontiguousarray(px.reshape(h, w, 4)[:, :, :3])
    if fmt == 5:
        return np.ascontiguousarray(px.reshape(h, w, 4)[:, :, 2::-1])
    if fmt == 3:
        return px.reshape(h, w, 3).copy()
    v = px.view("<u2").reshape(h, w).astype(np.uint32)  # RGB_565
    r, g, b = (v >> 11) & 0x1F, (v >> 5) & 0x3F, v & 0x1F
    return np.stack([(r * 527 + 23) >> 6, (g * 259 + 33) >> 6, (b * 527 + 23) >> 6], axis=2).astype(np.uint8)


# colour type -> allowed bit depths (PNG spec, IHDR)
PNG_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


def _check_png_structure(body: bytes) -> None:
    """Refuse a damaged header or chunk list before decoding: OpenCV spent 3-6 s on damaged 91-byte PNGs."""
    if len(body) < 33 or body[8:16] != b"\x00\x00\x00\rIHDR":
        raise CaptureError("PNG has no IHDR chunk where it must be")
    w, h, depth, colour = struct.unpack(">IIBB", body[16:26])
    if zlib.crc32(body[12:29]) != struct.unpack(">I", body[29:33])[0]:
        raise CaptureError("PNG header is damaged (IHDR checksum)")
    if depth not in PNG_DEPTHS.get(colour, ()) or not (0 < w <= MAX_SIDE and 0 < h <= MAX_SIDE):
        raise CaptureError(f"PNG header is not a screen: {w}x{h}, colour type {colour}, depth {depth}")
    pos = 8  # every chunk must lie inside the data (OpenCV took seconds over an IDAT claiming 3.5 GB)
    while pos + 12 <= len(body):
        (length,) = struct.unpack(">I", body[pos : pos + 4])
        if pos + 12 + length > len(body):
            raise CaptureError(f"PNG chunk {body[pos + 4 : pos + 8]!r} at byte {pos} runs past the end of the data")
        if body[pos + 4 : pos + 8] == b"IEND":
            return
        pos += 12 + length
    raise CaptureError("PNG chunks do not end with IEND")


def parse_png(data: bytes) -> np.ndarray:
    """``screencap -p`` -> HxWx3 uint8 RGB."""
    start = data.find(b"\x89PNG")
    if start < 0:
        head = bytes(data[:80]).decode("utf-8", errors="replace").strip()
        raise CaptureError(f"no PNG in {len(data)} bytes of screencap output (starts with {head!r})")
    body = bytes(data[start:])
    if body[5:6] == b"\r":  # LF -> CR LF by an old phone's PTY: undo it
        body = body.replace(b"\r\n", b"\n")
    if not body.startswith(PNG_SIGNATURE):
        raise CaptureError("PNG signature is damaged")
    if PNG_IEND not in body[-64:]:
        raise CaptureError(f"PNG of {len(body)} bytes is truncated (no IEND chunk)")
    _check_png_structure(body)
    img = cv2.imdecode(np.frombuffer(body, dtype=np.uint8), cv2.IMREAD_COLOR)
    if img is None:
        raise CaptureError(f"PNG of {len(body)} bytes does not decode")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
