"""The phone side of the adb transport protocol (what ``adbd`` speaks), on asyncio.

The real adb server connects to us after ``adb connect 127.0.0.1:PORT``; one TCP connection then carries every
stream the server opens for its clients. Messages are a 24-byte little-endian header (command, arg0, arg1,
data_length, data_check, magic) and a payload. We answer the server's CNXN with our own (no AUTH), accept OPENs
by asking a :class:`ServiceHandler` for the output, and send it as WRTEs of at most the server's ``maxdata``, one
in flight per stream, each after the server's OKAY, then CLSE. Protocol facts: ``../shared/adb-notes.md`` section 3.

Anything malformed (bad magic, oversized payload, unknown command) closes that connection only: the server
reconnects, the phone keeps running.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

log = logging.getLogger(__name__)

A_CNXN = 0x4E584E43
A_AUTH = 0x48545541
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_WRTE = 0x45545257
A_CLSE = 0x45534C43
A_STLS = 0x534C5453
A_SYNC = 0x434E5953
KNOWN = {A_CNXN, A_AUTH, A_OPEN, A_OKAY, A_WRTE, A_CLSE, A_STLS, A_SYNC}

A_VERSION = 0x01000001
MAX_PAYLOAD = 1024 * 1024  # what we accept
OUR_MAXDATA = 256 * 1024  # what we announce
HEADER = struct.Struct("<6I")
WRITE_ACK_TIMEOUT_S = 30.0


class ProtocolError(Exception):
    """The peer sent something that is not the adb transport protocol."""


def byte_sum(data: bytes) -> int:
    """The header's data_check: the unsigned sum of the payload's bytes, mod 2**32. In numpy: Python's ``sum()``
    over a 256 KiB WRTE costs ~3 ms, ~200 ms of a 1440x3120 raw screencap's 72 WRTEs."""
    return int(np.frombuffer(data, np.uint8).sum(dtype=np.uint64)) & 0xFFFFFFFF


@dataclass(frozen=True)
class Message:
    command: int
    arg0: int
    arg1: int
    data: bytes = b""

    def pack(self) -> bytes:
        return (
            HEADER.pack(
                self.command,
                self.arg0,
                self.arg1,
                len(self.data),
                byte_sum(self.data),  # always the byte sum: valid for either protocol version
                self.command ^ 0xFFFFFFFF,
            )
            + self.data
        )

    @property
    def name(self) -> str:
        return struct.pack("<I", self.command).decode("latin-1")


async def read_message(reader: asyncio.StreamReader) -> Message:
    head = await reader.readexactly(HEADER.size)
    command, arg0, arg1, length, _check, magic = HEADER.unpack(head)
    if magic != command ^ 0xFFFFFFFF or command not in KNOWN:
        raise ProtocolError(f"bad header {head.hex()}")
    if length > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {length} bytes is over {MAX_PAYLOAD}")
    data = await reader.readexactly(length) if length else b""
    return Message(command, arg0, arg1, data)


@dataclass(frozen=True)
class ServiceReply:
    """What a service produced: the bytes for the stream, or ``None`` to refuse it (the client sees ``FAIL``)."""

    output: bytes | None


ServiceHandler = Callable[[str], Awaitable[ServiceReply]]


class _Stream:
    def __init__(self, local_id: int, remote_id: int) -> None:
        self.local_id = local_id
        self.remote_id = remote_id
        self.acked = asyncio.Event()
        self.closed = False


class AdbdConnection:
    """One TCP connection from the adb server."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        handler: ServiceHandler,
        banner: bytes,
    ) -> None:
        self.reader, self.writer = reader, writer
        self.handler = handler
        self.banner = banner
        self.peer_maxdata = 4096
        self.online = False
        self.streams: dict[int, _Stream] = {}
        self._next_id = 1
        self._tasks: set[asyncio.Task] = set()

    def _send(self, msg: Message) -> None:
        self.writer.write(msg.pack())

    async def run(self) -> None:
        peer = self.writer.get_extra_info("peername")
        try:
            while True:
                msg = await read_message(self.reader)
                await self._dispatch(msg)
                await self.writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except ProtocolError as e:
            log.warning("closing connection from %s: %s", peer, e)
        finally:
            for t in self._tasks:
                t.cancel()
            for s in self.streams.values():
                s.closed = True
                s.acked.set()
            self.writer.close()

    async def _dispatch(self, msg: Message) -> None:
        if msg.command == A_CNXN or (msg.command == A_AUTH and msg.arg0 == 2):
            # CNXN answered directly: the server lists us as "device" without an AUTH exchange.
            if msg.command == A_CNXN:
                self.peer_maxdata = max(4096, min(msg.arg1, MAX_PAYLOAD))
            self._send(Message(A_CNXN, A_VERSION, OUR_MAXDATA, self.banner))
            self.online = True
        elif not self.online:
            raise ProtocolError(f"{msg.name} before CNXN")
        elif msg.command == A_OPEN:
            service = msg.data.rstrip(b"\0").decode("utf-8", errors="replace")
            local_id = self._next_id
            self._next_id += 1
            stream = _Stream(local_id, msg.arg0)
            self.streams[local_id] = stream
            task = asyncio.create_task(self._serve(stream, service))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        elif msg.command == A_OKAY:
            s = self.streams.get(msg.arg1)
            if s is not None:
                s.remote_id = msg.arg0
                s.acked.set()
        elif msg.command == A_WRTE:
            s = self.streams.get(msg.arg1)
            if s is not None and not s.closed:
                self._send(Message(A_OKAY, s.local_id, s.remote_id))  # stdin is read and ignored
        elif msg.command == A_CLSE:
            s = self.streams.pop(msg.arg1, None)
            if s is not None:
                s.closed = True
                s.acked.set()
        # STLS / SYNC / AUTH tokens from a server: ignored.

    async def _serve(self, stream: _Stream, service: str) -> None:
        try:
            reply = await self.handler(service)
        except Exception:  # a bug in one service must not take the phone down
            log.exception("service %r failed", service)
            reply = ServiceReply(b"error: internal error\n")
        if stream.closed:
            return
        if reply.output is None:
            self.streams.pop(stream.local_id, None)
            self._send(Message(A_CLSE, 0, stream.remote_id))
            await self.writer.drain()
            return
        self._send(Message(A_OKAY, stream.local_id, stream.remote_id))
        # The server's limit for this transport is the smaller of the two announced maxdata values (a bigger WRTE
        # is dropped as a protocol error and the transport goes offline).
        chunk = min(self.peer_maxdata, OUR_MAXDATA)
        data = reply.output
        for i in range(0, len(data), chunk):
            stream.acked.clear()
            self._send(Message(A_WRTE, stream.local_id, stream.remote_id, data[i : i + chunk]))
            await self.writer.drain()
            try:
                await asyncio.wait_for(stream.acked.wait(), WRITE_ACK_TIMEOUT_S)
            except TimeoutError:
                log.warning("no OKAY for stream %d within %.0f s; closing it", stream.local_id, WRITE_ACK_TIMEOUT_S)
                break
            if stream.closed:
                return
        self.streams.pop(stream.local_id, None)
        self._send(Message(A_CLSE, stream.local_id, stream.remote_id))
        await self.writer.drain()


def banner(model: str = "SimPhone", product: str = "simphone", device: str = "sim") -> bytes:
    """``device::props``; no ``shell_v2`` (so the adb CLI uses plain ``shell:``) and no ``:`` inside values."""
    props = {"ro.product.name": product, "ro.product.model": model, "ro.product.device": device, "features": "cmd"}
    for k, v in props.items():
        if ":" in v or ";" in v or "=" in v:
            raise ValueError(f"banner property {k}={v!r} may not contain ':', ';' or '='")
    return ("device::" + ";".join(f"{k}={v}" for k, v in props.items())).encode()


async def serve(
    handler: ServiceHandler, host: str = "127.0.0.1", port: int = 0, banner_bytes: bytes | None = None
) -> asyncio.Server:
    """Start listening; returns the server (its ``sockets[0].getsockname()[1]`` is the port)."""
    b = banner_bytes or banner()

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await AdbdConnection(reader, writer, handler, b).run()

    return await asyncio.start_server(on_connect, host, port)
