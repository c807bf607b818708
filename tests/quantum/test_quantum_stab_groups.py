"""stab keeps qubits in small groups, so operations do not slow down as a network grows."""

from __future__ import annotations

import numpy as np

from netqsim.quantum import QuantumEngine, bell_state, fidelity, gates


def _bell_pair(eng: QuantumEngine):
    a, b = eng.new_qubits(2)
    eng.apply(gates.H, [a])
    eng.apply(gates.CNOT, [a, b])
    return a, b


def test_groups_are_per_entangled_pair() -> None:
    eng = QuantumEngine("stab", rng=np.random.default_rng(0))
    pairs = [_bell_pair(eng) for _ in range(1000)]
    a, b = pairs[500]
    assert eng.group_of(a) == (a, b)  # one tableau per pair, not one for all 2000 qubits
    assert abs(fidelity(eng.density_matrix([a, b]), bell_state(0)) - 1) < 1e-12
    # Qubits of two groups: the reduced state is the product.
    c = pairs[7][0]
    rho = eng.density_matrix([a, c])
    assert np.allclose(rho, np.eye(4) / 4)
    m = eng.measure(a)
    assert eng.group_of(a) == (a,) and eng.group_of(b) == (b,)
    assert eng.measure(b) == m


def test_swapping_along_a_chain_keeps_groups_small_and_the_pair_exact() -> None:
    # 200 Bell pairs in a line, swapped one after the other from the left: the end
    # pair is |Phi+> after Pauli corrections, and no group ever exceeds 4 qubits.
    eng = QuantumEngine("stab", rng=np.random.default_rng(3))
    pairs = [_bell_pair(eng) for _ in range(200)]
    left, _ = pairs[0]
    largest = 0
    for i in range(1, 200):
        mid_a, mid_b = pairs[i - 1][1], pairs[i][0]
        eng.apply(gates.CNOT, [mid_a, mid_b])
        eng.apply(gates.H, [mid_a])
        largest = max(largest, len(eng.group_of(mid_a)))
        mx, mz = eng.measure(mid_a), eng.measure(mid_b)
        eng.discard(mid_a)
        eng.discard(mid_b)
        right = pairs[i][1]
        if mz:
            eng.apply(gates.X, [right])
        if mx:
            eng.apply(gates.Z, [right])
    assert largest == 4
    assert eng.group_of(left) == (left, right)
    assert abs(fidelity(eng.density_matrix([left, right]), bell_state(0)) - 1) < 1e-12


def test_a_large_group_is_compacted_after_its_qubits_leave() -> None:
    eng = QuantumEngine("stab", rng=np.random.default_rng(1))
    qs = eng.new_qubits(256)
    eng.apply(gates.H, [qs[0]])
    for i in range(255):
        eng.apply(gates.CNOT, [qs[i], qs[i + 1]])
    m = eng.measure(qs[0])
    for q in qs[1:254]:
        eng.discard(q)
    keep = qs[254:]
    group = keep[0]._group
    assert eng.group_of(keep[0]) == (keep[0], keep[1])
    assert len(group.slots) <= 16  # the 256-slot simulator was cut down
    assert [eng.measure(q) for q in keep] == [m, m]
