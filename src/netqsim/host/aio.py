"""Simulated-time helpers for programs: ``sleep``, ``timeout``, ``gather``; the asyncio guard.

``await netqsim.sleep(ns)``, ``await netqsim.timeout(awaitable, ns)`` and
``await netqsim.gather(*awaitables)`` are the simulated-time counterparts of
``asyncio.sleep``, ``asyncio.wait_for`` and ``asyncio.gather``. They take no
simulator argument: each returns a small awaitable that the running process
binds to its own simulator (``as_event(sim)``, see
:class:`netqsim.kernel.process.BindRequest`), so the same program code runs on
any network. Generator programs use them with ``yield from`` (or a plain
``yield`` in programs run by a netqsim host).

Programs are driven by :func:`drive`, which installs a *guard* event loop
while the program's code runs: asyncio's own primitives (``asyncio.sleep``,
``wait_for``, ``gather``, ``create_task``, futures, ``asyncio.Event`` ...)
find the guard as the running loop and fail with an
:class:`AsyncioInSimulationError` that says what to use instead. The guard is
set only around each step of the program and the previous loop is restored
after it, so this works inside Jupyter, where a real asyncio loop runs.

>>> import netqsim
>>> from netqsim.kernel import Simulator
>>> sim = Simulator(seed=0)
>>> async def worker(name, ns):
...     await netqsim.sleep(ns)
...     return (name, sim.now)
>>> async def main():
...     first = await netqsim.gather(worker("a", 5), worker("b", 3))
...     try:
...         await netqsim.timeout(worker("c", 100), 10)
...     except TimeoutError as exc:
...         return first, sim.now, str(exc)
>>> proc = sim.process(drive(main(), sim))
>>> sim.run()
>>> proc.value
([('a', 5.0), ('b', 3.0)], 15.0, 'netqsim.timeout: worker() did not finish within 10 ns')
"""

from __future__ import annotations

import asyncio
import inspect
import sys
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Generator
from types import FrameType
from typing import Any, NoReturn

from netqsim.kernel import AllOf, Event, Interrupt, Process, Receive, Simulator
from netqsim.kernel.process import BindRequest

Gen = Generator[Any, Any, Any]

__all__ = [
    "AsyncioInSimulationError",
    "SimTimeoutError",
    "SimulatedAwaitable",
    "drive",
    "gather",
    "sleep",
    "timeout",
]

# ----------------------------------------------------------------------------- asyncio guard

ALTERNATIVES = (
    "use 'await netqsim.sleep(ns)' instead of asyncio.sleep, "
    "'await netqsim.timeout(awaitable, ns)' instead of asyncio.wait_for/asyncio.timeout, "
    "'await netqsim.gather(*awaitables)' instead of asyncio.gather/asyncio.create_task, "
    "and context.open_stream/accept_stream instead of asyncio streams"
)


class AsyncioInSimulationError(RuntimeError):
    """A simulated program used asyncio's event loop, which runs in wall-clock time."""


class _GuardLoop(asyncio.AbstractEventLoop):
    """The 'running loop' while a simulated program runs: every use of it fails clearly."""

    def is_running(self) -> bool:
        return True

    def is_closed(self) -> bool:
        return False

    def get_debug(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "<netqsim guard loop: asyncio does not run inside simulated programs>"


def _refusing(name: str) -> Callable[..., NoReturn]:
    def refuse(self: _GuardLoop, *args: Any, **kwargs: Any) -> NoReturn:
        for arg in args:  # asyncio.create_task(coro) etc.: do not leave it unawaited
            if inspect.iscoroutine(arg):
                arg.close()
        raise AsyncioInSimulationError(
            f"{_asyncio_caller() or f'loop.{name}'}() cannot run inside a simulated netqsim "
            f"program: asyncio runs in wall-clock time, the simulation in simulated time; "
            f"{ALTERNATIVES}"
        )

    refuse.__name__ = name
    return refuse


def _asyncio_caller() -> str | None:
    """The asyncio function the program called (the outermost asyncio frame), if any."""
    frame: FrameType | None = sys._getframe(2)
    found = None
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "asyncio" or module.startswith("asyncio."):
            code = frame.f_code
            found = getattr(code, "co_qualname", code.co_name)
        elif found is not None:
            return f"asyncio.{found}"
        frame = frame.f_back
    return None


for _name in dir(asyncio.AbstractEventLoop):
    if not _name.startswith("_") and _name not in _GuardLoop.__dict__:
        setattr(_GuardLoop, _name, _refusing(_name))
del _name

#: Stateless, so one guard serves every simulation.
# The abstract methods are filled in dynamically by the setattr loop above (each
# refuses with a clear error), which mypy cannot see.
GUARD_LOOP = _GuardLoop()  # type: ignore[abstract]
_get_running_loop = asyncio.events._get_running_loop
_set_running_loop = asyncio.events._set_running_loop


class _Cancel:
    """The cause of the interrupt with which timeout/gather cancel what they wait for."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "cancelled by netqsim.timeout/netqsim.gather"


CANCEL = _Cancel()


def _is_cancel(exc: BaseException) -> bool:
    return isinstance(exc, Interrupt) and exc.cause is CANCEL


def drive(body: Any, sim: Simulator | None = None) -> Gen:
    """Run a program body (generator, coroutine or plain value) inside a process.

    Steps the body with the asyncio guard installed (see the module
    docstring), binds netqsim's simulator-independent awaitables
    (``netqsim.sleep`` ...) to ``sim`` -- also when a generator program
    yields them plainly -- and turns a cancellation by ``netqsim.timeout`` or
    ``netqsim.gather`` into ``asyncio.CancelledError`` in the body, as
    asyncio does. A plain value (a ``run`` that is not a generator) is
    returned as it is.
    """
    if not (hasattr(body, "send") and hasattr(body, "throw")):
        if hasattr(body, "__await__"):  # an awaitable object: drive its iterator
            return (yield from drive(body.__await__(), sim))
        return body
    send = body.send
    throw = body.throw
    value: Any = None
    error: BaseException | None = None
    timer: Event | None = None  # the timer of a netqsim.sleep the body waits on
    while True:
        previous = _get_running_loop()
        _set_running_loop(GUARD_LOOP)
        try:
            target = send(value) if error is None else throw(error)
        except StopIteration as stop:
            return stop.value
        finally:
            _set_running_loop(previous)
        error = None
        if not isinstance(target, Event):
            if target is None:  # 'await asyncio.sleep(0)', or a bare 'yield'
                error = AsyncioInSimulationError(
                    "the program yielded None, which is what 'await asyncio.sleep(0)' (or a "
                    "bare 'yield') does; simulated programs wait on netqsim events: "
                    f"{ALTERNATIVES}"
                )
                continue
            if type(target) is BindRequest:
                if sim is not None:  # answer it here rather than through the kernel
                    try:
                        value = target.awaitable.as_event(sim)
                    except Exception as exc:
                        error = exc
                    if type(target.awaitable) is Sleep:
                        timer = value
                    continue
            elif hasattr(target, "as_event"):  # a plain 'yield netqsim.sleep(ns)'
                if sim is not None:
                    try:
                        timer = target.as_event(sim) if type(target) is Sleep else None
                        target = timer or target.as_event(sim)
                    except Exception as exc:
                        error = exc
                        continue
                else:
                    try:
                        target = yield BindRequest(target)
                    except BaseException as exc:
                        error = exc
                        continue
        try:
            value = yield target
        except BaseException as exc:
            value = None
            error = exc
            if _is_cancel(exc):
                error = asyncio.CancelledError(str(CANCEL))
                if (target is timer and timer is not None and sim is not None
                        and not timer.callbacks):
                    sim.unschedule(timer)  # nobody else can wait on this sleep
        if target is timer:
            timer = None


# ----------------------------------------------------------------------------- awaitables


class SimulatedAwaitable(ABC):
    """Base of awaitables made without a simulator: ``as_event(sim)`` gives their event.

    ``await obj`` and ``yield from obj`` ask the running process for its
    simulator and wait on ``obj.as_event(sim)``.
    """

    __slots__ = ()

    @abstractmethod
    def as_event(self, sim: Simulator) -> Event:
        """The kernel event this awaitable stands for, on ``sim``."""

    def __await__(self) -> Gen:
        event = yield BindRequest(self)
        return (yield event)

    __iter__ = __await__


class Sleep(SimulatedAwaitable):
    """``netqsim.sleep(ns)``: fires ``ns`` simulated nanoseconds after it is awaited."""

    __slots__ = ("delay", "result")

    def __init__(self, delay: float, result: Any = None) -> None:
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not delay >= 0:
            raise ValueError(
                f"netqsim.sleep takes a non-negative number of simulated ns, got {delay!r}"
            )
        self.delay = float(delay)
        self.result = result

    def as_event(self, sim: Simulator) -> Event:
        return sim.timeout(self.delay, self.result)

    def __repr__(self) -> str:
        return f"netqsim.sleep({self.delay:g})"


def sleep(delay: float, result: Any = None) -> Sleep:
    """Wait ``delay`` simulated nanoseconds; the value of the wait is ``result``.

    ``await netqsim.sleep(ns)`` in ``async def`` programs, ``yield from
    netqsim.sleep(ns)`` (or ``yield netqsim.sleep(ns)``) in generator programs.
    """
    return Sleep(delay, result)


class SimTimeoutError(TimeoutError):
    """``netqsim.timeout`` ran out: the operation did not finish in time.

    A :class:`TimeoutError` (so ``except TimeoutError`` and ``except
    asyncio.TimeoutError`` catch it); ``duration`` is the limit in ns.
    """

    def __init__(self, message: str, duration: float = 0.0) -> None:
        super().__init__(message)
        self.duration = duration


def _describe(awaitable: Any) -> str:
    if inspect.iscoroutine(awaitable) or inspect.isgenerator(awaitable):
        return f"{getattr(awaitable, '__name__', 'coroutine')}()"
    describer = getattr(awaitable, "describe", None)
    return describer() if callable(describer) else repr(awaitable)


def _parent_name(sim: Simulator) -> str:
    active = sim.active_process
    # Processes always get a name (Process.__init__); Event.name is only typed optional.
    return active.name if active is not None and active.name is not None else "netqsim"


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _spawn(sim: Simulator, awaitable: Any, name: str, what: str) -> Event:
    """The event of ``awaitable`` on ``sim``: itself, its binding, or a new process."""
    if isinstance(awaitable, Event):
        if awaitable.sim is not sim:
            raise ValueError(f"{what}: the event {awaitable!r} belongs to another simulator")
        return awaitable
    if hasattr(awaitable, "as_event"):
        return awaitable.as_event(sim)  # type: ignore[no-any-return]
    body: Coroutine[Any, Any, Any] | Gen
    if inspect.iscoroutine(awaitable) or inspect.isgenerator(awaitable):
        body = awaitable
    elif hasattr(awaitable, "__await__"):
        body = _await(awaitable)
    else:
        raise TypeError(
            f"{what} takes awaitables (coroutines, stream reads, socket receives, netqsim "
            f"events, netqsim.sleep(...)), got {awaitable!r}"
        )
    child = sim.process(drive(body, sim), name=name)
    child.callbacks.append(_observed)  # type: ignore[union-attr]
    return child


def _observed(event: Event) -> None:
    """Our helper processes report their outcome to the one who spawned them."""
    event._defused = True


def _finished(event: Event) -> bool:
    if isinstance(event, Process):
        return not event.is_alive
    return event.processed


def _cancel(event: Event) -> Gen:
    """Withdraw what waits for ``event`` (a child process or a channel receive)."""
    if isinstance(event, Process):
        if event.is_alive:
            event.interrupt(CANCEL)
        try:
            yield event  # let it unwind (its receives put their messages back)
        except BaseException:
            pass
    elif isinstance(event, Receive) and not event.processed:
        event.channel.cancel(event)


class WithTimeout(SimulatedAwaitable):
    """``netqsim.timeout(awaitable, ns)``."""

    __slots__ = ("awaitable", "delay")

    def __init__(self, awaitable: Any, delay: float) -> None:
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not delay >= 0:
            raise ValueError(
                f"netqsim.timeout takes a non-negative number of simulated ns, got {delay!r}"
            )
        self.awaitable = awaitable
        self.delay = float(delay)

    def as_event(self, sim: Simulator) -> Event:
        what = _describe(self.awaitable)
        parent = _parent_name(sim)
        inner = _spawn(sim, self.awaitable, f"{parent}/timeout: {what}", "netqsim.timeout")
        return sim.process(
            self._race(sim, inner, what), name=f"{parent}/netqsim.timeout({what}, {self.delay:g})"
        )

    def _race(self, sim: Simulator, inner: Event, what: str) -> Gen:
        timer = sim.timeout(self.delay)
        race = inner | timer
        try:
            yield race
        except Interrupt as exc:
            if not _is_cancel(exc):
                raise
            race._defused = True  # it fails once ``inner`` is cancelled; nobody waits on it
            sim.unschedule(timer)
            yield from _cancel(inner)
            raise asyncio.CancelledError(str(CANCEL)) from None
        # (a failure of ``inner`` was raised at the yield above)
        if _finished(inner):
            sim.unschedule(timer)
            if not inner._ok:
                raise inner._value
            return inner._value
        yield from _cancel(inner)
        raise SimTimeoutError(
            f"netqsim.timeout: {what} did not finish within {self.delay:g} ns", self.delay
        )

    def __repr__(self) -> str:
        return f"netqsim.timeout({_describe(self.awaitable)}, {self.delay:g})"


def timeout(awaitable: Any, delay: float) -> WithTimeout:
    """Wait for ``awaitable`` at most ``delay`` simulated ns (``asyncio.wait_for``).

    Returns the awaitable's result, or raises :class:`SimTimeoutError` (a
    ``TimeoutError``) naming the duration. On a timeout the operation is
    cancelled cleanly: a coroutine gets ``asyncio.CancelledError`` at its
    current wait, and a pending stream or socket receive is withdrawn, so the
    message it waited for stays in the stream for the next read. A bare kernel
    event (e.g. ``conn.flush()``) cannot be withdrawn: the operation goes on,
    only the wait ends.
    """
    return WithTimeout(awaitable, delay)


class Gather(SimulatedAwaitable):
    """``netqsim.gather(*awaitables)``."""

    __slots__ = ("awaitables", "return_exceptions")

    def __init__(self, awaitables: tuple[Any, ...], return_exceptions: bool) -> None:
        self.awaitables = awaitables
        self.return_exceptions = return_exceptions

    def as_event(self, sim: Simulator) -> Event:
        parent = _parent_name(sim)
        children = [
            _spawn(sim, aw, f"{parent}/gather[{i}]: {_describe(aw)}", "netqsim.gather")
            for i, aw in enumerate(self.awaitables)
        ]
        return sim.process(self._collect(sim, children), name=f"{parent}/netqsim.gather")

    def _collect(self, sim: Simulator, children: list[Event]) -> Gen:
        try:
            if self.return_exceptions:
                results = []
                for child in children:
                    try:
                        results.append((yield child))
                    except Exception as exc:
                        if _is_cancel(exc):
                            raise
                        results.append(exc)
                    except asyncio.CancelledError as exc:
                        results.append(exc)
                return results
            if children:
                everything = AllOf(sim, children)
                everything._defused = True  # its failure is raised below, when waited on
                yield everything
            return [child._value for child in children]
        except BaseException as exc:
            for child in children:  # the first failure ends the gather: cancel the rest
                if not _finished(child):
                    yield from _cancel(child)
            if _is_cancel(exc):
                raise asyncio.CancelledError(str(CANCEL)) from None
            raise

    def __repr__(self) -> str:
        return f"netqsim.gather({', '.join(map(_describe, self.awaitables))})"


def gather(*awaitables: Any, return_exceptions: bool = False) -> Gather:
    """Run ``awaitables`` concurrently in simulated time; their results, in order.

    Coroutines (and other awaitables) each run as their own kernel process;
    kernel events are waited on as they are. The first exception raised by
    any of them is raised here, and the others are cancelled (unlike asyncio,
    which lets them run on); with ``return_exceptions=True`` exceptions are
    returned in the result list instead.
    """
    return Gather(awaitables, return_exceptions)
