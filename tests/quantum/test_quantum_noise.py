"""Noise channels against closed forms and Kraus sums."""

import math

import numpy as np
import pytest
from quantum_helpers import I2, X, Y, Z, embed, random_dm

from netqsim.quantum import QuantumEngine, bell_state, fidelity, gates, werner_state


def kraus_apply(rho, kraus, pos, n):
    out = np.zeros_like(rho)
    for k in kraus:
        kk = embed(k, (pos,), n)
        out += kk @ rho @ kk.conj().T
    return out


def pauli_kraus(px, py, pz):
    return [math.sqrt(1 - px - py - pz) * I2, math.sqrt(px) * X, math.sqrt(py) * Y,
            math.sqrt(pz) * Z]


def ad_kraus(g):
    return [np.array([[1, 0], [0, math.sqrt(1 - g)]]), np.array([[0, math.sqrt(g)], [0, 0]])]


CHANNELS = [
    ("depolarize", (0.3,), pauli_kraus(0.075, 0.075, 0.075)),
    ("dephase", (0.2,), pauli_kraus(0, 0, 0.2)),
    ("pauli_channel", (0.1, 0.2, 0.05), pauli_kraus(0.1, 0.2, 0.05)),
    ("amplitude_damp", (0.35,), ad_kraus(0.35)),
]


@pytest.mark.parametrize(("method", "args", "kraus"), CHANNELS, ids=[c[0] for c in CHANNELS])
@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_channel_matches_kraus_sum(method, args, kraus, n):
    rng = np.random.default_rng(11)
    for pos in range(n):
        eng = QuantumEngine("dm", rng=np.random.default_rng(0))
        qs = eng.new_qubits(n)
        rho = random_dm(rng, n)
        eng.set_state(qs, rho)
        getattr(eng, method)(qs[pos], *args)
        assert np.allclose(eng.density_matrix(qs), kraus_apply(rho, kraus, pos, n), atol=1e-12)


def test_depolarize_convention():
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    q = eng.new_qubit()
    eng.depolarize([q], 0.4)
    assert np.allclose(eng.density_matrix([q]), 0.6 * np.diag([1, 0]) + 0.4 * I2 / 2)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 1.0])
def test_depolarize_joint_bell_pair_gives_werner(p):
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    eng.apply(gates.H, [a])
    eng.apply(gates.CNOT, [a, b])
    eng.depolarize_joint([a, b], p)
    f = 1 - 3 * p / 4
    rho = eng.density_matrix([a, b])
    assert np.allclose(rho, werner_state(f))
    assert np.isclose(fidelity(rho, bell_state(0)), f)
    expected = (1 - p) * bell_state(0, as_dm=True) + p * np.eye(4) / 4
    assert np.allclose(rho, expected)


def test_depolarize_joint_inside_larger_group():
    rng = np.random.default_rng(4)
    eng = QuantumEngine("dm", rng=rng)
    qs = eng.new_qubits(3)
    rho = random_dm(rng, 3)
    eng.set_state(qs, rho)
    eng.depolarize_joint([qs[2], qs[0]], 0.3)
    t = rho.reshape((2,) * 6)
    red1 = np.einsum("abcaec->be", t)  # reduced state of qubit 1 (trace qubits 0, 2)
    expected = 0.7 * rho + 0.3 * np.kron(np.kron(I2 / 2, red1), I2 / 2)
    assert np.allclose(eng.density_matrix(qs), expected)


def test_independent_depolarize_of_bell_pair():
    """Independent depolarizing p on both halves of Phi+: F = 1 - 3/4 (2p - p^2)."""
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    eng.set_state([a, b], bell_state(0))
    p = 0.2
    eng.depolarize([a, b], p)
    p_tot = 1 - (1 - p) ** 2
    assert np.allclose(eng.density_matrix([a, b]), werner_state(1 - 3 * p_tot / 4))


T1, T2 = 1000.0, 600.0


@pytest.mark.parametrize("formalism", ["dm"])
@pytest.mark.parametrize("t", [0.0, 50.0, 300.0, 1000.0, 5000.0])
def test_t1t2_closed_form(formalism, t):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
    q1, qp = eng.new_qubits(2)
    eng.apply(gates.X, [q1])
    eng.apply(gates.H, [qp])
    eng.t1t2(q1, t, T1, T2)
    eng.t1t2(qp, t, T1, T2)
    assert np.isclose(eng.density_matrix([q1])[1, 1].real, math.exp(-t / T1))
    rp = eng.density_matrix([qp])
    assert np.isclose(2 * abs(rp[0, 1]), math.exp(-t / T2))
    assert np.isclose(rp[1, 1].real, 0.5 * math.exp(-t / T1))


@pytest.mark.parametrize("t", [10.0, 400.0])
def test_t1t2_zero_disables_axis(t):
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    eng.apply(gates.H, [a])
    eng.apply(gates.H, [b])
    eng.t1t2(a, t, 0.0, T2)  # no relaxation: populations stay 1/2
    ra = eng.density_matrix([a])
    assert np.isclose(ra[1, 1].real, 0.5)
    assert np.isclose(2 * abs(ra[0, 1]), math.exp(-t / T2))
    eng.t1t2(b, t, T1, 0.0)  # relaxation only: coherence exp(-t / 2T1)
    rb = eng.density_matrix([b])
    assert np.isclose(2 * abs(rb[0, 1]), math.exp(-t / (2 * T1)))
    eng.t1t2(a, t, 0.0, 0.0)  # no noise at all
    assert np.allclose(eng.density_matrix([a]), ra)


def test_t1t2_inside_entangled_group_matches_kraus():
    rng = np.random.default_rng(8)
    eng = QuantumEngine("dm", rng=rng)
    qs = eng.new_qubits(3)
    rho = random_dm(rng, 3)
    eng.set_state(qs, rho)
    t = 200.0
    eng.t1t2(qs[1], t, T1, T2)
    g = 1 - math.exp(-t / T1)
    lam = math.exp(-t / T2) / math.sqrt(1 - g)
    pz = (1 - lam) / 2
    expected = kraus_apply(kraus_apply(rho, ad_kraus(g), 1, 3), pauli_kraus(0, 0, pz), 1, 3)
    assert np.allclose(eng.density_matrix(qs), expected)


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
def test_readout_error_rates(formalism):
    """Readout flips use separate P(0->1) and P(1->0); the state keeps the true outcome."""
    eng = QuantumEngine(formalism, rng=np.random.default_rng(21))
    n = 4000
    p01, p10 = 0.1, 0.3
    for true, pflip in ((0, p01), (1, p10)):
        flips = 0
        for _ in range(n):
            q = eng.new_qubit()
            if true:
                eng.apply(gates.X, [q])
            flips += eng.measure(q, "Z", p0to1=p01, p1to0=p10) != true
            assert np.isclose(eng.density_matrix([q])[true, true].real, 1.0)
            eng.discard(q)
        sigma = math.sqrt(pflip * (1 - pflip) / n)
        assert abs(flips / n - pflip) < 5 * sigma
