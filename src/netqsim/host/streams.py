"""Classical byte streams between programs, with the asyncio streams API, in simulated time.

One side opens, the other accepts::

    reader, writer = await context.open_stream("Bob")      # on Alice
    reader, writer = await context.accept_stream("Alice")  # on Bob

(generator programs: ``reader, writer = yield from context.open_stream("Bob")``).
``open_stream`` returns at once and sends a connection request over the
classical link; ``accept_stream`` returns when that request arrives, one link
delay later. The k-th ``open_stream`` from Alice to Bob pairs with Bob's k-th
``accept_stream`` from Alice; a node may open several streams to a peer, and
both nodes may open streams to each other (each stream belongs to its opener).

Bytes travel over the configured classical link: ``writer.write(data)`` sends
``data`` at once as one chunk, which arrives exactly one link delay later, in
order with everything else sent on that link. The stream is a byte stream, as
TCP is: a read returns whatever has arrived, so one read may return several
writes merged, or part of one. Frame your messages (lines, or the
length-prefixed helpers in :mod:`netqsim.host.framing`) rather than treating
one ``read(n)`` as one message.

Differences from asyncio's streams over TCP, all documented in
``docs/event-based.md``: there is no flow control (``drain()`` returns at
once) and no loss; ``close()`` sends EOF to the peer and stops this side's
writing, but data the peer still sends can be read (a half-close, like
``write_eof()``); ``wait_closed()`` returns at once.
"""

from __future__ import annotations

from asyncio import IncompleteReadError, LimitOverrunError
from collections import Counter
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Any

from netqsim.kernel import Channel, Simulator
from netqsim.network.classical import ClassicalNetwork

Gen = Generator[Any, Any, Any]

#: asyncio's default buffer limit for readline/readuntil (64 KiB).
DEFAULT_LIMIT = 2**16
#: Mailbox key of connection requests (one mailbox per node pair and direction).
CONNECT_KEY = "stream connections"

__all__ = [
    "DEFAULT_LIMIT",
    "IncompleteReadError",
    "LimitOverrunError",
    "StreamKey",
    "StreamOp",
    "StreamPorts",
    "StreamReader",
    "StreamWriter",
]


class _Eof:
    """What a writer sends when it closes."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "EOF"


EOF = _Eof()


@dataclass(frozen=True)
class StreamKey:
    """Names one stream: the ``index``-th stream ``opener`` opened to ``acceptor``."""

    opener: str
    acceptor: str
    index: int

    def __str__(self) -> str:
        return f"stream {self.opener}->{self.acceptor} #{self.index}"


class StreamOp:
    """One stream operation: ``await`` it, or ``yield from`` it in generator programs."""

    __slots__ = ("_body", "what")

    def __init__(self, body: Gen, what: str) -> None:
        self._body = body
        self.what = what

    def __await__(self) -> Gen:
        body = self._body
        if body is None:
            raise RuntimeError(f"cannot reuse already awaited {self.what}")
        self._body = None  # type: ignore[assignment]
        return body

    __iter__ = __await__

    def describe(self) -> str:
        return self.what

    def __repr__(self) -> str:
        return f"<{self.what}>"


class Ready:
    """An awaitable that completes at once with ``value`` (no simulated time passes)."""

    __slots__ = ("value",)

    def __init__(self, value: Any = None) -> None:
        self.value = value

    def __await__(self) -> Gen:
        return self.value
        yield  # a generator that never waits

    __iter__ = __await__


class StreamReader:
    """The reading end of a stream (``asyncio.StreamReader``'s reading API).

    Every read is awaited in simulated time. ``read(n)`` returns at most
    ``n`` bytes of what has arrived (waiting for the next chunk if nothing
    has), ``read()`` everything until EOF; ``readline()``,
    ``readuntil(sep)`` and ``readexactly(n)`` wait for a separator or a
    size, and raise asyncio's ``IncompleteReadError`` (with the bytes read,
    ``partial``) or ``LimitOverrunError`` exactly as asyncio does.
    ``async for line in reader`` iterates over lines.
    """

    def __init__(
        self, inbox: Channel, node: str, peer: str, key: StreamKey, sim: Simulator,
        limit: int = DEFAULT_LIMIT,
    ) -> None:
        if limit <= 0:
            raise ValueError("limit cannot be <= 0")
        self._inbox = inbox
        self._buffer = bytearray()
        self._eof = False
        self._waiting: str | None = None
        self._limit = limit
        self.node = node
        self.peer = peer
        self.key = key
        self.sim = sim

    # -- state ------------------------------------------------------------------
    def at_eof(self) -> bool:
        """True once the peer closed and every byte has been read."""
        return self._eof and not self._buffer

    def exception(self) -> None:
        """Always ``None``: a simulated stream does not break."""
        return None

    @property
    def buffered(self) -> int:
        """How many bytes have arrived and wait to be read."""
        return len(self._buffer)

    # -- waiting for data -----------------------------------------------------------
    def _wait(self, what: str) -> Gen:
        """Wait for the next chunk; take every other chunk that has arrived too."""
        if self._waiting is not None:
            raise RuntimeError(
                f"{what}() called while another coroutine is already waiting for incoming "
                f"data on {self.key} (in {self._waiting}())"
            )
        self._waiting = what
        event = self._inbox.recv()
        try:
            chunk = yield event
        except BaseException:
            self._inbox.cancel(event)  # e.g. a timeout: the chunk stays in the stream
            raise
        finally:
            self._waiting = None
        self._take(chunk)
        # Everything else that has arrived by now (at this very instant too)
        # joins it; nothing follows an EOF.
        if not self._eof:
            for later in self._inbox.take_arrived():
                self._take(later)

    def _take(self, chunk: Any) -> None:
        if chunk is EOF:
            self._eof = True
        else:
            self._buffer += chunk

    # -- reads ------------------------------------------------------------------------
    def read(self, n: int = -1) -> StreamOp:
        """Up to ``n`` bytes (``n < 0``: everything until EOF); ``b""`` at EOF."""
        return StreamOp(self._read(n), f"{self.key}: read({n})")

    def _read(self, n: int) -> Gen:
        if n == 0:
            return b""
        if n < 0:
            while not self._eof:
                yield from self._wait("read")
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        if not self._buffer and not self._eof:
            yield from self._wait("read")
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def readexactly(self, n: int) -> StreamOp:
        """Exactly ``n`` bytes; ``IncompleteReadError`` if EOF comes first."""
        if n < 0:
            raise ValueError("readexactly size can not be less than zero")
        return StreamOp(self._readexactly(n), f"{self.key}: readexactly({n})")

    def _readexactly(self, n: int) -> Gen:
        while len(self._buffer) < n:
            if self._eof:
                partial = bytes(self._buffer)
                self._buffer.clear()
                raise IncompleteReadError(partial, n)
            yield from self._wait("readexactly")
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def readuntil(self, separator: bytes = b"\n") -> StreamOp:
        """Bytes up to and including ``separator`` (asyncio's errors on EOF and overrun)."""
        if not separator:
            raise ValueError("Separator should be at least one-byte string")
        return StreamOp(self._readuntil(bytes(separator), "readuntil"),
                        f"{self.key}: readuntil({separator!r})")

    def _readuntil(self, separator: bytes, what: str) -> Gen:
        # asyncio.StreamReader.readuntil, in simulated time.
        seplen = len(separator)
        offset = 0
        while True:
            buflen = len(self._buffer)
            if buflen - offset >= seplen:
                isep = self._buffer.find(separator, offset)
                if isep != -1:
                    break
                offset = buflen + 1 - seplen
                if offset > self._limit:
                    raise LimitOverrunError(
                        "Separator is not found, and chunk exceed the limit", offset
                    )
            if self._eof:
                chunk = bytes(self._buffer)
                self._buffer.clear()
                raise IncompleteReadError(chunk, None)
            yield from self._wait(what)
        if isep > self._limit:
            raise LimitOverrunError("Separator is found, but chunk is longer than limit", isep)
        chunk = bytes(self._buffer[: isep + seplen])
        del self._buffer[: isep + seplen]
        return chunk

    def readline(self) -> StreamOp:
        """One line, with its ``\\n``; at EOF the last partial line, then ``b""``."""
        return StreamOp(self._readline(), f"{self.key}: readline()")

    def _readline(self) -> Gen:
        sep = b"\n"
        try:
            return (yield from self._readuntil(sep, "readline"))
        except IncompleteReadError as exc:
            return exc.partial
        except LimitOverrunError as exc:
            if self._buffer.startswith(sep, exc.consumed):
                del self._buffer[: exc.consumed + len(sep)]
            else:
                self._buffer.clear()
            raise ValueError(exc.args[0]) from None

    def __aiter__(self) -> StreamReader:
        return self

    async def __anext__(self) -> bytes:
        line = await self.readline()
        if line == b"":
            raise StopAsyncIteration
        return line  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        state = " eof" if self._eof else ""
        size = len(self._buffer)
        return f"<StreamReader {self.key} at {self.node}, {size} bytes buffered{state}>"


class StreamWriter:
    """The writing end of a stream (``asyncio.StreamWriter``'s API).

    ``write(data)`` sends ``data`` at once (one chunk, arriving one link
    delay later); ``drain()`` and ``wait_closed()`` complete at once, since
    a simulated link has no send buffer to fill. ``close()`` (or
    ``write_eof()``) sends EOF: the peer's reads then end.
    """

    def __init__(
        self, network: ClassicalNetwork, node: str, peer: str, key: StreamKey,
        reader: StreamReader | None = None,
    ) -> None:
        self._network = network
        self.node = node
        self.peer = peer
        self.key = key
        self._reader = reader
        self._eof_sent = False
        self._closing = False
        #: Bytes written so far.
        self.bytes_sent = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Send ``data`` now; it arrives after the classical link's delay, in order."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            hint = (" (encode text first, e.g. writer.write(text.encode()), or use "
                    "netqsim.host.framing.send_line)") if isinstance(data, str) else ""
            raise TypeError(
                f"data argument must be a bytes-like object, not {type(data).__name__!r}{hint}"
            )
        if self._eof_sent:
            raise RuntimeError(f"cannot write to {self.key} after close() or write_eof()")
        if not data:
            return
        chunk = bytes(data)
        self._network.send(self.node, self.peer, self.key, chunk)
        self.bytes_sent += len(chunk)

    def writelines(self, data: Iterable[bytes]) -> None:
        """Send the concatenation of ``data`` as one chunk."""
        self.write(b"".join(data))

    def drain(self) -> Ready:
        """Completes at once: no flow control in a simulated stream."""
        return Ready()

    def can_write_eof(self) -> bool:
        return True

    def write_eof(self) -> None:
        """Send EOF: the peer's reads end once they reach it. No writes after this."""
        if not self._eof_sent:
            self._eof_sent = True
            self._network.send(self.node, self.peer, self.key, EOF)

    def close(self) -> None:
        """Send EOF (if not sent yet) and mark the writer closing."""
        self.write_eof()
        self._closing = True

    def is_closing(self) -> bool:
        return self._closing

    def wait_closed(self) -> Ready:
        """Completes at once (EOF is on its way; there is no acknowledgement)."""
        return Ready()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        """``peername`` (the peer node), ``sockname`` (this node) or ``stream`` (its key)."""
        return {"peername": self.peer, "sockname": self.node, "stream": self.key}.get(
            name, default
        )

    def __repr__(self) -> str:
        state = " closing" if self._closing else ""
        return f"<StreamWriter {self.key} at {self.node}{state}>"


class StreamPorts:
    """A node's streams: opens them, accepts them, and numbers them per peer.

    One per host, so that stream numbers keep counting across program
    iterations and a stream never receives a previous iteration's bytes.
    """

    def __init__(self, network: ClassicalNetwork, node: str) -> None:
        self._network = network
        self.node = node
        self._opened: Counter[str] = Counter()

    def _check_peer(self, peer: str) -> None:
        if peer == self.node:
            raise ValueError(f"node {self.node!r} cannot open a stream to itself")
        self._network.delay(self.node, peer)  # NoClassicalLink with a clear message

    def open(self, peer: str) -> tuple[StreamReader, StreamWriter]:
        """Open the next stream to ``peer`` (sends the connection request)."""
        self._check_peer(peer)
        key = StreamKey(self.node, peer, self._opened[peer])
        self._opened[peer] += 1
        self._network.send(self.node, peer, CONNECT_KEY, key)
        return self._pair(peer, key)

    def accept(self, peer: str) -> StreamOp:
        """Wait for ``peer``'s next ``open`` towards this node; the stream pair."""
        self._check_peer(peer)
        return StreamOp(self._accept(peer), f"accept_stream({peer!r}) on {self.node}")

    def _accept(self, peer: str) -> Gen:
        inbox = self._network.mailbox(self.node, peer, CONNECT_KEY)
        event = inbox.recv()
        try:
            key = yield event
        except BaseException:
            inbox.cancel(event)
            raise
        return self._pair(peer, key)

    def _pair(self, peer: str, key: StreamKey) -> tuple[StreamReader, StreamWriter]:
        inbox = self._network.mailbox(self.node, peer, key)
        reader = StreamReader(inbox, self.node, peer, key, self._network.sim)
        return reader, StreamWriter(self._network, self.node, peer, key, reader)
