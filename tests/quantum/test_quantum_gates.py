"""Every gate against its matrix, NV controlled rotations, rotated-basis measurement."""

import math

import numpy as np
import pytest
from quantum_helpers import I2, X, Y, Z, embed, random_dm, random_ket

from netqsim.quantum import QuantumEngine, gates

R = 1 / math.sqrt(2)
EXPECTED_1Q = {
    "X": X,
    "Y": Y,
    "Z": Z,
    "H": np.array([[R, R], [R, -R]]),
    "S": np.diag([1, 1j]),
    "T": np.diag([1, np.exp(1j * math.pi / 4)]),
    "K": (Y + Z) * R,
}
EXPECTED_2Q = {
    "CNOT": np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]]),
    "CZ": np.diag([1, 1, 1, -1]),
    "SWAP": np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
}


def expm_pauli(p, theta):
    return math.cos(theta / 2) * I2 - 1j * math.sin(theta / 2) * p


@pytest.mark.parametrize("name", sorted(EXPECTED_1Q))
def test_fixed_1q_matrices(name):
    assert np.allclose(getattr(gates, name).matrix, EXPECTED_1Q[name])


@pytest.mark.parametrize("name", sorted(EXPECTED_2Q))
def test_fixed_2q_matrices(name):
    assert np.allclose(getattr(gates, name).matrix, EXPECTED_2Q[name])


@pytest.mark.parametrize("theta", [0.0, 0.3, math.pi / 2, math.pi, -1.7, 5.0])
def test_rotations(theta):
    assert np.allclose(gates.rx(theta).matrix, expm_pauli(X, theta))
    assert np.allclose(gates.ry(theta).matrix, expm_pauli(Y, theta))
    assert np.allclose(gates.rz(theta).matrix, expm_pauli(Z, theta))


@pytest.mark.parametrize("theta", [0.0, 0.4, math.pi / 2, -2.2])
def test_nv_controlled_rotations(theta):
    p0 = np.diag([1, 0])
    p1 = np.diag([0, 1])
    crx = np.kron(p0, expm_pauli(X, theta)) + np.kron(p1, expm_pauli(X, -theta))
    cry = np.kron(p0, expm_pauli(Y, theta)) + np.kron(p1, expm_pauli(Y, -theta))
    assert np.allclose(gates.crx(theta).matrix, crx)
    assert np.allclose(gates.cry(theta).matrix, cry)


def test_custom_gate_validation():
    with pytest.raises(ValueError, match="not unitary"):
        gates.Gate("bad", [[1, 1], [0, 1]])
    with pytest.raises(ValueError, match="power-of-two"):
        gates.Gate("bad", np.eye(3))


ALL_GATES = [getattr(gates, n) for n in EXPECTED_1Q] + [
    gates.rx(0.7),
    gates.ry(-1.1),
    gates.rz(2.3),
] + [getattr(gates, n) for n in EXPECTED_2Q] + [gates.crx(0.9), gates.cry(-0.4)]


@pytest.mark.parametrize("formalism", ["dm", "ket"])
@pytest.mark.parametrize("gate", ALL_GATES, ids=lambda g: g.name)
@pytest.mark.parametrize("n", [2, 3])
def test_gate_inside_group_matches_reference(formalism, gate, n):
    """Apply to every placement inside a random n-qubit group; compare with np.kron maths."""
    rng = np.random.default_rng(5)
    k = gate.num_qubits
    placements = [(i,) for i in range(n)] if k == 1 else [
        (i, j) for i in range(n) for j in range(n) if i != j
    ]
    for pos in placements:
        eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
        qs = eng.new_qubits(n)
        state = random_dm(rng, n) if formalism == "dm" else random_ket(rng, n)
        eng.set_state(qs, state)
        eng.apply(gate, [qs[p] for p in pos])
        u = embed(gate.matrix, pos, n)
        rho0 = state if state.ndim == 2 else np.outer(state, state.conj())
        assert np.allclose(eng.density_matrix(qs), u @ rho0 @ u.conj().T, atol=1e-12)


@pytest.mark.parametrize("formalism", ["dm", "ket"])
def test_gate_merges_separate_groups(formalism):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
    a, b, c = eng.new_qubits(3)
    eng.apply(gates.X, [c])
    eng.apply(gates.CNOT, [c, a])  # merge c and a; order [c, a]
    assert eng.group_of(a) == (c, a)
    assert eng.group_of(b) == (b,)
    assert np.allclose(eng.density_matrix([a, b, c]).diagonal().real, np.eye(8)[0b101])


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
def test_measure_named_bases_eigenstates(formalism):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(3))
    prep = {"Z": [], "X": [gates.H], "Y": [gates.H, gates.S]}
    for basis, seq in prep.items():
        for flip in (0, 1):
            for _ in range(5):
                q = eng.new_qubit()
                if flip:
                    eng.apply(gates.X, [q])
                for g in seq:
                    eng.apply(g, [q])
                assert eng.measure(q, basis) == flip
                # post-measurement state is the basis state: measuring again agrees
                assert eng.measure(q, basis) == flip


@pytest.mark.parametrize("formalism", ["dm", "ket"])
@pytest.mark.parametrize("theta", [0.3, 1.2, 2.8])
def test_measure_rotated_basis(formalism, theta):
    """Measuring Ry(theta)|0> in basis U = Ry(theta) always gives 0 and leaves U|0>."""
    u = gates.ry(theta).matrix
    eng = QuantumEngine(formalism, rng=np.random.default_rng(1))
    for _ in range(10):
        q = eng.new_qubit()
        eng.apply(gates.ry(theta), [q])
        assert eng.measure(q, basis=u) == 0
        assert np.allclose(eng.density_matrix([q]), np.outer(u[:, 0], u[:, 0].conj()))
    # |0> measured in that basis: P(0) = cos^2(theta/2); post-state is U|m>
    eng = QuantumEngine("dm", rng=np.random.default_rng(2))
    n, ones = 4000, 0
    for _ in range(n):
        q = eng.new_qubit()
        m = eng.measure(q, basis=u)
        assert np.allclose(eng.density_matrix([q]), np.outer(u[:, m], u[:, m].conj()))
        ones += m
        eng.discard(q)
    p1 = math.sin(theta / 2) ** 2
    sigma = math.sqrt(p1 * (1 - p1) / n)
    assert abs(ones / n - p1) < 5 * sigma


def test_measure_rejects_bad_basis():
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    q = eng.new_qubit()
    with pytest.raises(ValueError, match="basis"):
        eng.measure(q, basis="W")
    with pytest.raises(ValueError, match="basis"):
        eng.measure(q, basis=np.array([[1, 1], [0, 1]]))
