"""Entanglement purification (BBPSSW and DEJMPS) on two nodes' processors, and closed forms.

Two nodes share two pairs, each close to |Phi+> = (|00> + |11>)/sqrt(2): a pair to
*keep* and a *sacrificial* pair. One round of either protocol runs, at each node,
on that node's processor (its gate durations, gate noise and memory decoherence):

* **BBPSSW** (Bennett et al., PRL 76, 722 (1996)): both pairs are first twirled
  into Werner form by a random bilateral rotation ``U (x) U*`` (a Pauli, then
  0, 1 or 2 times the cyclic rotation ``rot_z(pi/2) rot_x(pi/2)``, which permutes
  X -> Y -> Z). Both nodes apply the same random element: it stands for the
  shared randomness of the protocol and takes no communication.
* **DEJMPS** (Deutsch et al., PRL 77, 2818 (1996)): the first node applies
  ``rot_x(pi/2)`` to both of its qubits, the second ``rot_x(-pi/2)``.

Then each node applies CNOT (keep -> sacrificial), measures the sacrificial qubit
in Z, frees it and sends the outcome to the other node over the classical link
(:mod:`netqsim.network.classical`, with its delay). The round succeeds iff the
two outcomes agree; each node knows it once the other's outcome has arrived.
On failure the kept qubits are left in place for the caller to discard.

Closed forms (Bell-diagonal coefficients in DEJMPS's order ``(A, B, C, D)`` =
weights of ``(Phi+, Psi-, Psi+, Phi-)``):

* BBPSSW, Werner inputs of fidelities F1, F2 (``e_i = (1 - F_i) / 3``)::

      p = F1 F2 + F1 e2 + e1 F2 + 5 e1 e2
      F' = (F1 F2 + e1 e2) / p

* DEJMPS, Bell-diagonal inputs ``(A1, B1, C1, D1)``, ``(A2, B2, C2, D2)``::

      p  = (A1 + B1)(A2 + B2) + (C1 + D1)(C2 + D2)
      A' = (A1 A2 + B1 B2) / p      B' = (C1 D2 + D1 C2) / p
      C' = (C1 C2 + D1 D2) / p      D' = (A1 B2 + B1 A2) / p
"""

from __future__ import annotations

import math
from collections.abc import Generator, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from netqsim.hardware.processor import QuantumProcessor
from netqsim.kernel import Simulator
from netqsim.network.classical import ClassicalNetwork

__all__ = [
    "PROTOCOLS",
    "PairEnd",
    "bbpssw_fidelity",
    "bbpssw_success_probability",
    "bell_diagonal",
    "dejmps_coefficients",
    "dejmps_success_probability",
    "purify",
    "purify_end",
    "twirl_gates",
    "werner_coefficients",
]

Gen = Generator[Any, Any, Any]
Protocol = Literal["bbpssw", "dejmps"]
#: Purification protocols by name.
PROTOCOLS: tuple[str, ...] = ("bbpssw", "dejmps")
BellCoefficients = tuple[float, float, float, float]

_PAULIS = ("", "x", "y", "z")


@dataclass(frozen=True)
class PairEnd:
    """One node's half of the two pairs: its processor and the two positions."""

    node: str
    processor: QuantumProcessor
    keep: int
    sacrifice: int


# --------------------------------------------------------------------------- closed forms


def _check_fidelity(name: str, value: float) -> float:
    v = float(value)
    if not 0.0 <= v <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be a fidelity in [0, 1], got {value!r}")
    return v


def _check_coefficients(name: str, coeffs: Sequence[float]) -> BellCoefficients:
    values = tuple(float(c) for c in coeffs)
    if len(values) != 4 or any(not 0.0 <= c <= 1.0 for c in values):
        raise ValueError(f"{name} must be four weights in [0, 1], got {tuple(coeffs)!r}")
    if abs(sum(values) - 1.0) > 1e-9:
        raise ValueError(f"{name} must sum to 1, got {sum(values):.6g}")
    return values  # type: ignore[return-value]


def werner_coefficients(fidelity: float) -> BellCoefficients:
    """``(A, B, C, D)`` of the Werner state of this fidelity to |Phi+>."""
    f = _check_fidelity("fidelity", fidelity)
    e = (1.0 - f) / 3.0
    return (f, e, e, e)


def bbpssw_success_probability(f1: float, f2: float | None = None) -> float:
    """Probability that one BBPSSW round on Werner pairs of fidelities f1, f2 succeeds."""
    a = _check_fidelity("f1", f1)
    b = a if f2 is None else _check_fidelity("f2", f2)
    ea, eb = (1.0 - a) / 3.0, (1.0 - b) / 3.0
    return a * b + a * eb + ea * b + 5.0 * ea * eb


def bbpssw_fidelity(f1: float, f2: float | None = None) -> float:
    """Fidelity to |Phi+> of the kept pair after a successful BBPSSW round (Werner inputs)."""
    a = _check_fidelity("f1", f1)
    b = a if f2 is None else _check_fidelity("f2", f2)
    ea, eb = (1.0 - a) / 3.0, (1.0 - b) / 3.0
    return (a * b + ea * eb) / bbpssw_success_probability(a, b)


def dejmps_success_probability(
    c1: Sequence[float], c2: Sequence[float] | None = None
) -> float:
    """Probability that one DEJMPS round on Bell-diagonal pairs ``(A, B, C, D)`` succeeds."""
    a1, b1, x1, d1 = _check_coefficients("c1", c1)
    a2, b2, x2, d2 = (a1, b1, x1, d1) if c2 is None else _check_coefficients("c2", c2)
    return (a1 + b1) * (a2 + b2) + (x1 + d1) * (x2 + d2)


def dejmps_coefficients(
    c1: Sequence[float], c2: Sequence[float] | None = None
) -> BellCoefficients:
    """``(A, B, C, D)`` of the kept pair after a successful DEJMPS round."""
    a1, b1, x1, d1 = _check_coefficients("c1", c1)
    a2, b2, x2, d2 = (a1, b1, x1, d1) if c2 is None else _check_coefficients("c2", c2)
    p = dejmps_success_probability((a1, b1, x1, d1), (a2, b2, x2, d2))
    return (
        (a1 * a2 + b1 * b2) / p,
        (x1 * d2 + d1 * x2) / p,
        (x1 * x2 + d1 * d2) / p,
        (a1 * b2 + b1 * a2) / p,
    )


_S = 1.0 / math.sqrt(2.0)
#: |Phi+>, |Psi->, |Psi+>, |Phi-> in the basis |00>, |01>, |10>, |11> (DEJMPS's order).
_BELL = np.array(
    [[_S, 0, 0, _S], [0, _S, -_S, 0], [0, _S, _S, 0], [_S, 0, 0, -_S]], dtype=complex
)


def bell_diagonal(rho: np.ndarray) -> BellCoefficients:
    """Weights of ``(Phi+, Psi-, Psi+, Phi-)`` in the two-qubit density matrix ``rho``."""
    rho = np.asarray(rho, dtype=complex)
    if rho.shape != (4, 4):
        raise ValueError(f"rho must be a 4x4 density matrix, got shape {rho.shape}")
    return tuple(float(np.real(v.conj() @ rho @ v)) for v in _BELL)  # type: ignore[return-value]


# --------------------------------------------------------------------------- circuits


def twirl_gates(pauli: int, cycle: int, first: bool) -> list[tuple[str, float | None]]:
    """The gates one node applies to one qubit for the twirl element ``(pauli, cycle)``.

    ``pauli`` 0..3 is I, X, Y, Z (applied on both sides: ``P (x) P`` leaves |Phi+>
    unchanged); ``cycle`` 0..2 repeats ``rot_z(s pi/2) rot_x(s pi/2)`` (``s = +1`` at
    the first node, ``-1`` at the second: ``U (x) U*``), which permutes X -> Y -> Z.
    """
    if pauli not in range(4) or cycle not in range(3):
        raise ValueError(f"twirl element must have pauli in 0..3 and cycle in 0..2, got "
                         f"({pauli!r}, {cycle!r})")
    sign = 1.0 if first else -1.0
    out: list[tuple[str, float | None]] = [(_PAULIS[pauli], None)] if pauli else []
    out += [("rot_x", sign * math.pi / 2), ("rot_z", sign * math.pi / 2)] * cycle
    return out


def _draw_twirls(rng: np.random.Generator) -> tuple[tuple[int, int], tuple[int, int]]:
    """One uniformly random twirl element per pair (keep, sacrifice)."""
    k, s = (int(v) for v in rng.integers(12, size=2))
    return (k // 3, k % 3), (s // 3, s % 3)


def purify_end(
    protocol: Protocol,
    end: PairEnd,
    peer: str,
    classical: ClassicalNetwork,
    *,
    first: bool,
    twirls: tuple[tuple[int, int], tuple[int, int]] | None = None,
    key: Hashable = "purify",
) -> Gen:
    """One node's side of one purification round; returns True if the round succeeded.

    ``first`` is True at exactly one of the two nodes (it takes the ``+`` rotation
    angles). ``twirls`` (BBPSSW only) are the shared random twirl elements of the
    keep and sacrificial pairs. The outcomes travel in the mailboxes for ``key``.
    """
    proc = end.processor
    if protocol == "dejmps":
        angle = math.pi / 2 if first else -math.pi / 2
        yield from proc.gate("rot_x", end.keep, angle)
        yield from proc.gate("rot_x", end.sacrifice, angle)
    elif protocol == "bbpssw":
        if twirls is None:
            raise ValueError("bbpssw needs the shared twirl elements (twirls=...)")
        for pos, (pauli, cycle) in zip((end.keep, end.sacrifice), twirls, strict=True):
            for mnemonic, twirl_angle in twirl_gates(pauli, cycle, first):
                yield from proc.gate(mnemonic, pos, twirl_angle)
    else:
        raise ValueError(f"unknown purification protocol {protocol!r} (known: "
                         f"{', '.join(PROTOCOLS)})")
    yield from proc.gate("cnot", (end.keep, end.sacrifice))
    outcome = yield from proc.measure(end.sacrifice)
    proc.free(end.sacrifice)
    inbox = classical.mailbox(end.node, peer, key)
    classical.send(end.node, peer, key, outcome)
    peer_outcome = yield inbox.recv()
    return outcome == peer_outcome


def purify(
    sim: Simulator,
    protocol: Protocol,
    a: PairEnd,
    b: PairEnd,
    classical: ClassicalNetwork,
    rng: np.random.Generator,
    key: Hashable = "purify",
) -> Gen:
    """One purification round between ``a`` and ``b``, both sides in parallel.

    Returns True (kept pair purified) or False (kept pair spoiled; the caller
    discards it) once both nodes know the result. ``rng`` draws BBPSSW's twirls.
    """
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown purification protocol {protocol!r} (known: "
                         f"{', '.join(PROTOCOLS)})")
    if a.node == b.node:
        raise ValueError(f"purification needs two different nodes, got {a.node!r} twice")
    twirls = _draw_twirls(rng) if protocol == "bbpssw" else None
    side_a = sim.process(
        purify_end(protocol, a, b.node, classical, first=True, twirls=twirls, key=key)
    )
    side_b = sim.process(
        purify_end(protocol, b, a.node, classical, first=False, twirls=twirls, key=key)
    )
    yield side_a & side_b
    assert side_a.value == side_b.value  # both compare the same two outcomes
    return bool(side_a.value)
