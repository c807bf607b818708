"""A first-come, first-served lock for processes (a device, a link)."""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from netqsim.kernel.events import Event

if TYPE_CHECKING:
    from netqsim.kernel.simulator import Simulator


class Lock:
    """Mutual exclusion in simulated time: one holder, the others wait in order.

    ``yield from lock.acquire("what for")`` returns at once if the lock is
    free, else when every earlier waiter has had its turn; ``release()`` hands
    it to the next waiter. A waiter that is interrupted leaves the queue (or
    passes the lock on, if it had just been handed over), so nothing stalls.

    >>> from netqsim.kernel import Simulator
    >>> sim = Simulator(seed=0)
    >>> device = Lock(sim, "device")
    >>> def user(name, duration, log):
    ...     yield from device.acquire(name)
    ...     yield sim.timeout(duration)
    ...     log.append((sim.now, name))
    ...     device.release()
    >>> log = []
    >>> _ = sim.process(user("a", 5, log)); _ = sim.process(user("b", 3, log))
    >>> sim.run()
    >>> log
    [(5.0, 'a'), (8.0, 'b')]
    """

    def __init__(self, sim: Simulator, name: str) -> None:
        self.sim = sim
        self.name = name
        self._held = False
        self._waiting: deque[Event] = deque()

    @property
    def locked(self) -> bool:
        """True while someone holds the lock."""
        return self._held

    def acquire(self, what: str = "") -> Generator[Event, Any, None]:
        """Wait for the lock (FIFO), then hold it; ``what`` names the waiter in reports."""
        if not self._held:
            self._held = True
            return
        turn = self.sim.event(f"{self.name} to be free" + (f" for {what}" if what else ""))
        self._waiting.append(turn)
        try:
            yield turn
        except BaseException:
            try:
                self._waiting.remove(turn)
            except ValueError:  # the lock had already been handed to us: pass it on
                self.release()
            raise

    def release(self) -> None:
        """Hand the lock to the next waiter, or free it."""
        if self._waiting:
            self._waiting.popleft().succeed()  # stays held, by the next waiter
        else:
            self._held = False
