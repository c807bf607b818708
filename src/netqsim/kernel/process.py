"""Processes: generator functions or coroutines that run in simulated time."""

from __future__ import annotations

from asyncio import CancelledError
from collections.abc import Coroutine, Generator
from typing import TYPE_CHECKING, Any

from netqsim.kernel.errors import Interrupt, describe
from netqsim.kernel.events import PENDING, Event

if TYPE_CHECKING:
    from netqsim.kernel.simulator import Simulator

ProcessBody = Generator[Any, Any, Any] | Coroutine[Any, Any, Any]

_ASYNCIO_HINT = (
    "asyncio primitives (asyncio.sleep, asyncio.wait_for, asyncio.gather, futures) do not "
    "run in simulated time; use netqsim.sleep(ns), netqsim.timeout(awaitable, ns) and "
    "netqsim.gather(...) instead, or wait on netqsim events (sim.timeout(ns), a | b, a & b)"
)


def passes_through(exc: BaseException) -> bool:
    """True for exceptions that end the whole run rather than fail one process.

    These are the ``BaseException`` subclasses that are not ``Exception``:
    ``KeyboardInterrupt``, ``SystemExit``, ``GeneratorExit`` and their kin
    (such as a sweep's per-point time limit). The kernel never wraps them in
    a ``ProcessError``: they leave :meth:`Simulator.run` unchanged. The one
    exception is ``asyncio.CancelledError``, which, as in asyncio, is the
    outcome of a cancelled process (``netqsim.gather`` and ``netqsim.timeout``
    cancel with it) and is raised in whoever waits on that process.
    """
    return not isinstance(exc, (Exception, CancelledError))


class BindRequest:
    """What a simulator-independent awaitable yields to learn its kernel event.

    Awaitables such as ``netqsim.sleep(ns)`` are created without a simulator.
    Their ``__await__`` yields ``BindRequest(self)``; the process running
    them answers (on its slow path, see :meth:`Process._not_an_event`) by
    sending back ``awaitable.as_event(sim)`` for its own simulator, which the
    awaitable then waits on::

        def __await__(self):
            event = yield BindRequest(self)
            return (yield event)
    """

    __slots__ = ("awaitable",)

    def __init__(self, awaitable: Any) -> None:
        self.awaitable = awaitable

    def __repr__(self) -> str:
        return f"<BindRequest for {self.awaitable!r}>"


class Process(Event):
    """A running generator or coroutine; also the event of its completion.

    The body runs until it yields (or awaits) an event, and resumes when that
    event is processed, receiving the event's value, or its exception raised at
    the ``yield``/``await``. When the body returns, the process event succeeds
    with the returned value; when it raises, the process event fails with the
    exception, which is raised in whoever waits on the process. If nobody
    does, the run stops with a :class:`~netqsim.kernel.errors.ProcessError`
    naming the process and the simulated time. ``KeyboardInterrupt``,
    ``SystemExit`` and ``GeneratorExit`` (see :func:`passes_through`) are not
    wrapped: the process ends, failed, and the exception leaves
    :meth:`Simulator.run` as it is; the clock and the queue stay as they were,
    so ``run`` can be called again.

    ``daemon`` processes (servers that wait forever by design) are left out of
    deadlock reports.
    """

    __slots__ = ("_body", "_send", "_target", "_throw", "daemon")

    def __init__(
        self, sim: Simulator, body: ProcessBody, name: str | None = None, daemon: bool = False
    ) -> None:
        if not (hasattr(body, "send") and hasattr(body, "throw")):
            hint = " (call the function: sim.process(f()) not sim.process(f))" if callable(
                body
            ) else ""
            raise TypeError(f"a process needs a generator or coroutine object, got {body!r}{hint}")
        super().__init__(sim, name or getattr(body, "__qualname__", None) or repr(body))
        self._body = body
        self._send = body.send
        self._throw = body.throw
        self.daemon = daemon
        # Start the body at the current time, after what is already scheduled now.
        start = Event(sim, "start")
        start._value = None
        start.callbacks.append(self)  # type: ignore[union-attr]
        sim._schedule(start, 0.0)
        self._target: Event | None = start
        sim._processes[self] = None

    @property
    def is_alive(self) -> bool:
        """True until the body has returned or raised."""
        return self._value is PENDING

    @property
    def running(self) -> bool:
        """True while the body's own code executes (it is not waiting on an event)."""
        body = self._body
        return bool(getattr(body, "gi_running", False) or getattr(body, "cr_running", False))

    @property
    def target(self) -> Event | None:
        """The event the process currently waits on (``None`` once finished)."""
        return self._target

    def _resume(self, event: Event) -> None:
        """Continue the body with the outcome of ``event`` (a processed event)."""
        send = self._send
        while True:
            try:
                if event._ok:
                    event = send(event._value)
                else:
                    event._defused = True
                    event = self._throw(event._value)
            except BaseException as exc:
                self._exit(exc)
                break
            try:
                callbacks = event.callbacks
            except AttributeError:
                event = self._not_an_event(event)
                continue
            if callbacks is not None:
                callbacks.append(self)
                self._target = event
                break
            # Already processed: continue at once with its outcome.

    # The process itself is the callback it registers on events (one object
    # for its whole life, and the run loop recognises it to resume inline).
    __call__ = _resume

    def _exit(self, exc: BaseException) -> None:
        """The body returned (``StopIteration``) or raised ``exc``."""
        if isinstance(exc, StopIteration):
            self._finish(True, exc.value)
        elif passes_through(exc):
            # The body is gone: end the process (so that it is neither resumed nor
            # listed as waiting later) and let the exception leave the run as it is.
            # Waiters still learn that the process failed; nothing reports it as
            # unhandled, since the exception itself reaches the caller of run().
            self._finish(False, exc)
            self._defused = True
            raise exc
        else:
            self._finish(False, exc)

    def _not_an_event(self, obj: Any) -> Event:
        """The answer to a yielded non-event: a processed event sent into the body.

        A :class:`BindRequest` is answered with the event its awaitable binds
        to on this simulator; anything else with a clear TypeError.
        """
        if type(obj) is BindRequest:
            answer = Event(self.sim)
            try:
                answer._value = obj.awaitable.as_event(self.sim)
            except BaseException as exc:  # e.g. a bad argument: raise it in the body
                answer._ok = False
                answer._value = exc
            answer.callbacks = None
            return answer
        module = type(obj).__module__ or ""
        if hasattr(obj, "as_event"):
            msg = (
                f"process {self.name!r} yielded {obj!r}: use 'yield from' or 'await' on it "
                "(a plain 'yield' of it works only in programs run by a netqsim host)"
            )
        elif obj is None or module.startswith(("asyncio", "concurrent")):
            msg = f"process {self.name!r} waited on {obj!r}: {_ASYNCIO_HINT}"
        else:
            msg = (
                f"process {self.name!r} yielded {obj!r}, which is not an event "
                "(yield or await netqsim events only)"
            )
        failed = Event(self.sim)
        failed._ok = False
        failed._value = TypeError(msg)
        failed.callbacks = None
        return failed

    def _finish(self, ok: bool, value: Any) -> None:
        self._ok = ok
        self._value = value
        self._target = None
        self._send = self._throw = None  # type: ignore[assignment]
        del self.sim._processes[self]
        self.sim._schedule(self, 0.0)

    def interrupt(self, cause: Any = None) -> None:
        """Raise :class:`Interrupt` (with ``cause``) in the process at the current time.

        The process stops waiting on its current event.
        """
        if self._value is not PENDING:
            raise RuntimeError(f"process {self.name!r} has finished and cannot be interrupted")
        if self.running:
            raise RuntimeError(f"process {self.name!r} cannot interrupt itself")
        signal = Event(self.sim, "interrupt")
        signal._ok = False
        signal._value = Interrupt(cause)
        signal._defused = True
        signal.callbacks.append(self._interrupted)  # type: ignore[union-attr]
        self.sim._schedule(signal, 0.0, urgent=True)

    def _interrupted(self, signal: Event) -> None:
        if self._value is not PENDING:
            return
        target = self._target
        if target is not None and target.callbacks is not None:
            try:
                target.callbacks.remove(self)
            except ValueError:
                pass
        self._resume(signal)

    def describe(self) -> str:
        return f"process {self.name!r}"

    def __repr__(self) -> str:
        if self._value is PENDING:
            if self.running:
                return f"<Process {self.name!r} running>"
            waiting = describe(self._target) if self._target is not None else "nothing"
            return f"<Process {self.name!r} waiting on {waiting}>"
        return f"<Process {self.name!r} {'finished' if self._ok else 'failed'}>"
