"""dm, ket (averaged over trajectories) and stab agree; stab specifics."""

import math

import numpy as np
import pytest

from netqsim.quantum import QuantumEngine, bell_state, gates, werner_state

RUNS = 1500
# Monte Carlo: each matrix element of an average of RUNS bounded samples has
# sigma <= 0.5/sqrt(RUNS) ~ 0.013, so 0.065 is a 5-sigma bound.
ATOL = 5 * 0.5 / math.sqrt(RUNS)


def clifford_circuit(eng):
    a, b, c = eng.new_qubits(3)
    eng.apply(gates.H, [a])
    eng.apply(gates.CNOT, [a, b])
    eng.depolarize([a], 0.2)
    eng.apply(gates.S, [b])
    eng.apply(gates.K, [c])
    eng.apply(gates.CZ, [b, c])
    eng.dephase(b, 0.15)
    eng.pauli_channel(c, 0.1, 0.05, 0.2)
    eng.apply(gates.rx(math.pi / 2), [a])
    eng.apply(gates.SWAP, [a, c])
    eng.depolarize_joint([a, b], 0.3)
    eng.apply(gates.crx(math.pi / 2), [c, a])
    return [a, b, c]


def average_dm(formalism, circuit, seed=3):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(seed))
    acc = 0
    for _ in range(RUNS):
        qs = circuit(eng)
        acc = acc + eng.density_matrix(qs)
        for q in qs:
            eng.discard(q)
    return acc / RUNS


def test_clifford_circuit_with_pauli_noise_agrees():
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    exact = eng.density_matrix(clifford_circuit(eng))
    assert np.abs(average_dm("ket", clifford_circuit) - exact).max() < ATOL
    assert np.abs(average_dm("stab", clifford_circuit) - exact).max() < ATOL


def test_clifford_circuit_measurement_statistics_agree():
    def run(formalism):
        eng = QuantumEngine(formalism, rng=np.random.default_rng(9))
        counts = np.zeros(8)
        for _ in range(RUNS):
            qs = clifford_circuit(eng)
            ms = [eng.measure(q, basis) for q, basis in zip(qs, "ZXY", strict=True)]
            counts[ms[0] * 4 + ms[1] * 2 + ms[2]] += 1
            for q in qs:
                eng.discard(q)
        return counts / RUNS

    pd, pk, ps = run("dm"), run("ket"), run("stab")
    assert np.abs(pd - pk).max() < ATOL
    assert np.abs(pd - ps).max() < ATOL


def test_ket_trajectories_reproduce_t1t2_and_amplitude_damping():
    def circuit(eng):
        a, b = eng.new_qubits(2)
        eng.apply(gates.ry(1.0), [a])
        eng.apply(gates.CNOT, [a, b])
        eng.t1t2(a, 300.0, 1000.0, 700.0)
        eng.amplitude_damp(b, 0.4)
        eng.apply(gates.H, [b])
        return [a, b]

    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    exact = eng.density_matrix(circuit(eng))
    assert np.abs(average_dm("ket", circuit) - exact).max() < ATOL


def test_ket_samples_mixed_set_state():
    def circuit(eng):
        a, b = eng.new_qubits(2)
        eng.set_state([a, b], werner_state(0.8))
        return [a, b]

    assert np.abs(average_dm("ket", circuit) - werner_state(0.8)).max() < ATOL


@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_stab_bell_and_werner_states(index):
    eng = QuantumEngine("stab", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    eng.set_state([a, b], bell_state(index))
    assert np.allclose(eng.density_matrix([a, b]), bell_state(index, as_dm=True))

    def circuit(eng):
        a, b = eng.new_qubits(2)
        eng.set_state([a, b], werner_state(0.85, index))
        return [a, b]

    assert np.abs(average_dm("stab", circuit) - werner_state(0.85, index)).max() < ATOL


def test_stab_twirled_t1t2():
    """Pauli-twirled T1/T2: coherence exp(-t/T2) exactly on average; |1> -> 1 - gamma/2."""
    t, t1, t2 = 400.0, 1000.0, 800.0
    gamma = 1 - math.exp(-t / t1)

    def plus(eng):
        q = eng.new_qubit()
        eng.apply(gates.H, [q])
        eng.t1t2(q, t, t1, t2)
        return [q]

    def one(eng):
        q = eng.new_qubit()
        eng.apply(gates.X, [q])
        eng.t1t2(q, t, t1, t2)
        return [q]

    rp = average_dm("stab", plus)
    assert abs(2 * rp[0, 1].real - math.exp(-t / t2)) < 2 * ATOL
    r1 = average_dm("stab", one)
    assert abs(r1[1, 1].real - (1 - gamma / 2)) < ATOL


def test_stab_accepts_clifford_rotations_and_matches_dm():
    angles = [0.0, math.pi / 2, math.pi, -math.pi / 2, 3 * math.pi / 2, 2 * math.pi]
    for theta in angles:
        for make in (gates.rx, gates.ry, gates.rz, gates.crx, gates.cry):
            g = make(theta)
            res = []
            for formalism in ("dm", "stab"):
                eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
                a, b = eng.new_qubits(2)
                eng.apply(gates.H, [a])
                eng.apply(gates.K, [b])
                eng.apply(gates.CNOT, [a, b])
                eng.apply(gates.S, [b])
                eng.apply(g, [a] if g.num_qubits == 1 else [a, b])
                res.append(eng.density_matrix([a, b]))
            assert np.allclose(res[0], res[1], atol=1e-9), g.name


def test_stab_many_qubits_and_reuse():
    eng = QuantumEngine("stab", rng=np.random.default_rng(0))
    qs = eng.new_qubits(2000)
    eng.apply(gates.H, [qs[0]])
    for i in range(1999):
        eng.apply(gates.CNOT, [qs[i], qs[i + 1]])
    m = eng.measure(qs[0])
    assert all(eng.measure(q) == m for q in qs[1:50])
    for q in qs[:100]:
        eng.discard(q)
    fresh = eng.new_qubits(100)
    assert all(eng.measure(q) == 0 for q in fresh)
