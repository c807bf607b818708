"""Density-matrix formalism: exact mixed states, grouped.

Hot-path strategy (all without ``np.kron``):

- gates: the embedded unitary for (gate, positions, group size) is built once
  and cached; groups of up to 2 qubits cache the superoperator ``U (x) U*`` so a
  gate is one matrix-vector product, larger groups do ``U rho U^dag``.
- single-qubit channels are 4x4 superoperators in closed form (cached per
  parameter tuple), applied to the reshaped density matrix in one matmul.
- measurement reads the diagonal and slices the post-measurement block.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netqsim.quantum.engine import FORMALISMS, Qubit
from netqsim.quantum.gates import Gate
from netqsim.quantum.groups import Group, _GroupedEngine
from netqsim.quantum.noise import depolarize_joint_superop, pauli_superop, t1t2_superop
from netqsim.quantum.tensor import (
    apply_superop,
    dm_kron,
    embed_unitary,
    partial_trace,
    superop_index,
    trace_out_one,
    unitary_superop,
)

__all__ = ["DensityMatrixEngine"]


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


_ZERO = _ro(np.array([[1, 0], [0, 0]], dtype=complex))
_ONE = _ro(np.array([[0, 0], [0, 1]], dtype=complex))
_PROJ = (_ZERO, _ONE)

# Groups up to this size use a cached superoperator for gates (one matvec);
# larger ones use U rho U^dag (two matmuls, much smaller matrices).
_SUPEROP_MAX_QUBITS = 2


class DensityMatrixEngine(_GroupedEngine):
    """``QuantumEngine`` with formalism ``"dm"``: exact density matrices.

    Construct through ``QuantumEngine(formalism="dm", rng=...)``.
    """

    formalism = "dm"

    def _zero_state(self) -> np.ndarray:
        return _ZERO

    def _kron(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return dm_kron(a, b)

    # gates ----------------------------------------------------------------
    def _gate_op(self, gate: Gate, positions: tuple[int, ...], n: int) -> tuple:
        key = (gate.key, positions, n)
        op = self._cache.get(key)
        if op is None:
            u = embed_unitary(gate.matrix, positions, n)
            if n <= _SUPEROP_MAX_QUBITS:
                op = (unitary_superop(u), None)
            else:
                op = (u, np.ascontiguousarray(u.conj().T))
            self._cache_put(key, op)
        return op

    def apply(self, gate: Gate, qubits: Sequence[Qubit]) -> None:
        if len(qubits) == 1:
            q = qubits[0]
            g = q._group
            if g is None or q._engine is not self:
                self._bad_qubit(q)
            if gate.num_qubits != 1:
                raise ValueError(f"gate {gate.name} acts on {gate.num_qubits} qubits, got 1")
            n = g.n
            op = self._cache.get((gate.key, (q._pos,), n))
            if op is None:
                op = self._gate_op(gate, (q._pos,), n)
        else:
            if gate.num_qubits != len(qubits):
                raise ValueError(
                    f"gate {gate.name} acts on {gate.num_qubits} qubits, got {len(qubits)}"
                )
            self._check_distinct(qubits)
            g = self._merge(qubits)
            n = g.n
            op = self._gate_op(gate, tuple(q._pos for q in qubits), n)
        a, b = op
        if b is None:
            d = g.dim
            g.state = (a @ g.state.reshape(-1)).reshape(d, d)
        else:
            g.state = a @ g.state @ b

    # noise ----------------------------------------------------------------
    def _channel1(self, qubit: Qubit, m: np.ndarray) -> None:
        g = qubit._group
        if g is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        n = g.n
        if n == 1:
            g.state = (m @ g.state.reshape(-1)).reshape(2, 2)
            return
        pkey = ("idx", qubit._pos, n)
        index = self._cache.get(pkey)
        if index is None:
            index = superop_index((qubit._pos,), n)
            self._cache_put(pkey, index)
        g.state = apply_superop(g.state, m, index)

    def _pauli1(self, qubit: Qubit, px: float, py: float, pz: float) -> None:
        key = ("pauli", px, py, pz)
        m = self._cache.get(key)
        if m is None:
            m = pauli_superop(px, py, pz)
            self._cache_put(key, m)
        self._channel1(qubit, m)

    def _relax(self, qubit: Qubit, gamma: float, coherence: float) -> None:
        # Elapsed times vary continuously, so caching would rarely hit: build directly.
        self._channel1(qubit, t1t2_superop(gamma, coherence))

    def _depolarize2(self, q0: Qubit, q1: Qubit, p: float) -> None:
        self._check_distinct((q0, q1))
        g = self._merge((q0, q1))
        key = ("depol2", p)
        m = self._cache.get(key)
        if m is None:
            m = depolarize_joint_superop(p)
            self._cache_put(key, m)
        positions = (q0._pos, q1._pos)
        pkey = ("idx", positions, g.n)
        index = self._cache.get(pkey)
        if index is None:
            index = superop_index(positions, g.n)
            self._cache_put(pkey, index)
        g.state = apply_superop(g.state, m, index)

    # measurement ----------------------------------------------------------
    def _measure(self, qubit: Qubit, u: Gate | None) -> int:
        if u is not None:
            self.apply(self._dagger(u), (qubit,))
        g = qubit._group
        if g is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        n = g.n
        rho = g.state
        if n == 1:
            p1 = rho[1, 1].real
            m = 1 if self.rng.random() < p1 else 0
        else:
            pos = qubit._pos
            left, right = 1 << pos, 1 << (n - pos - 1)
            diag = rho.diagonal().real.reshape(left, 2, right)
            p1 = float(diag[:, 1, :].sum())
            m = 1 if self.rng.random() < p1 else 0
            pm = p1 if m else 1.0 - p1
            t = rho.reshape(left, 2, right, left, 2, right)
            dr = left * right
            rest = t[:, m, :, :, m, :].reshape(dr, dr) * (1.0 / pm)
            self._split_off(g, pos, rest)
        if u is None:
            Group([qubit], _PROJ[m])
        else:
            Group([qubit], self._basis_state(u, m))
        return m

    def _basis_state(self, u: Gate, m: int) -> np.ndarray:
        key = ("bstate", u.key, m)
        st = self._cache.get(key)
        if st is None:
            col = u.matrix[:, m]
            st = _ro(np.outer(col, col.conj()))
            self._cache_put(key, st)
        return st

    # split / state access ---------------------------------------------------
    def _remove(self, qubit: Qubit) -> None:
        g = qubit._group
        n = g.n
        if n == 1:
            return
        pos = qubit._pos
        own = partial_trace(g.state, [pos], n)
        self._split_off(g, pos, trace_out_one(g.state, pos, n))
        Group([qubit], own)

    def _install(self, qubits: list[Qubit], state: np.ndarray, is_ket: bool) -> None:
        rho = np.outer(state, state.conj()) if is_ket else state
        Group(qubits, rho)

    def _reduced(self, group: Group, positions: list[int]) -> np.ndarray:
        if positions == list(range(group.n)):
            return group.state
        return partial_trace(group.state, positions, group.n)


FORMALISMS["dm"] = DensityMatrixEngine
