"""Common interface of every entanglement-link model: :class:`LinkModel` and :class:`Delivery`.

A link model is a "magic" model of one entanglement link: it does not simulate
photons one attempt at a time, it samples, for one successful generation,

* the number of attempts (geometric in the per-attempt success probability),
* the time those attempts took,
* which Bell state the midpoint heralded, and
* the two-qubit density matrix the two nodes end up with.

Everything a model knows is computed once, when it is built; :meth:`LinkModel.sample`
only draws random numbers. Derivations of the formulas are in ``docs/links.md``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ...quantum.states import bell_state

__all__ = [
    "BELL_INDICES",
    "Delivery",
    "LinkModel",
    "LinkModelError",
    "depolarise_each_qubit",
    "multiplexed_success_probability",
]

#: Bell-state indices in netqsim / NetSquid ``BellIndex`` order.
BELL_INDICES: tuple[int, int, int, int] = (0, 1, 2, 3)
BELL_NAMES: tuple[str, str, str, str] = ("Phi+", "Psi+", "Phi-", "Psi-")

_PAULIS = (
    np.array([[0, 1], [1, 0]], dtype=complex),
    np.array([[0, -1j], [1j, 0]], dtype=complex),
    np.array([[1, 0], [0, -1]], dtype=complex),
)
_I2 = np.eye(2, dtype=complex)


class LinkModelError(ValueError):
    """A link configuration that cannot deliver entanglement (e.g. success probability 0)."""


@dataclass(frozen=True)
class Delivery:
    """One successful entanglement generation on a link.

    ``state`` is a fresh 4x4 density matrix owned by the caller; qubit order is
    stack1's (side A's) qubit first, stack2's (side B's) second.
    """

    attempts: int
    """Number of attempts (cycles) used, including the successful one (>= 1)."""
    duration_ns: float
    """Time from the start of the first attempt until both nodes know of the success [ns]."""
    bell_index: int
    """Heralded Bell state (0=Phi+, 1=Psi+, 2=Phi-, 3=Psi-)."""
    state: np.ndarray
    """Delivered two-qubit density matrix (4x4, complex)."""


def multiplexed_success_probability(p_mode: float, num_modes: int) -> float:
    """Per-cycle success probability when ``num_modes`` modes each succeed with ``p_mode``."""
    if num_modes == 1:
        return float(p_mode)
    # 1 - (1 - p)^M, computed without cancellation for tiny p.
    return float(-np.expm1(num_modes * np.log1p(-p_mode))) if p_mode < 1 else 1.0


def depolarise_each_qubit(rho: np.ndarray, q_a: float, q_b: float) -> np.ndarray:
    """Two-qubit state after a depolarising channel on each qubit.

    The channel on a qubit keeps the state with weight ``q`` and replaces that
    qubit by the maximally mixed state with weight ``1 - q``
    (``q = (4 F - 1) / 3`` for an emission fidelity ``F``).
    """
    out = np.asarray(rho, dtype=complex)
    for qubit, q in ((0, q_a), (1, q_b)):
        if q == 1.0:
            continue
        paulis = [np.kron(p, _I2) if qubit == 0 else np.kron(_I2, p) for p in _PAULIS]
        twirl = sum(p @ out @ p for p in paulis)
        out = (1 + 3 * q) / 4 * out + (1 - q) / 4 * twirl
    return out


def _freeze(matrix: np.ndarray) -> np.ndarray:
    arr = np.array(matrix, dtype=complex)
    arr = (arr + arr.conj().T) / 2  # remove round-off anti-Hermitian parts
    arr /= np.trace(arr).real
    arr.setflags(write=False)
    return arr


class LinkModel(ABC):
    """Analytical ("magic") model of an entanglement link between two nodes.

    Subclasses set :attr:`typ`, and in ``__init__`` call :meth:`_set_outcomes`
    with the heralded Bell indices, their probabilities and the state delivered
    for each.
    """

    typ: ClassVar[str] = ""
    """The link model name (``perfect``, ``depolarise``, ``heralded-double-click`` ...)."""

    _bell_probs: tuple[float, float, float, float]
    _states: dict[int, np.ndarray]
    _outcomes: tuple[int, ...]
    _cumulative: np.ndarray

    # ---------------------------------------------------------------- to implement

    @property
    @abstractmethod
    def cycle_time_ns(self) -> float:
        """Duration of one generation attempt [ns]."""

    @property
    @abstractmethod
    def success_probability(self) -> float:
        """Probability that one attempt (cycle) succeeds."""

    # ---------------------------------------------------------------- shared

    def _set_outcomes(self, probabilities: Mapping[int, float], states: Mapping[int, np.ndarray]):
        """Record the herald distribution and the state delivered per heralded Bell index."""
        if self.success_probability <= 0:
            raise LinkModelError(
                f"{self.typ} link: success probability per attempt is 0 with these parameters; "
                "no pair would ever be delivered"
            )
        total = sum(probabilities.values())
        probs = [0.0, 0.0, 0.0, 0.0]
        for index, p in probabilities.items():
            probs[index] = p / total
        self._bell_probs = (probs[0], probs[1], probs[2], probs[3])
        self._outcomes = tuple(i for i in BELL_INDICES if probs[i] > 0)
        self._cumulative = np.cumsum([probs[i] for i in self._outcomes])
        self._states = {i: _freeze(states[i]) for i in self._outcomes}

    @property
    def bell_index_probabilities(self) -> tuple[float, float, float, float]:
        """Probability of each heralded Bell index (0=Phi+, 1=Psi+, 2=Phi-, 3=Psi-)."""
        return self._bell_probs

    def state(self, bell_index: int) -> np.ndarray:
        """Density matrix delivered when ``bell_index`` is heralded (a fresh copy)."""
        if bell_index not in self._states:
            raise ValueError(
                f"{self.typ} link never heralds Bell index {bell_index!r}; "
                f"possible: {list(self._outcomes)}"
            )
        return self._states[bell_index].copy()

    def fidelity(self) -> float:
        """Expected fidelity of the delivered state to the heralded Bell state."""
        return float(
            sum(
                self._bell_probs[i]
                * np.real(np.vdot(bell_state(i), self._states[i] @ bell_state(i)))
                for i in self._outcomes
            )
        )

    @property
    def mean_attempts(self) -> float:
        """Expected number of attempts per delivered pair."""
        return 1.0 / self.success_probability

    @property
    def mean_duration_ns(self) -> float:
        """Expected time per delivered pair [ns]."""
        return self.cycle_time_ns * self.mean_attempts

    def sample_attempts(self, rng: np.random.Generator) -> int:
        """Number of attempts until the first success (geometric, >= 1)."""
        p = self.success_probability
        if p >= 1.0:
            return 1
        return int(rng.geometric(p))

    def sample_bell_index(self, rng: np.random.Generator) -> int:
        """Which Bell state a successful attempt heralds."""
        if len(self._outcomes) == 1:
            return self._outcomes[0]
        k = int(np.searchsorted(self._cumulative, rng.random() * self._cumulative[-1], "right"))
        return self._outcomes[min(k, len(self._outcomes) - 1)]

    def sample(self, rng: np.random.Generator) -> Delivery:
        """Sample one successful generation: attempts, duration, heralded Bell index, state."""
        attempts = self.sample_attempts(rng)
        index = self.sample_bell_index(rng)
        return Delivery(
            attempts=attempts,
            duration_ns=attempts * self.cycle_time_ns,
            bell_index=index,
            state=self._states[index].copy(),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(cycle_time_ns={self.cycle_time_ns:g}, "
            f"success_probability={self.success_probability:.6g}, "
            f"fidelity={self.fidelity():.6f})"
        )
