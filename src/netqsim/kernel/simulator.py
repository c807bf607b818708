"""The simulator: simulated clock, event queue, run loop and random streams."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from netqsim.kernel.errors import DeadlockError, ProcessError, SimulationError, describe
from netqsim.kernel.events import PENDING, AllOf, AnyOf, Event, Timeout
from netqsim.kernel.process import Process, ProcessBody
from netqsim.kernel.queue import EventQueue

_new = object.__new__
# CPython's reference count; elsewhere (no getrefcount) timeouts are never reused.
refcount = getattr(sys, "getrefcount", lambda obj: 0)


class _StopRun(Exception):
    """Raised by the stop sentinel's callback to leave the run loop."""


def _raise_stop(_event: Event) -> None:
    raise _StopRun


class Simulator:
    """A discrete-event simulation: a clock in nanoseconds and a queue of events.

    Events scheduled for the same time are processed in the order they were
    scheduled (first in, first out); interrupts and :meth:`stop` go before
    everything else scheduled for that time, in the order they were made
    (see :mod:`netqsim.kernel.queue`). The order therefore depends only
    on the program, never on object ids or the wall clock.

    Randomness comes from one seed: :attr:`rng` is the simulation's root
    generator and :meth:`rng_stream` gives each component its own independent
    generator, derived from the seed and the component's name, so adding a
    component does not change the numbers another one draws.

    >>> sim = Simulator(seed=42)
    >>> def clock(name, period):
    ...     for _ in range(3):
    ...         yield sim.timeout(period)
    ...         print(f"{sim.now:g} {name}")
    >>> _ = sim.process(clock("fast", 2.0))
    >>> _ = sim.process(clock("slow", 3.0))
    >>> sim.run()
    2 fast
    3 slow
    4 fast
    6 slow
    6 fast
    9 slow
    """

    __slots__ = (
        "__weakref__",
        "_now",
        "_processes",
        "_push",
        "_queue",
        "_spare",
        "_stall_reporters",
        "_stream_names",
        "rng",
        "seed",
    )

    def __init__(self, seed: int | None = None) -> None:
        self._now = 0.0
        self._queue = EventQueue()
        self._push = self._queue.push  # bound once: the hottest call of all
        self._processes: dict[Process, None] = {}  # alive processes, in creation order
        self._stream_names: set[str] = set()
        self._stall_reporters: list[Callable[[], list[str]]] = []
        # Processed timeouts that nothing refers to any more, ready for reuse.
        self._spare: list[Timeout] = []
        if seed is None:
            seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer or None, got {seed!r}")
        #: The seed this simulation was created with (drawn at random if none was given).
        self.seed = int(seed)
        #: The simulation's root random generator.
        self.rng = np.random.default_rng(np.random.SeedSequence(self.seed))

    # -- time and randomness --------------------------------------------------
    @property
    def now(self) -> float:
        """The current simulated time in nanoseconds."""
        return self._now

    @property
    def active_process(self) -> Process | None:
        """The process whose code is running right now, if any.

        At most one process body runs at a time; this finds it by asking each
        alive process's generator or coroutine whether it is running (so the
        run loop does no bookkeeping for it). Costs a pass over the processes.
        """
        for proc in self._processes:
            if proc.running:
                return proc
        return None

    def rng_stream(self, name: str) -> np.random.Generator:
        """An independent random generator for the component called ``name``.

        The stream depends only on the seed and the name. Each name may be
        used once per simulation, so that two components never share numbers.
        """
        if name in self._stream_names:
            raise ValueError(f"random stream {name!r} was already handed out in this simulation")
        self._stream_names.add(name)
        key = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=(key,)))

    # -- creating events and processes -------------------------------------------
    def event(self, name: str | None = None) -> Event:
        """A new pending event, to be triggered with ``succeed`` or ``fail``."""
        return Event(self, name)

    def timeout(self, delay: float, value: Any = None) -> Timeout:
        """An event that fires ``delay`` ns from now with ``value``."""
        # The hottest path of every simulation: build the event in place
        # rather than through Event.__init__.
        if not delay >= 0:  # also rejects NaN
            raise ValueError(f"timeout delay must be a non-negative number of ns, got {delay!r}")
        spare = self._spare
        if spare:
            event = spare.pop()  # a processed timeout nobody refers to: sim and _ok are set
        else:
            event = _new(Timeout)
            event.sim = self
            event._ok = True
        event.callbacks = []
        event._value = value
        self._push(self._now + delay, event)
        return event

    def process(
        self, body: ProcessBody, name: str | None = None, daemon: bool = False
    ) -> Process:
        """Start a generator or coroutine as a process at the current time."""
        return Process(self, body, name, daemon)

    def any_of(self, events: Iterable[Event]) -> AnyOf:
        """An event that fires when the first of ``events`` fires."""
        return AnyOf(self, events)

    def all_of(self, events: Iterable[Event]) -> AllOf:
        """An event that fires when all of ``events`` have fired."""
        return AllOf(self, events)

    def _schedule(self, event: Event, delay: float, urgent: bool = False) -> None:
        if urgent:
            self._queue.push_urgent(self._now + delay, event)
        else:
            self._push(self._now + delay, event)

    def schedule(self, event: Event, delay: float = 0.0) -> None:
        """Put an already triggered event in the queue ``delay`` ns from now.

        Used by primitives that decide an event's outcome in advance (a
        message that arrives later, a gate that finishes later).
        """
        if event._value is PENDING:
            raise RuntimeError(f"{event.describe()} must be triggered before it is scheduled")
        if not delay >= 0:
            raise ValueError(f"delay must be a non-negative number of ns, got {delay!r}")
        self._schedule(event, delay)

    def unschedule(self, event: Event) -> bool:
        """Take a scheduled, not yet processed event out of the queue.

        For timers nobody needs any more (a race that was already decided), so
        that they neither fire nor move the clock at the end of a run. Returns
        False if the event is not in the queue (e.g. it has fired already).
        Costs a pass over the queue.
        """
        if self._queue.remove(event):
            event.callbacks = []
            return True
        return False

    # -- running ---------------------------------------------------------------
    def peek(self) -> float:
        """The time of the next scheduled event (``inf`` if there is none)."""
        return self._queue.peek()

    def stop(self) -> None:
        """End the current :meth:`run` after the event being processed now."""
        sentinel = Event(self, "stop")
        sentinel._value = None
        sentinel.callbacks.append(_raise_stop)  # type: ignore[union-attr]
        self._schedule(sentinel, 0.0, urgent=True)

    def run(self, until: float | Event | None = None) -> Any:
        """Process events in time order.

        * ``until=None``: until no events are left. If processes (other than
          daemons) still wait then, raise :class:`DeadlockError` listing each
          one and what it waits on.
        * ``until=t`` (ns): until the clock reaches ``t``; events scheduled at
          exactly ``t`` are left for a later run. ``now`` is ``t`` afterwards.
        * ``until=event``: until that event is processed; returns its value
          (raises its exception if it failed). If the queue runs empty first,
          raise :class:`DeadlockError`.

        :meth:`stop` ends any of these early. ``KeyboardInterrupt``,
        ``SystemExit`` and ``GeneratorExit`` raised in a process (or in the run
        loop) leave ``run`` as they are, never wrapped in a
        :class:`ProcessError`; the process that raised one has ended, the
        clock stays at the time of the event being processed, and ``run`` can
        be called again for the rest.
        """
        if until is None:
            self._loop()
            self._check_deadlock()
            return None
        if isinstance(until, Event):
            if until.sim is not self:
                raise ValueError("run(until=event) needs an event of this simulator")
            if until.callbacks is not None:
                # Stop once every callback of ``until`` has run, not in the middle of them.
                until.callbacks.append(self._stop_after)
                try:
                    self._loop()
                finally:
                    # Also when KeyboardInterrupt & co. pass through (see
                    # Process): a later run must not stop at ``until``.
                    if until.callbacks is not None:
                        until.callbacks.remove(self._stop_after)
                if until.callbacks is not None:
                    if self._queue:  # stop() ended the run before ``until`` fired
                        return None
                    self._check_deadlock(f" before {describe(until)} fired", always=True)
            if not until._ok:
                until._defused = True
                raise until._value
            return until._value
        at = float(until)
        if not at >= self._now:
            raise ValueError(f"run(until={until!r}) lies in the past (now is {self._now:g} ns)")
        if at == self._now:
            # Everything still queued is at ``at`` or later, so nothing runs; an
            # urgent entry already queued for now would otherwise beat the sentinel.
            return None
        sentinel = Event(self, "until")
        sentinel._value = None
        sentinel.callbacks.append(_raise_stop)  # type: ignore[union-attr]
        self._queue.push_urgent(at, sentinel)
        try:
            self._loop()
        finally:
            if sentinel.callbacks is not None:
                # Stopped early (by stop(), or an exception passing through):
                # disarm the sentinel so that it cannot end a later run.
                sentinel.callbacks = []
            else:
                self._now = at
        return None

    def _stop_after(self, event: Event) -> None:
        event._defused = True  # run() hands its outcome to the caller
        self.stop()

    def _loop(self) -> None:
        queue = self._queue
        pop = queue.pop
        process_type = Process
        timeout_type = Timeout
        spare = self._spare
        try:
            while True:
                try:
                    self._now, _, event = pop()
                except IndexError:
                    break  # the queue is empty
                callbacks = event.callbacks
                event.callbacks = None
                try:
                    # The common case: exactly one callback. (Unpacking a list
                    # is cheaper than len() and indexing; other cases are rare.)
                    (callback,) = callbacks  # type: ignore[misc]
                except ValueError:
                    for callback in callbacks:  # type: ignore[union-attr]
                        callback(event)
                    if not event._ok and not event._defused:
                        self._unhandled(event)
                    continue
                if callback.__class__ is process_type and event._ok:
                    # One process waits on a successful event: resume it inline.
                    try:
                        target = callback._send(event._value)
                    except BaseException as exc:
                        callback._exit(exc)
                        continue
                    try:
                        waiting = target.callbacks
                    except AttributeError:
                        callback._resume(callback._not_an_event(target))
                        continue
                    if waiting is None:
                        callback._resume(target)  # already processed: go on at once
                    else:
                        waiting.append(callback)
                        callback._target = target
                    if event.__class__ is timeout_type and refcount(event) == 2:
                        # Only this loop still refers to the timeout: nobody
                        # can observe it again, so it can be reused as new.
                        spare.append(event)
                    continue
                callback(event)
                if not event._ok and not event._defused:
                    self._unhandled(event)
        except _StopRun:
            pass

    def _unhandled(self, event: Event) -> None:
        exc = event._value
        if isinstance(event, Process):
            raise ProcessError(event, self._now, exc) from exc
        raise SimulationError(
            f"{describe(event)} failed at t={self._now:g} ns and nothing waited on it: "
            f"{type(exc).__name__}: {exc}"
        ) from exc

    def add_stall_reporter(self, reporter: Callable[[], list[str]]) -> None:
        """Register a function that describes unfinished work for deadlock reports.

        When a run stalls, each reporter's lines (e.g. "request 3 waits for
        the peer's receive") are added to the :class:`DeadlockError`.
        """
        self._stall_reporters.append(reporter)

    def _check_deadlock(self, reason: str = "", always: bool = False) -> None:
        waiting = [(proc, proc.target) for proc in self._processes if not proc.daemon]
        if waiting or always:
            pending = [line for reporter in self._stall_reporters for line in reporter()]
            raise DeadlockError(self._now, waiting, reason, pending)

    def __repr__(self) -> str:
        return (
            f"<Simulator t={self._now:g} ns, {len(self._queue)} scheduled, "
            f"{len(self._processes)} processes alive>"
        )
