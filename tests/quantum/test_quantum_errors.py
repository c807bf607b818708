"""Error types and messages."""

import math

import numpy as np
import pytest

from netqsim.quantum import (
    DiscardedQubitError,
    NonCliffordError,
    QuantumEngine,
    gates,
)


@pytest.mark.parametrize(
    "gate", [gates.T, gates.rx(0.3), gates.ry(math.pi / 4), gates.rz(1.0), gates.crx(0.2)],
    ids=lambda g: g.name,
)
def test_non_clifford_gate_under_stab(gate):
    eng = QuantumEngine("stab", rng=np.random.default_rng(0))
    qs = eng.new_qubits(gate.num_qubits)
    with pytest.raises(NonCliffordError) as err:
        eng.apply(gate, qs)
    msg = str(err.value)
    assert gate.name in msg
    assert "supported by formalisms: dm, ket" in msg
    assert isinstance(err.value, ValueError)  # catchable as a bad-argument error too


def test_non_stabilizer_state_and_basis_under_stab():
    eng = QuantumEngine("stab", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    with pytest.raises(NonCliffordError, match="supported by formalisms: dm, ket"):
        eng.set_state([a], np.array([math.cos(0.3), math.sin(0.3)]))
    with pytest.raises(NonCliffordError, match="supported by formalisms: dm, ket"):
        eng.set_state([a, b], _non_stab_mixed())
    with pytest.raises(NonCliffordError, match="rotated basis"):
        eng.measure(a, basis=gates.ry(0.4).matrix)


def _non_stab_mixed():
    # 0.9 |T-state><T-state| + 0.1 I/2 on one qubit, padded with |0> on the second
    v = np.array([1, np.exp(1j * math.pi / 4)]) / math.sqrt(2)
    one = 0.9 * np.outer(v, v.conj()) + 0.05 * np.eye(2)
    return np.kron(one, np.diag([1, 0]))


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
def test_use_after_discard(formalism):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    eng.discard(a)
    assert not a.is_alive
    for call in (
        lambda: eng.apply(gates.X, [a]),
        lambda: eng.apply(gates.CNOT, [b, a]),
        lambda: eng.measure(a),
        lambda: eng.depolarize([a], 0.1),
        lambda: eng.dephase(a, 0.1),
        lambda: eng.t1t2(a, 1.0, 10.0, 10.0),
        lambda: eng.reset(a),
        lambda: eng.discard(a),
        lambda: eng.density_matrix([a]),
        lambda: eng.set_state([a], np.array([1, 0])),
        lambda: eng.group_of(a),
    ):
        with pytest.raises(DiscardedQubitError, match="discarded"):
            call()


def test_qubit_of_other_engine():
    e1 = QuantumEngine("dm", rng=np.random.default_rng(0))
    e2 = QuantumEngine("dm", rng=np.random.default_rng(0))
    q = e1.new_qubit()
    with pytest.raises(DiscardedQubitError, match="different QuantumEngine"):
        e2.apply(gates.X, [q])


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
def test_t2_greater_than_2t1(formalism):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
    q = eng.new_qubit()
    with pytest.raises(ValueError, match=r"T2 must not exceed 2\*T1"):
        eng.t1t2(q, 10.0, 100.0, 201.0)
    eng.t1t2(q, 10.0, 100.0, 200.0)  # boundary is fine
    eng.t1t2(q, 10.0, 0.0, 5000.0)  # T1 = 0 disables relaxation: no constraint
    with pytest.raises(ValueError, match="elapsed"):
        eng.t1t2(q, -1.0, 100.0, 100.0)
    with pytest.raises(ValueError, match="T1 and T2"):
        eng.t1t2(q, 1.0, -100.0, 100.0)


@pytest.mark.parametrize("formalism", ["dm", "ket", "stab"])
@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_probabilities_outside_unit_interval(formalism, bad):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    cases = [
        ("p", lambda: eng.depolarize([a], bad)),
        ("p", lambda: eng.depolarize_joint([a, b], bad)),
        ("p", lambda: eng.dephase(a, bad)),
        ("gamma", lambda: eng.amplitude_damp(a, bad)),
        ("px", lambda: eng.pauli_channel(a, bad, 0.0, 0.0)),
        ("py", lambda: eng.pauli_channel(a, 0.0, bad, 0.0)),
        ("pz", lambda: eng.pauli_channel(a, 0.0, 0.0, bad)),
        ("p0to1", lambda: eng.measure(a, p0to1=bad)),
        ("p1to0", lambda: eng.measure(a, p1to0=bad)),
    ]
    for name, call in cases:
        with pytest.raises(ValueError, match=rf"^{name} must be a probability in \[0, 1\]"):
            call()
    with pytest.raises(ValueError, match="px \\+ py \\+ pz"):
        eng.pauli_channel(a, 0.5, 0.4, 0.3)


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown formalism 'qmc'; allowed: dm, ket, stab"):
        QuantumEngine("qmc")
    with pytest.raises(TypeError, match="Generator"):
        QuantumEngine("dm", rng=np.random.RandomState(0))
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    a, b = eng.new_qubits(2)
    with pytest.raises(ValueError, match="acts on 2 qubits"):
        eng.apply(gates.CNOT, [a])
    with pytest.raises(ValueError, match="acts on 1 qubits"):
        eng.apply(gates.H, [a, b])
    with pytest.raises(ValueError, match="distinct"):
        eng.apply(gates.CNOT, [a, a])
    with pytest.raises(ValueError, match="exactly 2 qubits"):
        eng.depolarize_joint([a], 0.1)
    with pytest.raises(ValueError, match="trace 1"):
        eng.set_state([a], np.eye(2))
    with pytest.raises(ValueError, match="normalised"):
        eng.set_state([a], np.array([1, 1]))
    with pytest.raises(ValueError, match="positive semidefinite"):
        eng.set_state([a], np.diag([1.5, -0.5]))
    with pytest.raises(ValueError, match="2 qubits need"):
        eng.set_state([a, b], np.array([1, 0]))
