"""An entanglement link between two nodes: one pair at a time, in request order."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np

from netqsim.kernel import Lock, Simulator
from netqsim.network.pair_observer import PairObserver, check_pair_observer

Gen = Generator[Any, Any, Any]


class EntanglementLink:
    """Generates entangled pairs between ``stack1`` and ``stack2`` with a link model.

    A link serves one request at a time (first come, first served); within a
    request, pairs are generated one after the other. Each generation samples
    the model analytically -- the number of attempts and the delivered state --
    and takes ``attempts x cycle time`` of simulated time. :attr:`held_since`
    is when the current request got the link: the start of its generation
    duration, which the network stack reports for every pair.
    """

    def __init__(
        self, sim: Simulator, model: Any, stack1: str, stack2: str, rng: np.random.Generator
    ) -> None:
        self.sim = sim
        self.model = model
        self.stack1 = stack1
        self.stack2 = stack2
        self._rng = rng
        self._lock = Lock(sim, f"link {stack1}-{stack2}")
        self._held_since: float | None = None
        self._observer: PairObserver | None = None

    @property
    def name(self) -> str:
        """``stack1-stack2``."""
        return f"{self.stack1}-{self.stack2}"

    def acquire(self, what: str) -> Gen:
        """Wait until the link is free, then hold it (for the request ``what``)."""
        yield from self._lock.acquire(what)
        self._held_since = self.sim.now

    def release(self) -> None:
        """Hand the link to the next waiting request, if any."""
        self._held_since = None
        self._lock.release()

    @property
    def held_since(self) -> float:
        """When the request that holds the link got it [ns] (an error if none holds it)."""
        if self._held_since is None:
            raise RuntimeError(f"link {self.name} is not held by any request")
        return self._held_since

    def observe(self, observer: PairObserver | None) -> None:
        """Tell ``observer`` when each generation on this link starts (None: stop telling)."""
        self._observer = check_pair_observer(observer, f"link {self.name}")

    def generate(self) -> Gen:
        """One successful generation: waits its duration, returns the model's Delivery."""
        if self._observer is not None:
            self._observer.generation_started(self)
        delivery = self.model.sample(self._rng)
        yield self.sim.timeout(delivery.duration_ns)
        return delivery
