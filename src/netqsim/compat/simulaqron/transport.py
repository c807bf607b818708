"""The sockets of a simulated asyncio loop: connections and listening servers over netqsim streams.

A :class:`SimulatedTransport` is one end of a connection between two scripts:
what the script writes goes out at once over netqsim's classical stream
(:class:`~netqsim.host.streams.StreamWriter`, arriving one link delay later,
in order); what arrives is handed to the asyncio protocol (``data_received``,
``eof_received``) by the loop. A :class:`SimulatedServer` is a script's
listening application socket: it accepts the connection requests other
nodes' scripts send to this node. Both read through :class:`Source` objects
that the loop waits on (:mod:`netqsim.compat.simulaqron.loop`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netqsim.host.streams import CONNECT_KEY, EOF, StreamKey, StreamWriter
from netqsim.kernel import Channel

if TYPE_CHECKING:
    from netqsim.compat.simulaqron.loop import SimulatedLoop

__all__ = ["SimulatedServer", "SimulatedTransport", "Source"]


class Source:
    """A channel the loop reads from: a connection's bytes or a server's connection requests."""

    __slots__ = ("channel", "deliver", "paused", "what")

    def __init__(self, channel: Channel, deliver: Callable[[Any], None], what: str) -> None:
        self.channel = channel
        self.deliver = deliver
        self.what = what
        self.paused = False


class SimulatedTransport(asyncio.Transport):
    """One end of a connection between two scripts, over a netqsim classical stream."""

    def __init__(self, loop: SimulatedLoop, writer: StreamWriter) -> None:
        run = loop.script.run
        super().__init__(extra={
            "peername": run.address_of(writer.peer),
            "sockname": run.address_of(writer.node),
            "peer_node": writer.peer,
            "stream": writer.key,
        })
        self._loop = loop
        self._writer = writer
        self._protocol: Any = None
        self._closing = False
        self.eof_received = False
        inbox = run.network.classical.mailbox(writer.node, writer.peer, writer.key)
        self._source = Source(inbox, self._receive, f"bytes from {writer.peer} on {writer.key}")
        loop.add_source(self._source)
        loop.transports.append(self)

    def set_protocol(self, protocol: Any) -> None:
        self._protocol = protocol

    def get_protocol(self) -> Any:
        return self._protocol

    def _receive(self, message: Any) -> None:
        if message is EOF:
            self.eof_received = True
            self._loop.remove_source(self._source)
            if not self._protocol.eof_received():
                self.close()
        elif not self._closing:
            self._protocol.data_received(message)

    def write(self, data: Any) -> None:
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data argument must be a bytes-like object, not "
                            f"{type(data).__name__!r}")
        if self._closing:  # asyncio drops writes to a closed transport
            return
        self._writer.write(data)

    def writelines(self, list_of_data: Any) -> None:
        self.write(b"".join(list_of_data))

    def write_eof(self) -> None:
        self._writer.write_eof()

    def can_write_eof(self) -> bool:
        return True

    def is_closing(self) -> bool:
        return self._closing

    def close(self) -> None:
        """Send EOF, stop reading, and tell the protocol the connection is lost."""
        if self._closing:
            return
        self._shut()
        self._loop.call_soon(self._protocol.connection_lost, None)

    def _shut(self) -> None:
        self._closing = True
        self._loop.remove_source(self._source)
        self._writer.write_eof()
        if self in self._loop.transports:
            self._loop.transports.remove(self)

    def abort(self) -> None:
        self.close()

    def pause_reading(self) -> None:
        self._source.paused = True

    def resume_reading(self) -> None:
        self._source.paused = False

    def is_reading(self) -> bool:
        return not self._source.paused and not self._closing

    def get_write_buffer_size(self) -> int:
        return 0  # written bytes leave at once

    def get_write_buffer_limits(self) -> tuple[int, int]:
        return (0, 0)

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass  # no send buffer to limit


class SimulatedServer(asyncio.AbstractServer):
    """A script's listening application socket: accepts connections from other nodes."""

    def __init__(self, loop: SimulatedLoop, protocol_factory: Callable[[], Any],
                 address: tuple[str, int]) -> None:
        self._loop = loop
        self._factory = protocol_factory
        self.address = address
        script = loop.script
        classical = script.run.network.classical
        self._sources = [
            Source(classical.mailbox(script.name, peer, CONNECT_KEY), self._accept,
                    f"a client to connect to {address[0]}:{address[1]}")
            for peer in script.run.network.nodes
            if peer != script.name and classical.has_link(script.name, peer)
        ]
        self._serving = False
        self._forever: asyncio.Future[None] | None = None
        loop.servers.append(self)

    def _listen(self) -> None:
        if not self._serving:
            self._serving = True
            for source in self._sources:
                self._loop.add_source(source)

    def _stop_listening(self) -> None:
        self._serving = False
        for source in self._sources:
            self._loop.remove_source(source)
        if self in self._loop.servers:
            self._loop.servers.remove(self)

    def _accept(self, key: StreamKey) -> None:
        loop = self._loop
        writer = StreamWriter(loop.script.run.network.classical, key.acceptor, key.opener, key)
        transport = SimulatedTransport(loop, writer)
        protocol = self._factory()
        transport.set_protocol(protocol)
        loop.accepting = True  # tasks started now are this connection's handler
        try:
            protocol.connection_made(transport)
        finally:
            loop.accepting = False

    # -- asyncio.AbstractServer --------------------------------------------------------
    def close(self) -> None:
        self._stop_listening()
        if self._forever is not None and not self._forever.done():
            self._forever.cancel()

    def get_loop(self) -> asyncio.AbstractEventLoop:
        return self._loop

    def is_serving(self) -> bool:
        return self._serving

    @property
    def sockets(self) -> tuple[Any, ...]:
        return ()

    async def start_serving(self) -> None:
        self._listen()

    async def serve_forever(self) -> None:
        if self._forever is not None:
            raise RuntimeError(f"server {self!r} is already being awaited on serve_forever()")
        self._listen()
        self._forever = self._loop.create_future()
        try:
            await self._forever
        finally:
            self.close()
            self._forever = None

    async def wait_closed(self) -> None:
        return None

    async def __aenter__(self) -> SimulatedServer:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SimulatedServer {self.address[0]}:{self.address[1]} of {self._loop.script.name}>"
