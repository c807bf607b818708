"""Noise channels in closed form: parameters, validation and single-qubit superoperators.

All superoperators use the row-major vectorisation ``vec(rho)[2*a + b] = rho[a, b]``.

Conventions (NetSquid-compatible):

- depolarizing(p):   ``rho -> (1-p) rho + p I/2`` (per qubit); joint version on a
  pair: ``rho -> (1-p) rho + p I/4 (x) Tr_pair(rho)``.
- dephasing(p):      ``rho -> (1-p) rho + p Z rho Z``.
- amplitude damping(gamma): Kraus ``[[1,0],[0,sqrt(1-gamma)]]``, ``[[0,sqrt(gamma)],[0,0]]``.
- Pauli channel(px, py, pz): ``rho -> (1-px-py-pz) rho + px X rho X + py Y rho Y + pz Z rho Z``.
- T1/T2 for an elapsed time ``t`` (NetSquid ``T1T2NoiseModel``): amplitude damping with
  ``gamma = 1 - exp(-t/T1)``, then dephasing chosen so that the off-diagonal elements
  decay as ``exp(-t/T2)`` overall.  ``T1 = 0`` disables relaxation; ``T2 = 0`` disables
  the extra dephasing (coherences then decay as ``exp(-t/(2 T1))`` from relaxation alone).
  ``T2 > 2 T1`` with both nonzero is unphysical and rejected.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "amplitude_damping_superop",
    "check_prob",
    "depolarize_joint_superop",
    "pauli_superop",
    "t1t2_parameters",
    "t1t2_superop",
    "twirled_t1t2_paulis",
]


_ZERO44 = np.zeros((4, 4), dtype=complex)
_ZERO44.setflags(write=False)


def check_prob(name: str, value: float) -> float:
    """Return ``float(value)`` if it lies in [0, 1], else raise ``ValueError`` naming it."""
    v = float(value)
    if not 0.0 <= v <= 1.0:  # also rejects NaN
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return v


def pauli_superop(px: float, py: float, pz: float) -> np.ndarray:
    """4x4 superoperator of the single-qubit Pauli channel (depolarizing and dephasing
    are special cases: depolarize(p) = pauli(p/4, p/4, p/4), dephase(p) = pauli(0, 0, p))."""
    p0 = 1.0 - px - py - pz
    keep = p0 + pz  # population stays
    flip = px + py  # population moves
    c_same = p0 - pz  # rho01 -> rho01
    c_swap = px - py  # rho01 -> rho10 (X maps rho01 to rho10, Y to -rho10)
    return np.array(
        [
            [keep, 0.0, 0.0, flip],
            [0.0, c_same, c_swap, 0.0],
            [0.0, c_swap, c_same, 0.0],
            [flip, 0.0, 0.0, keep],
        ],
        dtype=complex,
    )


def amplitude_damping_superop(gamma: float) -> np.ndarray:
    """4x4 superoperator of amplitude damping with decay probability ``gamma``."""
    return t1t2_superop(gamma, math.sqrt(1.0 - gamma))


def t1t2_superop(gamma: float, coherence: float) -> np.ndarray:
    """Relaxation ``gamma`` (|1> -> |0>) plus total coherence factor ``coherence``."""
    # Called for every memory-noise update with a fresh elapsed time, so fill a
    # zero template instead of parsing nested lists (about 2x faster).
    m = _ZERO44.copy()
    m[0, 0] = 1.0
    m[0, 3] = gamma
    m[1, 1] = coherence
    m[2, 2] = coherence
    m[3, 3] = 1.0 - gamma
    return m


def t1t2_parameters(elapsed: float, t1: float, t2: float) -> tuple[float, float]:
    """Return ``(gamma, coherence)`` for the T1/T2 channel after ``elapsed`` time.

    ``gamma = 1 - exp(-t/T1)`` (0 if ``T1 == 0``); ``coherence`` is the factor that
    multiplies ``rho01``: ``exp(-t/T2)`` if ``T2 > 0`` else ``sqrt(1 - gamma)``.
    Units only need to agree (netqsim uses nanoseconds).
    """
    if t1 < 0 or t2 < 0 or not (math.isfinite(t1) and math.isfinite(t2)):
        raise ValueError(f"T1 and T2 must be finite and >= 0, got T1={t1!r}, T2={t2!r}")
    if t1 > 0 and t2 > 2 * t1:
        raise ValueError(
            f"T2 must not exceed 2*T1 (got T1={t1!r}, T2={t2!r}); "
            "use T2=0 to disable dephasing or T1=0 to disable relaxation"
        )
    if not elapsed >= 0:
        raise ValueError(f"elapsed time must be >= 0, got {elapsed!r}")
    gamma = -math.expm1(-elapsed / t1) if t1 > 0 else 0.0
    coherence = math.exp(-elapsed / t2) if t2 > 0 else math.sqrt(1.0 - gamma)
    return gamma, coherence


def depolarize_joint_superop(p: float) -> np.ndarray:
    """16x16 superoperator of ``rho -> (1-p) rho + p Tr(rho) I/4`` on two qubits."""
    m = (1.0 - p) * np.eye(16, dtype=complex)
    vec_i = np.eye(4, dtype=complex).reshape(-1)
    m += (p / 4.0) * np.outer(vec_i, vec_i)
    return m


def twirled_t1t2_paulis(gamma: float, coherence: float) -> tuple[float, float, float]:
    """Pauli-twirl of the T1/T2 (or amplitude damping) channel: ``(px, py, pz)``.

    The twirl keeps the diagonal of the Pauli transfer matrix: populations relax
    with ``1 - gamma`` and coherences with ``coherence``; so ``px = py = gamma/4`` and
    ``pz = (1 - coherence)/2 - gamma/4``.  The steady state becomes I/2 instead of
    |0>: this is the approximation used by the ``stab`` formalism.
    """
    pxy = gamma / 4.0
    pz = max(0.0, (1.0 - coherence) / 2.0 - pxy)
    return pxy, pxy, pz
