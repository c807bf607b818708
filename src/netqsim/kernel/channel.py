"""A delayed, order-preserving message channel between processes."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from netqsim.kernel.events import PENDING, Event

if TYPE_CHECKING:
    from netqsim.kernel.simulator import Simulator

DelayModel = Callable[[Any], float]


class Receive(Event):
    """The event of one :meth:`Channel.recv`: fires with the next message."""

    __slots__ = ("arrival", "channel")

    def __init__(self, channel: Channel) -> None:
        super().__init__(channel.sim)
        self.channel = channel
        self.arrival = 0.0

    def describe(self) -> str:
        return f"recv() on channel {self.channel.name!r}"


class Channel:
    """A one-way link that delivers messages after a delay, in sending order.

    ``send(msg)`` delivers ``msg`` ``delay`` ns later; ``delay`` is a number
    or a function of the message (e.g. one that draws jitter from a random
    stream). Messages never overtake each other: a message that would arrive
    before the previous one arrives together with it, right after it.
    ``recv()`` returns an event that fires with the next message, in order;
    messages wait in the channel until someone receives them.

    >>> from netqsim.kernel import Simulator
    >>> sim = Simulator(seed=0)
    >>> link = Channel(sim, delay=10.0, name="A->B")
    >>> def bob():
    ...     msg = yield link.recv()
    ...     return (sim.now, msg)
    >>> link.send("hi")
    >>> proc = sim.process(bob())
    >>> sim.run()
    >>> proc.value
    (10.0, 'hi')
    """

    def __init__(
        self, sim: Simulator, delay: float | DelayModel = 0.0, name: str = "channel"
    ) -> None:
        if not callable(delay) and not float(delay) >= 0:
            raise ValueError(f"channel {name!r}: delay must be >= 0 ns, got {delay!r}")
        self.sim = sim
        self.name = name
        self._delay = delay
        self._last_arrival = 0.0
        # Messages that were sent while no receiver waited, oldest first: each
        # is a triggered event that fires (or fired) at its arrival time.
        self._messages: deque[Event] = deque()
        # Receivers waiting while no message was on its way, oldest first.
        self._receivers: deque[Receive] = deque()

    def send(self, msg: Any, delay: float | None = None) -> None:
        """Send ``msg``; it arrives after the delay, and after earlier messages.

        ``delay`` overrides the channel's delay model for this message.
        """
        sim = self.sim
        if delay is None:
            delay = self._delay(msg) if callable(self._delay) else self._delay
        if not delay >= 0:
            raise ValueError(f"channel {self.name!r}: delay model returned {delay!r} ns")
        arrival = sim._now + delay
        if arrival < self._last_arrival:
            arrival = self._last_arrival
        self._last_arrival = arrival
        if self._receivers:
            event: Event = self._receivers.popleft()
        else:
            event = Receive(self)
            self._messages.append(event)
        event._value = msg
        event.arrival = arrival  # type: ignore[attr-defined]
        sim._schedule(event, arrival - sim._now)

    def recv(self) -> Receive:
        """An event that fires with the next message (at once if one has arrived)."""
        if self._messages:
            return self._messages.popleft()  # type: ignore[return-value]
        receiver = Receive(self)
        self._receivers.append(receiver)
        return receiver

    def cancel(self, receiver: Receive) -> None:
        """Withdraw a ``recv()`` whose message will not be consumed.

        Call this when a receive was abandoned (e.g. it lost a race against a
        timeout): a waiting receiver is withdrawn, and a message already
        assigned to it goes back to the head of the channel, so nothing is lost.
        """
        if receiver._value is PENDING:
            self._receivers.remove(receiver)
            return
        returned = Receive(self)
        returned._value = receiver._value
        if receiver.callbacks is None:
            returned.callbacks = None  # already arrived: available at once
        else:
            receiver.callbacks = []  # keep the old event inert when it fires
            returned.arrival = receiver.arrival
            self.sim._schedule(returned, receiver.arrival - self.sim._now)
        self._messages.appendleft(returned)

    def take_arrived(self) -> list[Any]:
        """Remove and return, in order, the messages that have arrived by now.

        For readers that gather everything available at once (a stream read
        merges the chunks that arrived at the same instant).
        """
        taken = []
        now = self.sim.now
        messages = self._messages
        while messages and (messages[0].callbacks is None or messages[0].arrival <= now):  # type: ignore[attr-defined]
            taken.append(messages.popleft()._value)
        return taken

    @property
    def in_transit(self) -> int:
        """How many sent messages have not been received yet."""
        return len(self._messages)

    def __repr__(self) -> str:
        return f"<Channel {self.name!r} {len(self._messages)} unreceived>"
