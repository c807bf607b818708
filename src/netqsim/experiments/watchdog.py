"""A wall-clock time limit for one sweep point.

:func:`time_limit` raises :class:`PointTimeout` in the thread that runs a
point once it has run longer than the limit. ``PointTimeout`` is a
``BaseException`` that is not an ``Exception``, so it passes through the
kernel and the programs' ``except Exception`` handlers unchanged (the kernel
itself never reads the wall clock).

In the main thread (the serial and processes executors) the limit is a
``SIGALRM`` timer, which also interrupts a blocking sleep. In other threads
(Dask runs tasks in worker threads) and where there is no ``SIGALRM``, a
timer thread raises the exception asynchronously in the point's thread; that
takes effect at the next Python instruction, so a single long call into C
code is stopped only when it returns.
"""

from __future__ import annotations

import ctypes
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class PointTimeout(BaseException):
    """A point ran longer than its time limit (raised in the point's thread)."""

    def __init__(self, seconds: float | None = None) -> None:
        # ``None``: raised by class from the timer thread; time_limit() fills it in.
        self.seconds = seconds
        if seconds is None:
            super().__init__()
        else:
            super().__init__(f"the point ran longer than the limit of {seconds:g} s "
                             "(point_timeout / --point-timeout)")


class _Alarm:
    """SIGALRM-based limit for the main thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False

    def _fire(self, signum: int, frame: Any) -> None:
        # A signal generated just before disarm() may be handled after it: ignore it then.
        if self.armed:
            self.armed = False
            raise PointTimeout(self.seconds)

    def arm(self) -> None:
        self.previous = signal.signal(signal.SIGALRM, self._fire)
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.previous)


class _AsyncRaise:
    """Timer-thread limit for any thread: raises asynchronously in the point's thread."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.armed = False
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _set_async_exc(self, exc: Any) -> None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self.thread_id), exc)

    def _fire(self) -> None:
        with self.lock:  # never raise in the thread once it has left the limited block
            if self.armed:
                self.armed = False
                self.fired = True
                self._set_async_exc(ctypes.py_object(PointTimeout))

    def arm(self) -> None:
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.armed = False
            if self.fired:
                # Withdraw the exception if it has not been raised yet, so that it
                # cannot surface after the limited block has ended.
                self._set_async_exc(None)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`PointTimeout` in this thread if the block runs longer than ``seconds``.

    ``None`` means no limit.
    """
    if seconds is None:
        yield
        return
    if not seconds > 0:
        raise ValueError(f"the point time limit must be a positive number of seconds "
                         f"(got {seconds!r})")
    in_main = threading.current_thread() is threading.main_thread()
    guard: _Alarm | _AsyncRaise = (_Alarm(seconds) if in_main and hasattr(signal, "setitimer")
                                   else _AsyncRaise(seconds))
    guard.arm()
    try:
        yield
    except PointTimeout as exc:
        if exc.seconds is None:  # raised by class (the timer thread): name the limit
            raise PointTimeout(seconds) from None
        raise
    finally:
        guard.disarm()
