"""Property tests: any operation sequence leaves every group a valid density matrix."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from quantum_helpers import assert_valid_dm, random_dm

from netqsim.quantum import QuantumEngine, gates, werner_state

NQ = 4
probs = st.floats(0.0, 1.0)
angles = st.floats(-2 * math.pi, 2 * math.pi, allow_nan=False)
qidx = st.integers(0, NQ - 1)
pair = st.tuples(qidx, qidx).filter(lambda t: t[0] != t[1])

ONE_Q = [gates.X, gates.Y, gates.Z, gates.H, gates.S, gates.K, gates.T]
TWO_Q = [gates.CNOT, gates.CZ, gates.SWAP]

op = st.one_of(
    st.tuples(st.just("g1"), st.integers(0, len(ONE_Q) - 1), qidx),
    st.tuples(st.just("rot"), st.sampled_from([gates.rx, gates.ry, gates.rz]), angles, qidx),
    st.tuples(st.just("g2"), st.integers(0, len(TWO_Q) - 1), pair),
    st.tuples(st.just("crot"), st.sampled_from([gates.crx, gates.cry]), angles, pair),
    st.tuples(st.just("depol"), probs, qidx),
    st.tuples(st.just("depol2"), probs, pair),
    st.tuples(st.just("dephase"), probs, qidx),
    st.tuples(st.just("ad"), probs, qidx),
    st.tuples(st.just("pauli"), probs, probs, probs, qidx),
    st.tuples(st.just("t1t2"), st.floats(0, 1e4), st.floats(1.0, 1e4), probs, qidx),
    st.tuples(st.just("measure"), st.sampled_from(["Z", "X", "Y", "U"]), qidx),
    st.tuples(st.just("reset"), qidx),
    st.tuples(st.just("discard"), qidx),
    st.tuples(st.just("werner"), probs, pair),
    st.tuples(st.just("random_dm"), st.integers(0, 2**31), pair),
)


def run(formalism, ops, seed):
    eng = QuantumEngine(formalism, rng=np.random.default_rng(seed))
    qs = eng.new_qubits(NQ)
    apply_ops(eng, qs, ops)
    return eng, qs


def apply_ops(eng, qs, ops):
    for o in ops:
        kind = o[0]
        if kind == "g1":
            eng.apply(ONE_Q[o[1]], [qs[o[2]]])
        elif kind == "rot":
            eng.apply(o[1](o[2]), [qs[o[3]]])
        elif kind == "g2":
            eng.apply(TWO_Q[o[1]], [qs[o[2][0]], qs[o[2][1]]])
        elif kind == "crot":
            eng.apply(o[1](o[2]), [qs[o[3][0]], qs[o[3][1]]])
        elif kind == "depol":
            eng.depolarize([qs[o[2]]], o[1])
        elif kind == "depol2":
            eng.depolarize_joint([qs[o[2][0]], qs[o[2][1]]], o[1])
        elif kind == "dephase":
            eng.dephase(qs[o[2]], o[1])
        elif kind == "ad":
            eng.amplitude_damp(qs[o[2]], o[1])
        elif kind == "pauli":
            total = o[1] + o[2] + o[3]
            scale = 1.0 / total if total > 1 else 1.0
            eng.pauli_channel(qs[o[4]], o[1] * scale * 0.999, o[2] * scale * 0.999,
                              o[3] * scale * 0.999)
        elif kind == "t1t2":
            t1 = o[2]
            eng.t1t2(qs[o[4]], o[1], t1, 2 * t1 * o[3])
        elif kind == "measure":
            basis = gates.ry(0.7).matrix if o[1] == "U" else o[1]
            assert eng.measure(qs[o[2]], basis) in (0, 1)
        elif kind == "reset":
            eng.reset(qs[o[1]])
        elif kind == "discard":
            eng.discard(qs[o[1]])
            qs[o[1]] = eng.new_qubit()
        elif kind == "werner":
            eng.set_state([qs[o[2][0]], qs[o[2][1]]], werner_state(o[1]))
        elif kind == "random_dm":
            rho = random_dm(np.random.default_rng(o[1]), 2)
            eng.set_state([qs[o[2][0]], qs[o[2][1]]], rho)


def check_groups(eng, qs):
    seen = set()
    for q in qs:
        group = eng.group_of(q)
        assert q in group
        if id(group[0]) in seen:
            continue
        seen.add(id(group[0]))
        assert_valid_dm(eng.density_matrix(list(group)), atol=1e-8)
    # and the full product state
    assert_valid_dm(eng.density_matrix(qs), atol=1e-8)


@settings(max_examples=150, deadline=None)
@given(st.lists(op, max_size=30), st.integers(0, 2**32 - 1))
def test_dm_groups_stay_valid(ops, seed):
    check_groups(*run("dm", ops, seed))


@settings(max_examples=100, deadline=None)
@given(st.lists(op, max_size=30), st.integers(0, 2**32 - 1))
def test_ket_groups_stay_valid_and_pure(ops, seed):
    eng, qs = run("ket", ops, seed)
    check_groups(eng, qs)
    rho = eng.density_matrix(qs)
    assert np.isclose(np.trace(rho @ rho).real, 1.0)  # trajectories stay pure


@settings(max_examples=100, deadline=None)
@given(st.lists(op, max_size=30), st.integers(0, 2**32 - 1))
def test_dm_reduced_state_of_untouched_qubit_is_invariant(ops, seed):
    """Non-measuring operations on qubits 0..2 never change the reduced state of qubit 3,
    even though it is entangled with qubit 0: no-signalling through the merge/split
    bookkeeping (tracing out by discard/reset/set_state must not disturb it either)."""
    ops = [o for o in ops if not _touches(o, 3) and o[0] != "measure"]
    eng = QuantumEngine("dm", rng=np.random.default_rng(seed))
    qs = eng.new_qubits(NQ)
    eng.apply(gates.ry(1.1), [qs[3]])
    eng.apply(gates.CNOT, [qs[3], qs[0]])
    before = eng.density_matrix([qs[3]])
    apply_ops(eng, qs, ops)
    assert np.allclose(eng.density_matrix([qs[3]]), before, atol=1e-9)


def _touches(o, idx):
    target = o[-1]  # every op ends with its qubit index or index pair
    return idx in target if isinstance(target, tuple) else target == idx


clifford_op = st.one_of(
    st.tuples(st.just("g1"), st.integers(0, len(ONE_Q) - 2), qidx),  # all but T
    st.tuples(st.just("rot"), st.sampled_from([gates.rx, gates.ry, gates.rz]),
              st.sampled_from([0.0, math.pi / 2, math.pi, -math.pi / 2]), qidx),
    st.tuples(st.just("g2"), st.integers(0, len(TWO_Q) - 1), pair),
    st.tuples(st.just("depol"), probs, qidx),
    st.tuples(st.just("depol2"), probs, pair),
    st.tuples(st.just("dephase"), probs, qidx),
    st.tuples(st.just("ad"), probs, qidx),
    st.tuples(st.just("measure"), st.sampled_from(["Z", "X", "Y"]), qidx),
    st.tuples(st.just("reset"), qidx),
    st.tuples(st.just("discard"), qidx),
    st.tuples(st.just("werner"), probs, pair),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(clifford_op, max_size=30), st.integers(0, 2**32 - 1))
def test_stab_state_stays_valid_and_pure(ops, seed):
    eng, qs = run("stab", ops, seed)
    rho = eng.density_matrix(qs)
    assert_valid_dm(rho, atol=1e-9)
    assert np.isclose(np.trace(rho @ rho).real, 1.0)
