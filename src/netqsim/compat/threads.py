"""Run blocking user code on threads, one at a time, in simulated time (the "baton").

Foreign applications are synchronous: netqasm's ``app_alice.py`` blocks in
``conn.flush()`` and ``socket.recv()``. A :class:`Baton` runs each such
function on its own thread, paired with a kernel process, and hands a single
baton around so that exactly one of {the simulator's thread, the user
threads} runs at any moment. A user thread runs until it calls :func:`call`
with a netqsim generator, awaitable or event; its process then runs that in
simulated time while the thread sleeps, and the thread resumes with the value
(or the exception) when it completes. Which thread runs when is decided by the
kernel's event order alone, so a run is deterministic for a seed.

The interface:

* ``Baton(sim, on_resume=None)``: the threads of one simulation; use it as a
  context manager (or call :meth:`Baton.close`) so that no thread outlives the
  run. ``on_resume()``, if given, runs in a user thread each time its
  :func:`call` returns (the other threads ran meanwhile).
* ``baton.spawn(name, function, *args, **kwargs) -> Process``: start
  ``function`` on a new thread called ``name`` when the simulation reaches the current time.
  The returned kernel process is also the event of the thread's end: its value
  is what ``function`` returned; if ``function`` raises, the process fails with
  that exception (its traceback still shows the user's frames) and, if nobody
  waits on the process, ``sim.run()`` raises a ``ProcessError`` naming it.
  ``KeyboardInterrupt`` and ``SystemExit`` leave ``sim.run()`` unchanged.
* ``call(awaitable)``: in a user thread, run a generator (``conn.flush()``), an
  awaitable or a kernel event in simulated time and return its result.
* If every user thread waits and nothing is scheduled, ``sim.run()`` raises
  the kernel's ``DeadlockError``, whose report names each thread's process,
  the event it waits on, and the line of user code that called :func:`call`.
* Leaving the ``with`` block (normally or by an exception) ends every thread
  still waiting by raising :class:`ThreadAbandoned` at its :func:`call`, so
  that its ``finally`` blocks run; then the threads are joined.

While a user thread holds the baton the simulator is paused inside that
thread's process, so the thread may use the simulation directly (create
events, start processes, read ``sim.now``). Each thread runs in a copy of the
context (``contextvars``) of the code that spawned it.

>>> from netqsim.kernel import Simulator
>>> sim = Simulator(seed=1)
>>> def wait(ns):
...     yield sim.timeout(ns)
...     return sim.now
>>> def user(name, ns):
...     t = call(wait(ns))                  # blocks this thread for ns simulated ns
...     print(f"{name} woke at t={t:g}")
...     return name.upper()
>>> with Baton(sim) as baton:
...     a = baton.spawn("alice", user, "alice", 5.0)
...     b = baton.spawn("bob", user, "bob", 3.0)
...     sim.run()
bob woke at t=3
alice woke at t=5
>>> a.value, b.value
('ALICE', 'BOB')
"""

from __future__ import annotations

import contextvars
import ctypes
import sys
import threading
import warnings
from asyncio import CancelledError
from collections.abc import Callable, Generator
from pathlib import Path
from types import FrameType
from typing import Any

from netqsim.kernel import Event, Process, Simulator

__all__ = ["Baton", "ThreadAbandoned", "call", "in_user_thread", "user_frame"]

# Messages between the simulator's thread and a user thread (kind, payload).
_START = "start"  # sim -> user: run the function
_VALUE = "value"  # sim -> user: call() returns payload
_RAISE = "raise"  # sim -> user: call() raises payload
_CALL = "call"  # user -> sim: run payload in simulated time
_DONE = "done"  # user -> sim: the function returned payload
_FAILED = "failed"  # user -> sim: the function raised payload
_ENDED = "ended"  # user -> sim: the thread was abandoned and has unwound

#: How long closing waits for an abandoned thread to unwind, in wall-clock seconds.
JOIN_TIMEOUT = 10.0

#: How often (wall-clock s) the simulator thread checks for Ctrl-C while a user thread runs.
_SIGNAL_POLL = 0.05

_NETQSIM_DIR = str(Path(__file__).resolve().parents[1])
_local = threading.local()


class ThreadAbandoned(BaseException):
    """Raised at :func:`call` in a user thread whose simulation ended or failed.

    A ``BaseException`` (like ``GeneratorExit``), so that ``except Exception``
    in user code does not swallow it; any further :func:`call` raises it again.
    """


class _Worker:
    """One user thread and the two locks that pass the baton to it and back."""

    def __init__(self, baton: Baton, function: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any], name: str) -> None:
        self.baton = baton
        self.name = name
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._context = contextvars.copy_context()
        # Both locks start taken: each side blocks on its own until the other
        # releases it (the two halves of one hand-over).
        self._go = threading.Lock()
        self._go.acquire()
        self._back = threading.Lock()
        self._back.acquire()
        self._message: tuple[str, Any] = (_START, None)
        self.thread: threading.Thread | None = None
        self.parked = False  # the user thread sleeps in call() (or before its start)
        self.finished = False
        self.abandoned = False
        self.frame: FrameType | None = None  # the frame that called call(), for reports
        self.request: Any = None

    # -- the simulator's side ------------------------------------------------
    def exchange(self, message: tuple[str, Any]) -> tuple[str, Any]:
        """Hand the baton to the user thread with ``message``; wait for it to come back."""
        self._message = message
        self._go.release()
        # Wake now and then: a Ctrl-C that arrives just before the wait starts
        # would otherwise go unnoticed until the user thread hands back.
        while not self._back.acquire(timeout=_SIGNAL_POLL):
            pass
        return self._message

    def drive(self) -> Generator[Any, Any, Any]:
        """The kernel process paired with the thread: runs its calls in simulated time."""
        thread = threading.Thread(target=self._main, name=f"netqsim:{self.name}", daemon=True)
        self.thread = thread
        self.parked = True
        thread.start()
        kind, payload = self.exchange((_START, None))
        while kind == _CALL:
            try:
                value = yield from payload
            except (Exception, CancelledError) as exc:
                reply: tuple[str, Any] = (_RAISE, exc)
            else:
                reply = (_VALUE, value)
            kind, payload = self.exchange(reply)
        if kind == _FAILED:
            raise payload
        return payload

    def close(self) -> None:
        """End the thread if it still runs: abandon it at its call() and join it."""
        thread = self.thread
        if thread is None or not thread.is_alive():
            return
        self.abandoned = True
        if not self.parked and thread.ident is not None:
            # The simulator was interrupted (Ctrl-C) while this thread held the
            # baton: stop its code where it is.
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(thread.ident), ctypes.py_object(ThreadAbandoned))
        try:
            self._go.release()
        except RuntimeError:
            pass  # the thread is running, not waiting: the flag stops its next call()
        thread.join(JOIN_TIMEOUT)
        if thread.is_alive():
            warnings.warn(
                f"user thread {self.name!r} did not end within {JOIN_TIMEOUT:g} s after its "
                "simulation ended (does it catch ThreadAbandoned?)", RuntimeWarning, stacklevel=3)

    # -- the user thread's side ----------------------------------------------
    def _main(self) -> None:
        self._go.acquire()
        self.parked = False
        _local.worker = self
        try:
            if self.abandoned:
                raise ThreadAbandoned
            value = self._context.run(self._function, *self._args, **self._kwargs)
            result: tuple[str, Any] = (_DONE, value)
        except ThreadAbandoned:
            result = (_ENDED, None)
        except BaseException as exc:  # handed to the process, which raises it in the kernel
            result = (_FAILED, exc)
        self.finished = True
        self.frame = None
        self._message = result
        try:
            self._back.release()
        except RuntimeError:
            pass  # abandoned: nobody waits for the baton any more

    def call(self, awaitable: Any, frame: FrameType | None) -> Any:
        if self.abandoned:
            raise ThreadAbandoned(f"the simulation of thread {self.name!r} has ended")
        self.request = awaitable
        self.frame = frame
        self._message = (_CALL, _as_generator(awaitable))
        self.parked = True
        self._back.release()
        self._go.acquire()
        self.parked = False
        self.frame = self.request = None
        if self.abandoned:
            raise ThreadAbandoned(f"the simulation of thread {self.name!r} has ended")
        if self.baton.on_resume is not None:
            self.baton.on_resume()
        kind, payload = self._message
        if kind == _RAISE:
            raise payload
        return payload

    def describe_wait(self) -> str | None:
        """Where this thread waits, for a deadlock report (None if it does not wait)."""
        frame = self.frame
        if frame is None or self.finished:
            return None
        # Report the innermost frame of user code, not netqsim's wrappers around call().
        frame = user_frame(frame)
        code = frame.f_code
        return (f"thread {self.name!r} blocks in {Path(code.co_filename).name} line "
                f"{frame.f_lineno} ({code.co_name}) on {_describe(self.request)}")


def _describe(awaitable: Any) -> str:
    if isinstance(awaitable, Event):
        return awaitable.describe()
    name = getattr(awaitable, "__qualname__", None) or type(awaitable).__name__
    return f"{name}()"


def _wait_event(event: Event) -> Generator[Any, Any, Any]:
    return (yield event)


def _as_generator(awaitable: Any) -> Generator[Any, Any, Any]:
    """The generator a kernel process can ``yield from`` to run ``awaitable``."""
    if isinstance(awaitable, Event):
        return _wait_event(awaitable)
    if isinstance(awaitable, Generator):
        return awaitable
    await_ = getattr(awaitable, "__await__", None)
    if await_ is not None:
        return await_()
    raise TypeError(
        f"call() needs a generator, an awaitable or a kernel event to run in simulated time, "
        f"got {awaitable!r}")


def user_frame(frame: FrameType) -> FrameType:
    """The innermost frame at or above ``frame`` that is not netqsim's own code.

    For reports that should point at the user's line (a blocking call, a
    logged send), not at netqsim's wrappers around it.
    """
    while frame.f_back is not None and frame.f_code.co_filename.startswith(_NETQSIM_DIR):
        frame = frame.f_back
    return frame


def call(awaitable: Any) -> Any:
    """Run ``awaitable`` in simulated time from a user thread; return its result.

    ``awaitable`` is a generator of netqsim events (``conn.flush()``), an
    awaitable (a coroutine of netqsim events) or a kernel event. The calling
    thread sleeps until it completes; its exception is raised here.
    """
    worker: _Worker | None = getattr(_local, "worker", None)
    if worker is None:
        raise RuntimeError(
            "call() works only in a thread started by Baton.spawn (it blocks the calling "
            f"thread in simulated time); it was called in thread "
            f"{threading.current_thread().name!r}")
    return worker.call(awaitable, sys._getframe(1))


def in_user_thread() -> bool:
    """True in a thread started by :meth:`Baton.spawn` (where :func:`call` works)."""
    return getattr(_local, "worker", None) is not None


class Baton:
    """The user threads of one simulation, run one at a time in simulated time."""

    def __init__(self, sim: Simulator, on_resume: Callable[[], None] | None = None) -> None:
        self.sim = sim
        #: Called in a user thread whenever its call() returns, before the thread's own
        #: code goes on (e.g. to restore per-thread process state such as the working
        #: directory, which the other threads may have changed meanwhile).
        self.on_resume = on_resume
        self._workers: list[_Worker] = []
        self._closed = False
        sim.add_stall_reporter(self._stall_report)

    def spawn(self, name: str, function: Callable[..., Any], /, *args: Any,
              **kwargs: Any) -> Process:
        """Run ``function(*args, **kwargs)`` on a new user thread; its kernel process.

        The thread starts when the simulation reaches the current time, after
        what is already scheduled for it.
        """
        if self._closed:
            raise RuntimeError(f"this Baton is closed: cannot spawn thread {name!r}")
        if not callable(function):
            raise TypeError(f"spawn() needs a callable for thread {name!r}, got {function!r}")
        worker = _Worker(self, function, args, kwargs, name)
        self._workers.append(worker)
        return self.sim.process(worker.drive(), name=name)

    def close(self) -> None:
        """End every thread that still runs (see :class:`ThreadAbandoned`) and join it."""
        self._closed = True
        # One at a time, in spawn order: an abandoned thread unwinding its
        # finally blocks is then the only code running.
        for worker in self._workers:
            worker.close()

    def _stall_report(self) -> list[str]:
        lines = []
        for worker in self._workers:
            line = worker.describe_wait()
            if line is not None:
                lines.append(line)
        return lines

    def __enter__(self) -> Baton:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
