"""Message framing on streams: whole messages, whatever the reads merge or split.

A stream carries bytes, not messages: two writes may arrive together and be
returned by one ``read``, and a long write may be returned in parts. Reading
``read(255)`` and treating the result as one message (as SimulaQron's
examples do) works only while every message arrives on its own. Two framings
make message boundaries explicit:

* **lines** -- ``send_line(writer, "hello")`` writes ``hello\\n``;
  ``await recv_line(reader)`` returns ``"hello"``. Text without newlines.
* **length prefix** -- ``send_message(writer, data)`` writes a 4-byte
  big-endian length and the payload; ``await recv_message(reader)`` returns
  the payload (``str`` by default, ``bytes`` with ``decode=False``). Any
  content, newlines included.

Both receivers return ``None`` at a clean end of the stream (the peer closed
between messages) and raise ``asyncio.IncompleteReadError`` if it closed in
the middle of a message. In generator programs use ``yield from
recv_line(reader)``.
"""

from __future__ import annotations

from asyncio import IncompleteReadError
from collections.abc import Generator
from typing import Any

from netqsim.host.streams import StreamOp, StreamReader, StreamWriter

Gen = Generator[Any, Any, Any]

#: Size of the length prefix of ``send_message`` (bytes, big-endian unsigned).
LENGTH_BYTES = 4
ENCODING = "utf-8"

__all__ = ["LENGTH_BYTES", "recv_line", "recv_message", "send_line", "send_message"]


def send_line(writer: StreamWriter, text: str) -> None:
    """Write ``text`` and a newline (``text`` must not contain one)."""
    if not isinstance(text, str):
        raise TypeError(f"send_line sends a str, got {type(text).__name__}")
    if "\n" in text:
        raise ValueError(
            f"send_line: {text!r} contains a newline, which would split it into two "
            "messages; use send_message for multi-line content"
        )
    writer.write(text.encode(ENCODING) + b"\n")


def recv_line(reader: StreamReader) -> StreamOp:
    """The next line without its newline, decoded; ``None`` at the end of the stream."""
    return StreamOp(_recv_line(reader), f"{reader.key}: recv_line()")


def _recv_line(reader: StreamReader) -> Gen:
    line = yield from reader.readline()
    if line == b"":
        return None
    if not line.endswith(b"\n"):
        raise IncompleteReadError(line, None)
    return line[:-1].decode(ENCODING)


def send_message(writer: StreamWriter, data: str | bytes) -> None:
    """Write ``data`` (str, encoded as UTF-8, or bytes) with a 4-byte length prefix."""
    if isinstance(data, str):
        payload = data.encode(ENCODING)
    elif isinstance(data, (bytes, bytearray, memoryview)):
        payload = bytes(data)
    else:
        raise TypeError(f"send_message sends str or bytes, got {type(data).__name__}")
    if len(payload) >= 2 ** (8 * LENGTH_BYTES):
        raise ValueError(f"send_message: {len(payload)} bytes do not fit a 4-byte length")
    writer.write(len(payload).to_bytes(LENGTH_BYTES, "big") + payload)


def recv_message(reader: StreamReader, *, decode: bool = True) -> StreamOp:
    """The next length-prefixed message (str, or bytes if ``decode=False``); ``None`` at EOF."""
    return StreamOp(_recv_message(reader, decode), f"{reader.key}: recv_message()")


def _recv_message(reader: StreamReader, decode: bool) -> Gen:
    try:
        header = yield from reader.readexactly(LENGTH_BYTES)
    except IncompleteReadError as exc:
        if not exc.partial:
            return None  # closed between messages
        raise
    payload = yield from reader.readexactly(int.from_bytes(header, "big"))
    return payload.decode(ENCODING) if decode else payload
