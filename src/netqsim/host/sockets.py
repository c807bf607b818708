"""Classical sockets between programs on different nodes (SquidASM's csockets)."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from netqasm.sdk.classical_communication.message import StructuredMessage

from netqsim.kernel import Event
from netqsim.network.classical import ClassicalNetwork


class Received:
    """A pending receive: ``yield from`` it (generator programs) or ``await`` it.

    The value is the received message, converted (``recv_int`` gives an int).
    """

    __slots__ = ("_convert", "_event")

    def __init__(self, event: Event, convert: Callable[[Any], Any] | None = None) -> None:
        self._event = event
        self._convert = convert

    def __await__(self) -> Generator[Event, Any, Any]:
        try:
            value = yield self._event
        except BaseException:
            # Abandoned (e.g. cancelled by netqsim.timeout): withdraw the receive so
            # that its message stays in the socket for the next recv().
            channel = getattr(self._event, "channel", None)
            if channel is not None and not self._event.processed:
                channel.cancel(self._event)
            raise
        return self._convert(value) if self._convert is not None else value

    __iter__ = __await__

    @property
    def event(self) -> Event:
        """The kernel event that fires when the message arrives."""
        return self._event


class Socket:
    """A classical socket from this node's program (``app``) to one remote node's program.

    ``app`` and ``remote_app`` name the two programs (``None``: the node's only
    one); messages go only to the socket with the same socket id and the two
    names swapped.

    Messages arrive after the classical link's delay, in the order they were
    sent. ``msg = yield from socket.recv()`` in generator programs,
    ``msg = await socket.recv()`` in ``async def`` programs.
    """

    def __init__(
        self, network: ClassicalNetwork, node: str, remote: str, socket_id: int = 0,
        app: str | None = None, remote_app: str | None = None,
    ) -> None:
        if not network.has_link(node, remote):
            network.delay(node, remote)  # raises NoClassicalLink with a clear message
        self._network = network
        self._node = node
        self._remote = remote
        # As netqasm's sockets: keyed by both applications and the socket id, so
        # two programs on one node talking to the same peer never share messages.
        self._key = ("csocket", socket_id, app, remote_app)
        self._inbox = network.mailbox(node, remote, ("csocket", socket_id, remote_app, app))

    @property
    def remote_name(self) -> str:
        """The node at the other end."""
        return self._remote

    def send(self, msg: str) -> None:
        """Send a string."""
        if not isinstance(msg, str):
            raise TypeError(
                f"Socket.send takes a str, got {type(msg).__name__}; use send_int, "
                "send_float or send_structured for other values"
            )
        self._network.send(self._node, self._remote, self._key, msg)

    def recv(self) -> Received:
        """The next string from the remote node."""
        return Received(self._inbox.recv())

    def send_int(self, value: int) -> None:
        """Send an integer."""
        self.send(str(int(value)))

    def recv_int(self) -> Received:
        """The next message, as an integer."""
        return Received(self._inbox.recv(), int)

    def send_float(self, value: float) -> None:
        """Send a float."""
        self.send(repr(float(value)))

    def recv_float(self) -> Received:
        """The next message, as a float."""
        return Received(self._inbox.recv(), float)

    def send_structured(self, msg: StructuredMessage) -> None:
        """Send a ``StructuredMessage`` (header and payload) as it is."""
        if not isinstance(msg, StructuredMessage):
            raise TypeError(f"send_structured takes a StructuredMessage, got {msg!r}")
        self._network.send(self._node, self._remote, self._key, msg)

    def recv_structured(self) -> Received:
        """The next ``StructuredMessage``."""
        return Received(self._inbox.recv())

    def __repr__(self) -> str:
        return f"<Socket {self._node} -> {self._remote}>"
