"""When and how often the network layer purifies: the config's ``purification`` policy.

The layer purifies a kept pair with fresh sacrificial pairs (entanglement
pumping) until its *estimated* fidelity reaches ``target_fidelity``. The
estimate uses the closed forms of :mod:`netqsim.network.purification` on the
fidelity the pairs are expected to have when made: a hop's link-model
fidelity (``scope: hop``), or the Werner product of the path's link
fidelities (``scope: end_to_end``), ignoring gate and memory noise. So the
number of successful rounds a pair needs is fixed by the config; a failed
round spoils the kept pair, which is made again from scratch.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from netqsim.kernel import Channel, Simulator
from netqsim.network.layer_report import NetworkSummary
from netqsim.network.purification import (
    PROTOCOLS,
    PairEnd,
    bbpssw_fidelity,
    dejmps_coefficients,
    purify,
    werner_coefficients,
)

__all__ = [
    "SCOPES",
    "DirectMessenger",
    "PurificationPolicy",
    "pump",
    "rounds_needed",
    "werner_product_fidelity",
]

Gen = Generator[Any, Any, Any]

#: Values of ``purification.scope``.
SCOPES = ("hop", "end_to_end")
_MAX_ROUNDS = 64


@dataclass(frozen=True)
class PurificationPolicy:
    """Which protocol, on hops or end to end, until which estimated fidelity."""

    protocol: str
    scope: str
    target_fidelity: float

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"purification.protocol: {self.protocol!r} is not one of "
                             f"{', '.join(PROTOCOLS)}")
        if self.scope not in SCOPES:
            raise ValueError(f"purification.scope: {self.scope!r} is not one of "
                             f"{', '.join(SCOPES)}")
        if not 0.5 < self.target_fidelity <= 1:
            raise ValueError(f"purification.target_fidelity must be in (0.5, 1], got "
                             f"{self.target_fidelity!r}")


def rounds_needed(protocol: str, fidelity: float, target: float, where: str) -> int:
    """Successful rounds that lift pairs of ``fidelity`` to ``target`` (by the closed forms).

    Raises ValueError naming ``where`` if pumping with such pairs never gets there.
    """
    estimate = werner_coefficients(min(max(fidelity, 0.0), 1.0))
    fresh = estimate
    rounds = 0
    while estimate[0] < target - 1e-12:
        if protocol == "bbpssw":
            better = werner_coefficients(bbpssw_fidelity(estimate[0], fresh[0]))
        else:
            better = dejmps_coefficients(estimate, fresh)
        rounds += 1
        if better[0] <= estimate[0] + 1e-9 or rounds > _MAX_ROUNDS:
            raise ValueError(
                f"purification ({protocol}, {where}) cannot reach target_fidelity {target:g} "
                f"from pairs of fidelity {fidelity:.6g}: pumping stalls at {estimate[0]:.6g}"
            )
        estimate = better
    return rounds


def werner_product_fidelity(fidelities: Sequence[float]) -> float:
    """Fidelity of a pair swapped from Werner pairs of these fidelities: ``(1 + 3 W) / 4``."""
    return (1 + 3 * math.prod((4 * f - 1) / 3 for f in fidelities)) / 4


class DirectMessenger:
    """Classical messages between two nodes with a fixed delay, for one purification.

    Has the ``mailbox``/``send`` interface of
    :class:`~netqsim.network.classical.ClassicalNetwork` that
    :func:`~netqsim.network.purification.purify` uses; its mailboxes are its
    own, so concurrent purifications between the same nodes never share one.
    """

    def __init__(self, sim: Simulator, delay: float) -> None:
        self.sim = sim
        self.delay = delay
        self._boxes: dict[tuple[str, str, Hashable], Channel] = {}

    def mailbox(self, node: str, source: str, key: Hashable) -> Channel:
        """The channel on which ``node`` receives ``source``'s messages."""
        box = self._boxes.get((node, source, key))
        if box is None:
            box = self._boxes[(node, source, key)] = Channel(self.sim, 0.0)
        return box

    def send(self, source: str, target: str, key: Hashable, message: Any) -> None:
        """Deliver ``message`` to ``target`` after the delay."""
        self.mailbox(target, source, key).send(message, delay=self.delay)


def pump(
    sim: Simulator,
    protocol: str,
    rounds: int,
    ends: tuple[PairEnd, PairEnd],
    make_sacrifice: Any,
    delay: float,
    rng: np.random.Generator,
    summary: NetworkSummary,
) -> Gen:
    """Purify the kept pair at ``ends`` with ``rounds`` fresh pairs; True if all succeeded.

    ``make_sacrifice()`` is a generator that puts a fresh Phi+ pair into the
    two sacrificial positions. Stops at the first failed round (the kept pair
    is then spoiled and the caller discards it). Returns ``(ok, tried)``.
    """
    messenger = DirectMessenger(sim, delay)
    for tried in range(1, rounds + 1):
        yield from make_sacrifice()
        ok = yield from purify(sim, protocol, ends[0], ends[1], messenger, rng)  # type: ignore[arg-type]
        for end in ends:
            summary.add(end.node, "purified")
        if not ok:
            return False, tried
    return True, rounds
