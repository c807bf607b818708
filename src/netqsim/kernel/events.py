"""Events: the things processes wait for.

An event goes through three states:

* *pending* -- created, nothing decided yet;
* *triggered* -- it has a value (``succeed``) or an exception (``fail``) and
  sits in the simulator's queue;
* *processed* -- the simulator took it from the queue and ran its callbacks,
  which resumes every process waiting on it.

Processes wait with ``yield event`` (generator processes) or ``await event``
(``async def`` processes); ``value = yield from event`` works too. Events
compose: ``a | b`` fires when the first of them fires, ``a & b`` when all have;
the value of a composite is a :class:`ConditionValue` that tells which events
fired and with what values.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from netqsim.kernel.errors import describe

if TYPE_CHECKING:
    from netqsim.kernel.simulator import Simulator


class _Pending:
    """Sentinel value of an event that has not been triggered yet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "PENDING"


PENDING: Any = _Pending()

Callback = Callable[["Event"], None]


class Event:
    """Something that happens at one point in simulated time.

    Fires (is *processed*) when the simulator reaches it in its queue, after
    :meth:`succeed` or :meth:`fail` scheduled it. Every callback registered in
    ``callbacks`` then runs once; processes waiting on the event resume with
    its value, or with its exception raised at their ``yield``/``await``.

    >>> from netqsim.kernel import Simulator
    >>> sim = Simulator(seed=1)
    >>> done = sim.event("done")
    >>> def waiter():
    ...     value = yield done
    ...     return (sim.now, value)
    >>> def setter():
    ...     yield sim.timeout(5.0)
    ...     done.succeed("hello")
    >>> proc = sim.process(waiter())
    >>> _ = sim.process(setter())
    >>> sim.run()
    >>> proc.value
    (5.0, 'hello')
    """

    __slots__ = ("_defused", "_ok", "_value", "callbacks", "name", "sim")

    def __init__(self, sim: Simulator, name: str | None = None) -> None:
        self.sim = sim
        #: Functions called with this event when it is processed; ``None`` once processed.
        self.callbacks: list[Callback] | None = []
        self._value: Any = PENDING
        self._ok = True
        self._defused = False
        self.name = name

    # -- state -------------------------------------------------------------
    @property
    def triggered(self) -> bool:
        """True once the event has a value or an exception."""
        return self._value is not PENDING

    @property
    def processed(self) -> bool:
        """True once the simulator has run the event's callbacks."""
        return self.callbacks is None

    @property
    def ok(self) -> bool:
        """True if the event succeeded (only meaningful once triggered)."""
        return self._ok

    @property
    def value(self) -> Any:
        """The value the event succeeded with, or the exception it failed with."""
        if self._value is PENDING:
            raise AttributeError(f"{self.describe()} has no value yet: it has not been triggered")
        return self._value

    @property
    def defused(self) -> bool:
        """True if a failure of this event has been handled by someone."""
        return self._defused

    @defused.setter
    def defused(self, value: bool) -> None:
        self._defused = value

    # -- triggering ----------------------------------------------------------
    def succeed(self, value: Any = None) -> Event:
        """Trigger the event with ``value``; waiters resume at the current time."""
        if self._value is not PENDING:
            raise RuntimeError(f"{self.describe()} has already been triggered")
        self._ok = True
        self._value = value
        self.sim._schedule(self, 0.0)
        return self

    def fail(self, exception: BaseException) -> Event:
        """Trigger the event with an exception, raised in every waiting process."""
        if self._value is not PENDING:
            raise RuntimeError(f"{self.describe()} has already been triggered")
        if not isinstance(exception, BaseException):
            raise TypeError(f"fail() needs an exception instance, got {exception!r}")
        self._ok = False
        self._value = exception
        self.sim._schedule(self, 0.0)
        return self

    # -- waiting ------------------------------------------------------------
    def __await__(self) -> Generator[Event, Any, Any]:
        return (yield self)

    # ``value = yield from event`` in generator processes, same as ``await event``.
    __iter__ = __await__

    def __or__(self, other: Event) -> Condition:
        return AnyOf(self.sim, _operands(AnyOf, self) + _operands(AnyOf, other))

    def __and__(self, other: Event) -> Condition:
        return AllOf(self.sim, _operands(AllOf, self) + _operands(AllOf, other))

    # -- description ----------------------------------------------------------
    def describe(self) -> str:
        """A one-line description used in deadlock reports and errors."""
        label = f"event {self.name!r}" if self.name else "an unnamed event"
        return label

    def __repr__(self) -> str:
        state = (
            "processed" if self.callbacks is None
            else "pending" if self._value is PENDING
            else "triggered"
        )
        name = getattr(self, "name", None)  # timeouts are built without one
        label = f" {name!r}" if name else ""
        return f"<{type(self).__name__}{label} {state}>"


class Timeout(Event):
    """An event that fires ``delay`` ns after its creation, with ``value``.

    Create it with :meth:`Simulator.timeout` (``Timeout(sim, delay)`` is the
    same thing); it is scheduled at once, whether or not anyone waits on it.
    """

    __slots__ = ()

    def __new__(cls, sim: Simulator, delay: float, value: Any = None) -> Timeout:
        return sim.timeout(delay, value)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass  # built completely by Simulator.timeout

    def describe(self) -> str:
        return "a timeout"


class ConditionValue:
    """The value of a composite event: which events fired, and their values.

    Behaves like a read-only mapping from event to value, in the order the
    events fired. ``ev in result`` tells whether ``ev`` fired; ``result.first``
    is the event that fired first.
    """

    __slots__ = ("_values",)

    def __init__(self, pairs: Iterable[tuple[Event, Any]] = ()) -> None:
        self._values: dict[Event, Any] = dict(pairs)

    def __contains__(self, event: object) -> bool:
        return event in self._values

    def __getitem__(self, event: Event) -> Any:
        return self._values[event]

    def __iter__(self) -> Iterator[Event]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ConditionValue):
            return self._values == other._values
        if isinstance(other, dict):
            return self._values == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def first(self) -> Event:
        """The event that fired first."""
        return next(iter(self._values))

    def events(self) -> list[Event]:
        """The events that fired, in firing order."""
        return list(self._values)

    def values(self) -> list[Any]:
        """Their values, in firing order."""
        return list(self._values.values())

    def items(self) -> list[tuple[Event, Any]]:
        """``(event, value)`` pairs, in firing order."""
        return list(self._values.items())

    def todict(self) -> dict[Event, Any]:
        """A plain dict copy."""
        return dict(self._values)

    def __repr__(self) -> str:
        inner = ", ".join(f"{describe(e)}: {v!r}" for e, v in self._values.items())
        return f"<ConditionValue {{{inner}}}>"


class Condition(Event):
    """A composite event over ``events`` that fires when ``evaluate`` says so.

    ``evaluate(events, count)`` gets the child events and how many of them
    have fired. If any child fails before the condition fires, the condition
    fails with that child's exception.
    """

    __slots__ = ("_count", "_evaluate", "_events", "_fired")

    def __init__(
        self,
        sim: Simulator,
        evaluate: Callable[[tuple[Event, ...], int], bool],
        events: Iterable[Event],
    ) -> None:
        super().__init__(sim)
        self._events = tuple(events)
        self._evaluate = evaluate
        self._count = 0
        self._fired: list[tuple[Event, Any]] = []
        for ev in self._events:
            if not isinstance(ev, Event):
                raise TypeError(f"conditions combine events, got {ev!r}")
            if ev.sim is not sim:
                raise ValueError("cannot combine events of different simulators")
        if not self._events or evaluate(self._events, 0):
            self.succeed(ConditionValue())
            return
        for ev in self._events:
            if ev.callbacks is None:
                self._check(ev)
            else:
                ev.callbacks.append(self._check)

    def _check(self, event: Event) -> None:
        if self._value is not PENDING:
            return
        if not event._ok:
            event._defused = True
            self.fail(event._value)
            return
        self._count += 1
        if isinstance(event, Condition):
            self._fired.extend(event._value.items())
        else:
            self._fired.append((event, event._value))
        if self._evaluate(self._events, self._count):
            self.succeed(ConditionValue(self._fired))

    def describe(self) -> str:
        joiner = " | " if isinstance(self, AnyOf) else " & "
        return "(" + joiner.join(describe(e) for e in self._events) + ")"


def _operands(kind: type, event: Event) -> tuple[Event, ...]:
    """``a & b & c`` is one AllOf over three events, not a nest, so that its
    value lists the events in the order they really fired."""
    if type(event) is kind and event._value is PENDING:
        return event._events  # type: ignore[attr-defined, no-any-return]
    return (event,)


def _any(events: tuple[Event, ...], count: int) -> bool:
    return count > 0 or not events


def _all(events: tuple[Event, ...], count: int) -> bool:
    return count == len(events)


class AnyOf(Condition):
    """Fires as soon as one of ``events`` fires (``a | b``)."""

    __slots__ = ()

    def __init__(self, sim: Simulator, events: Iterable[Event]) -> None:
        super().__init__(sim, _any, events)


class AllOf(Condition):
    """Fires once every one of ``events`` has fired (``a & b``)."""

    __slots__ = ()

    def __init__(self, sim: Simulator, events: Iterable[Event]) -> None:
        super().__init__(sim, _all, events)
