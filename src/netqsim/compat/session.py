"""The state a foreign script sets through global calls, kept per runner invocation.

NetSquid scripts configure the simulator through process-global calls
(``ns.set_random_state(seed)``, ``ns.set_qstate_formalism(...)``) and then call
``run(...)``. netqsim keeps no global simulator state, so the runner opens a
:class:`Session` (held in a context variable) and the compatibility names
read and write it: the seed stream and the formalism that the next ``run``
uses, and the clock of the simulation that runs or ran last
(``ns.sim_time()``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

import numpy as np

__all__ = ["FORMALISMS", "Clock", "Session", "current_session", "session"]

FORMALISMS = ("dm", "ket", "stab")



class Clock(Protocol):
    """Anything with the simulated time in ns (a netqsim ``Simulator``)."""

    @property
    def now(self) -> float: ...


_current: ContextVar[Session | None] = ContextVar("netqsim_compat_session", default=None)


class Session:
    """Seeds and formalism for the runs a script starts.

    After :meth:`seed` with an integer, the seeds of the following runs are
    drawn from one generator seeded with it (as NetSquid's global random state
    continues from run to run): the same script with the same seed gives the
    same results. Without a seed each run is seeded from fresh entropy.
    """

    def __init__(self) -> None:
        self._seeds: np.random.Generator | None = None
        self.formalism = "dm"
        self._clock: Clock | None = None

    def watch(self, clock: Clock) -> None:
        """Read the simulated time from ``clock`` (the simulation a run started)."""
        self._clock = clock

    def sim_time(self) -> float:
        """The simulated time in ns of the running (or last) simulation; 0 before any."""
        return 0.0 if self._clock is None else float(self._clock.now)

    def reset_clock(self) -> None:
        """Forget the last simulation: :meth:`sim_time` is 0 again."""
        self._clock = None

    def seed(self, seed: int | None) -> None:
        """Seed the runs that follow; None draws the seeds from fresh entropy."""
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)
                                 or seed < 0):
            raise ValueError(f"the seed must be a non-negative integer or None, got {seed!r}")
        self._seeds = None if seed is None else np.random.default_rng(int(seed))

    def next_seed(self) -> int | None:
        """The seed of the next run (None: netqsim picks one from entropy)."""
        if self._seeds is None:
            return None
        return int(self._seeds.integers(0, 2**63))

    def set_formalism(self, formalism: str) -> None:
        """Select the quantum state formalism of the following runs."""
        if formalism not in FORMALISMS:
            raise ValueError(
                f"formalism must be one of {', '.join(FORMALISMS)}, got {formalism!r}"
            )
        self.formalism = formalism


def current_session() -> Session:
    """The session of the running compatibility runner; RuntimeError outside one."""
    active = _current.get()
    if active is None:
        raise RuntimeError(
            "this compatibility function works only in a script run by a netqsim runner "
            "(netqsim squidasm SCRIPT)"
        )
    return active


@contextmanager
def session() -> Iterator[Session]:
    """Open a fresh :class:`Session` for the duration of the block."""
    token = _current.set(Session())
    try:
        yield _current.get()  # type: ignore[misc]
    finally:
        _current.reset(token)
