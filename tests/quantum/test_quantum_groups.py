"""Merge/split bookkeeping keeps every reduced state unchanged."""

import numpy as np
import pytest
from quantum_helpers import random_dm, random_ket

from netqsim.quantum import QuantumEngine, gates
from netqsim.quantum.tensor import partial_trace


@pytest.mark.parametrize("formalism", ["dm", "ket"])
def test_merge_keeps_reduced_states(formalism):
    rng = np.random.default_rng(2)
    eng = QuantumEngine(formalism, rng=rng)
    a = eng.new_qubits(2)
    b = eng.new_qubits(2)
    sa = random_dm(rng, 2) if formalism == "dm" else random_ket(rng, 2)
    sb = random_dm(rng, 2) if formalism == "dm" else random_ket(rng, 2)
    eng.set_state(a, sa)
    eng.set_state(b, sb)
    before = {id(q): eng.density_matrix([q]) for q in a + b}
    ra, rb = eng.density_matrix(a), eng.density_matrix(b)
    eng.apply(gates.I, [a[0]])
    # identity on 2 qubits of different groups: merges, changes nothing
    eng.apply(gates.Gate("II", np.eye(4)), [b[1], a[1]])
    assert len(eng.group_of(a[0])) == 4
    for q in a + b:
        assert np.allclose(eng.density_matrix([q]), before[id(q)])
    assert np.allclose(eng.density_matrix(a), ra)
    assert np.allclose(eng.density_matrix(b), rb)
    # the joint state is the product, in any requested order
    assert np.allclose(eng.density_matrix(b + a), np.kron(rb, ra))


def test_split_by_reset_and_discard_keeps_partners_reduced_state():
    rng = np.random.default_rng(9)
    eng = QuantumEngine("dm", rng=rng)
    qs = eng.new_qubits(4)
    rho = random_dm(rng, 4)
    eng.set_state(qs, rho)
    eng.discard(qs[1])
    assert np.allclose(eng.density_matrix([qs[0], qs[2], qs[3]]), partial_trace(rho, [0, 2, 3], 4))
    eng.reset(qs[3])
    assert eng.group_of(qs[3]) == (qs[3],)
    assert np.allclose(eng.density_matrix([qs[3]]), np.diag([1, 0]))
    assert np.allclose(eng.density_matrix([qs[2], qs[0]]), partial_trace(rho, [2, 0], 4))


def test_set_state_traces_out_old_partners():
    rng = np.random.default_rng(3)
    eng = QuantumEngine("dm", rng=rng)
    qs = eng.new_qubits(3)
    rho = random_dm(rng, 3)
    eng.set_state(qs, rho)
    eng.set_state([qs[1]], np.array([0, 1]))
    assert eng.group_of(qs[1]) == (qs[1],)
    assert np.allclose(eng.density_matrix([qs[0], qs[2]]), partial_trace(rho, [0, 2], 3))
    assert np.allclose(eng.density_matrix([qs[1]]), np.diag([0, 1]))


@pytest.mark.parametrize("formalism", ["dm", "ket"])
def test_measurement_splits_and_unmeasured_partner_is_consistent(formalism):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(1))
    a, b, c = eng.new_qubits(3)
    eng.apply(gates.H, [a])
    eng.apply(gates.CNOT, [a, b])
    eng.apply(gates.CNOT, [b, c])
    assert eng.group_of(a) == (a, b, c)
    m = eng.measure(b)
    assert eng.group_of(b) == (b,)
    assert eng.group_of(a) == (a, c)
    assert np.allclose(eng.density_matrix([a, c]), np.diag(np.eye(4)[3 * m]))


def test_density_matrix_reorders_and_spans_groups():
    eng = QuantumEngine("dm", rng=np.random.default_rng(0))
    a, b, c = eng.new_qubits(3)
    eng.apply(gates.X, [c])
    rho = eng.density_matrix([c, a, b])
    assert np.isclose(rho[4, 4], 1.0)
    rho2 = eng.density_matrix([a, c])
    assert np.isclose(rho2[1, 1], 1.0)
