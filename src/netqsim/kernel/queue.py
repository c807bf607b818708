"""The event queue: what the simulator has scheduled, in the order it fires.

Entries are ordered by time, then urgent before normal, then the order they
were pushed in, so the processing order of simultaneous events depends only
on the program. :class:`EventQueue` is the compiled implementation
(``netqsim.kernel._cqueue``, built when the package is installed with a C
compiler) or, where that is missing, :class:`PyEventQueue`, which behaves
the same. :data:`COMPILED` tells which one is in use.

>>> queue = EventQueue()
>>> queue.push(2.0, "late")
>>> queue.push(1.0, "first")
>>> queue.push(1.0, "second")
>>> queue.push_urgent(1.0, "urgent")
>>> [queue.pop()[::2] for _ in range(len(queue))]  # (time, key, event) entries
[(1.0, 'urgent'), (1.0, 'first'), (1.0, 'second'), (2.0, 'late')]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from heapq import heapify, heappop, heappush
from numbers import Real
from typing import Any

# Urgent entries take keys below every normal key, in insertion order too.
_URGENT_OFFSET = 1 << 62


def _checked(time: Any) -> float:
    """``time`` as a float; TypeError or ValueError (NaN) as the compiled queue gives."""
    if not isinstance(time, Real):
        raise TypeError(f"must be real number, not {type(time).__name__}")
    time = float(time)
    if math.isnan(time):
        raise ValueError("an event's time must be a number, got nan")
    return time


class PyEventQueue:
    """Scheduled events ordered by time, then urgent before normal, then insertion order.

    The pure-Python twin of the compiled queue: a heap of ``(time, key,
    event)`` tuples, where ``key`` counts pushes (shifted below all normal
    keys for urgent entries).
    """

    __slots__ = ("_count", "_heap", "pop")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Any]] = []
        self._count = 0
        #: ``pop()``: remove and return the first entry as ``(time, key, event)``;
        #: IndexError if empty. Keys order entries of equal time. (Bound to
        #: heapq directly: the run loop calls it once per event.)
        self.pop: Callable[[], tuple[float, int, Any]] = partial(heappop, self._heap)

    def push(self, time: float, event: Any) -> None:
        """Add ``event`` at ``time``, after the entries already there for that time."""
        if time.__class__ is not float or time != time:
            time = _checked(time)
        self._count += 1
        heappush(self._heap, (time, self._count, event))

    def push_urgent(self, time: float, event: Any) -> None:
        """Add ``event`` at ``time``, before every normal entry for that time
        (after earlier urgent ones)."""
        time = _checked(time)
        self._count += 1
        heappush(self._heap, (time, self._count - _URGENT_OFFSET, event))

    def peek(self) -> float:
        """The time of the first entry, or ``inf`` if the queue is empty."""
        return self._heap[0][0] if self._heap else math.inf

    def remove(self, event: Any) -> bool:
        """Take ``event`` out of the queue; False if it is not there."""
        heap = self._heap
        for index, entry in enumerate(heap):
            if entry[2] is event:
                heap[index] = heap[-1]
                heap.pop()
                heapify(heap)
                return True
        return False

    def entries(self) -> list[tuple[float, Any]]:
        """All entries as ``(time, event)`` pairs, in the order :meth:`pop` would give them."""
        return [(time, event) for time, _, event in sorted(self._heap, key=lambda e: e[:2])]

    def __len__(self) -> int:
        return len(self._heap)


try:
    from netqsim.kernel._cqueue import EventQueue
except ImportError:  # built without a C compiler: same behaviour, slower
    EventQueue = PyEventQueue  # type: ignore[misc]
    #: True when the compiled queue is in use.
    COMPILED = False
else:
    COMPILED = True

__all__ = ["COMPILED", "EventQueue", "PyEventQueue"]
