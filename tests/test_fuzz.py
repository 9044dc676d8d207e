"""Property-based tests: random and mutated input never crashes or hangs the parsers at closebot's edges."""

from __future__ import annotations

import asyncio
import contextlib
import struct

import cv2
import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent.screencap import parse_png, parse_raw
from agent.sim.adbd import A_CNXN, A_OPEN, A_WRTE, Message, ProtocolError, byte_sum, read_message
from detector.errors import CaptureError, DatasetError
from detector.types import Box, GroundTruth
from detector.voc import read_annotation, write_annotation

FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _read_all(data: bytes) -> list[Message]:
    async def go() -> list[Message]:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        out = []
        while True:
            try:
                out.append(await asyncio.wait_for(read_message(reader), 1.0))
            except (asyncio.IncompleteReadError, ProtocolError):
                return out

    return asyncio.run(go())


VALID = Message(A_CNXN, 0x01000001, 4096, b"host::features=cmd").pack() + Message(A_OPEN, 1, 0, b"shell:ls\0").pack()


@FAST
@given(st.binary(max_size=300))
def test_adbd_parser_on_random_bytes(data: bytes) -> None:
    for m in _read_all(data):
        assert m.command ^ 0xFFFFFFFF == struct.unpack_from("<I", m.pack(), 20)[0]


@FAST
@given(st.lists(st.tuples(st.integers(0, len(VALID) - 1), st.integers(0, 255)), max_size=6))
def test_adbd_parser_on_mutated_messages(mutations) -> None:
    data = bytearray(VALID)
    for i, v in mutations:
        data[i] = v
    msgs = _read_all(bytes(data))
    assert len(msgs) <= 2


def test_adbd_parser_round_trip() -> None:
    msgs = _read_all(VALID + Message(A_WRTE, 3, 4, b"x" * 70000).pack())
    assert [m.command for m in msgs] == [A_CNXN, A_OPEN, A_WRTE] and len(msgs[2].data) == 70000


@FAST
@given(st.binary(max_size=3000) | st.integers(0, 40000).map(lambda n: b"\xff" * n))
def test_data_check_is_the_byte_sum_mod_2_32(data: bytes) -> None:
    assert byte_sum(data) == sum(data) % 2**32  # the protocol's definition (adb-notes 3.1), computed in numpy
    assert struct.unpack_from("<I", Message(A_WRTE, 1, 2, data).pack(), 16)[0] == byte_sum(data)


def test_data_check_wraps_past_2_32() -> None:
    big = b"\xff" * (2**32 // 255 + 10)  # 16.8 MB of 0xff: the sum passes 2**32
    assert byte_sum(big) == (255 * len(big)) % 2**32


RAW = struct.pack("<4I", 4, 3, 1, 1) + bytes(range(48))
PNG = cv2.imencode(".png", np.arange(48, dtype=np.uint8).reshape(4, 4, 3))[1].tobytes()


@FAST
@given(st.binary(max_size=400))
def test_screencap_parsers_on_random_bytes(data: bytes) -> None:
    for parse in (parse_raw, parse_png):
        try:
            img = parse(data)
        except CaptureError:
            continue
        assert img.ndim == 3 and img.shape[2] == 3 and img.dtype == np.uint8


@FAST
@given(
    st.sampled_from([RAW, PNG]),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=5),
    st.integers(0, 200),
)
def test_screencap_parsers_on_mutated_frames(base: bytes, mutations, cut: int) -> None:
    data = bytearray(base)
    for i, v in mutations:
        data[i % len(data)] = v
    data = bytes(data[: len(data) - cut]) if cut < len(data) else b""
    for parse in (parse_raw, parse_png):
        with contextlib.suppress(CaptureError):
            parse(data)


@FAST
@given(st.binary(max_size=600), st.integers(0, 2000), st.integers(0, 255))
@example(noise=b"", pos=31, byte=45)  # "utf-8" -> "u-f-8" in the declaration: ElementTree raised LookupError
def test_voc_reader_on_mutated_xml(noise: bytes, pos: int, byte: int) -> None:
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "a.xml"
        write_annotation(path, "a.jpg", 100, 80, [GroundTruth(Box(1, 2, 30, 40), "close")])
        data = bytearray(path.read_bytes())
        data[pos % len(data)] = byte
        path.write_bytes(bytes(data[: pos % len(data)]) + noise if noise else bytes(data))
        try:
            name, w, h, objs = read_annotation(path)
        except DatasetError:
            return
        assert isinstance(name, str) and all(o.label in ("close", "skip", "ja_char") for o in objs)
