"""Measurement statistics within 5 sigma of the Born rule (fixed seeds)."""

import math

import numpy as np
import pytest

from netqsim.quantum import QuantumEngine, bell_state, gates

N = 3000  # shots per case; sigma = sqrt(p (1-p) / N)


def within_5_sigma(count, n, p):
    sigma = math.sqrt(max(p * (1 - p), 1e-12) / n)
    return abs(count / n - p) <= 5 * sigma + 1e-12


@pytest.mark.parametrize("formalism", ["dm", "ket"])
@pytest.mark.parametrize(("theta", "basis"), [(0.8, "Z"), (2.0, "Z"), (1.1, "X"), (0.5, "Y")])
def test_single_qubit_statistics(formalism, theta, basis):
    # state: Ry(theta)|0> for Z/X; Rx(theta)|0> for Y
    if basis == "Y":
        gate = gates.rx(theta)
        p1 = (1 + math.sin(theta)) / 2  # <Y> = -sin(theta) for Rx(theta)|0>
    else:
        gate = gates.ry(theta)
        p1 = math.sin(theta / 2) ** 2 if basis == "Z" else (1 - math.sin(theta)) / 2
    eng = QuantumEngine(formalism, rng=np.random.default_rng(1234))
    ones = 0
    for _ in range(N):
        q = eng.new_qubit()
        eng.apply(gate, [q])
        ones += eng.measure(q, basis)
        eng.discard(q)
    assert within_5_sigma(ones, N, p1), (ones / N, p1)


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
def test_bell_pair_correlations(formalism):
    """Phi+: Z outcomes equal; Psi-: X outcomes differ; marginals 1/2."""
    eng = QuantumEngine(formalism, rng=np.random.default_rng(77))
    ones = 0
    for i in range(N):
        a, b = eng.new_qubits(2)
        index, basis = (0, "Z") if i % 2 == 0 else (3, "X")
        eng.set_state([a, b], bell_state(index))
        ma, mb = eng.measure(a, basis), eng.measure(b, basis)
        assert (ma == mb) == (index == 0)
        ones += ma
        eng.discard(a)
        eng.discard(b)
    assert within_5_sigma(ones, N, 0.5)


@pytest.mark.parametrize("formalism", ["dm", "ket"])
def test_three_qubit_marginal_and_collapse(formalism):
    """GHZ-like state with unequal weights: P(1) = w; after measuring, rest collapses."""
    w = 0.3
    psi = np.zeros(8, dtype=complex)
    psi[0], psi[7] = math.sqrt(1 - w), math.sqrt(w)
    eng = QuantumEngine(formalism, rng=np.random.default_rng(5))
    ones = 0
    for _ in range(N):
        qs = eng.new_qubits(3)
        eng.set_state(qs, psi)
        m = eng.measure(qs[1])
        ones += m
        assert eng.group_of(qs[1]) == (qs[1],)
        assert eng.group_of(qs[0]) == (qs[0], qs[2])
        rest = eng.density_matrix([qs[0], qs[2]])
        assert np.isclose(rest[3 * m, 3 * m].real, 1.0)
        for q in qs:
            eng.discard(q)
    assert within_5_sigma(ones, N, w)
