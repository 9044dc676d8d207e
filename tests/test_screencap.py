"""screencap bytes -> frames: both raw header sizes, pixel formats, PNG, and the ways phones damage them."""

from __future__ import annotations

import struct

import cv2
import numpy as np
import pytest

from agent.screencap import parse_png, parse_raw
from detector.errors import CaptureError

RNG = np.random.default_rng(0)
IMG = RNG.integers(0, 256, size=(7, 5, 3), dtype=np.uint8)  # 5 wide, 7 high


def rgba(img: np.ndarray) -> bytes:
    return np.dstack([img, np.full(img.shape[:2], 255, np.uint8)]).tobytes()


def test_raw_16_byte_header_rgba() -> None:
    data = struct.pack("<4I", 5, 7, 1, 1) + rgba(IMG)
    assert np.array_equal(parse_raw(data), IMG)


def test_raw_12_byte_header_of_older_android() -> None:
    data = struct.pack("<3I", 5, 7, 1) + rgba(IMG)
    assert np.array_equal(parse_raw(data), IMG)


def test_raw_bgra_and_rgb888() -> None:
    bgra = np.dstack([IMG[:, :, ::-1], np.full(IMG.shape[:2], 255, np.uint8)]).tobytes()
    assert np.array_equal(parse_raw(struct.pack("<4I", 5, 7, 5, 1) + bgra), IMG)
    assert np.array_equal(parse_raw(struct.pack("<4I", 5, 7, 3, 1) + IMG.tobytes()), IMG)


def test_raw_rgb565_white_and_black() -> None:
    px = np.array([[0xFFFF, 0x0000]], dtype="<u2").tobytes()
    out = parse_raw(struct.pack("<3I", 2, 1, 4) + px)
    assert out.tolist() == [[[255, 255, 255], [0, 0, 0]]]


def test_raw_behind_stderr_text() -> None:
    data = b"WARNING: linker: unused DT entry\n" + struct.pack("<4I", 5, 7, 1, 1) + rgba(IMG)
    assert np.array_equal(parse_raw(data), IMG)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "shorter than its 12-byte header"),
        (struct.pack("<4I", 5, 7, 1, 1) + rgba(IMG)[:-10], "not a valid frame"),  # truncated
        (struct.pack("<4I", 5, 7, 99, 1) + rgba(IMG), "format 99"),
        (struct.pack("<4I", 0, 7, 1, 1), "not a valid frame"),
        (b"/system/bin/sh: screencap: not found\n", "not a valid frame"),
    ],
)
def test_raw_garbage_is_an_error_not_a_frame(data: bytes, match: str) -> None:
    with pytest.raises(CaptureError, match=match):
        parse_raw(data)


def png_bytes(img: np.ndarray) -> bytes:
    ok, enc = cv2.imencode(".png", cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    assert ok
    return enc.tobytes()


def test_png_clean_and_behind_text() -> None:
    assert np.array_equal(parse_png(png_bytes(IMG)), IMG)
    assert np.array_equal(parse_png(b"some warning\n" + png_bytes(IMG)), IMG)


def test_png_crlf_mangled_by_an_old_pty_is_repaired() -> None:
    mangled = png_bytes(IMG).replace(b"\n", b"\r\n")
    assert mangled[5:6] == b"\r"
    assert np.array_equal(parse_png(mangled), IMG)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"error: no display\n", "no PNG"),
        (png_bytes(IMG)[:-20], "truncated"),
        (b"\x89PNG\x00\x00\x00\x00" + b"x" * 100, "signature"),
    ],
)
def test_png_garbage_is_an_error(data: bytes, match: str) -> None:
    with pytest.raises(CaptureError, match=match):
        parse_png(data)


def test_png_with_a_damaged_header_is_refused_before_decoding() -> None:
    """Found by the fuzz test: OpenCV spent 3-6 s on a 91-byte PNG with one damaged byte."""
    ok, enc = cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))
    good = enc.tobytes()
    bad = bytearray(good)
    bad[25] = 212  # IHDR colour type
    with pytest.raises(CaptureError, match="IHDR"):
        parse_png(bytes(bad))
    bad = bytearray(good)
    bad[33] = 212  # the first byte of the IDAT chunk's length: it now claims 3.5 GB
    with pytest.raises(CaptureError, match="runs past the end"):
        parse_png(bytes(bad))
    assert parse_png(good).shape == (4, 4, 3)
