"""Pure-state (ket) formalism: quantum trajectories, grouped.

Every channel is unravelled into Kraus/Pauli branches and one branch is sampled
with its Born probability, so the ensemble over runs equals the density-matrix
evolution.  Tracing a qubit out (discard, reset, ``set_state`` on an entangled
qubit) is sampled as an unrecorded Z measurement, which leaves the partners in
the correct ensemble.  A mixed state given to ``set_state`` is sampled from its
eigen-ensemble.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from netqsim.quantum import gates as _g
from netqsim.quantum.engine import FORMALISMS, Qubit
from netqsim.quantum.gates import Gate
from netqsim.quantum.groups import Group, _GroupedEngine
from netqsim.quantum.tensor import embed_unitary, ket_kron

__all__ = ["KetEngine"]


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


_ZERO = _ro(np.array([1, 0], dtype=complex))
_ONE = _ro(np.array([0, 1], dtype=complex))
_BASIS = (_ZERO, _ONE)
_PAULI1 = (_g.X, _g.Y, _g.Z)
# The 16 two-qubit Paulis (I, X, Y, Z per qubit) for joint depolarizing.
_PAULI_1Q = (_g.I, _g.X, _g.Y, _g.Z)


class KetEngine(_GroupedEngine):
    """``QuantumEngine`` with formalism ``"ket"``: pure states + sampled noise.

    Construct through ``QuantumEngine(formalism="ket", rng=...)``.
    """

    formalism = "ket"

    def _zero_state(self) -> np.ndarray:
        return _ZERO

    def _kron(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return ket_kron(a, b)

    def _unitary(self, gate: Gate, positions: tuple[int, ...], n: int) -> np.ndarray:
        key = (gate.key, positions, n)
        u = self._cache.get(key)
        if u is None:
            u = embed_unitary(gate.matrix, positions, n)
            self._cache_put(key, u)
        return u

    def apply(self, gate: Gate, qubits: Sequence[Qubit]) -> None:
        if gate.num_qubits != len(qubits):
            raise ValueError(
                f"gate {gate.name} acts on {gate.num_qubits} qubits, got {len(qubits)}"
            )
        if len(qubits) == 1:
            q = qubits[0]
            g = q._group
            if g is None or q._engine is not self:
                self._bad_qubit(q)
        else:
            self._check_distinct(qubits)
            g = self._merge(qubits)
        g.state = self._unitary(gate, tuple(q._pos for q in qubits), g.n) @ g.state

    # noise ----------------------------------------------------------------
    def _pauli1(self, qubit: Qubit, px: float, py: float, pz: float) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        r = self.rng.random()
        if r < px:
            self.apply(_g.X, (qubit,))
        elif r < px + py:
            self.apply(_g.Y, (qubit,))
        elif r < px + py + pz:
            self.apply(_g.Z, (qubit,))

    def _prob_one(self, g: Group, pos: int) -> float:
        t = g.state.reshape(1 << pos, 2, -1)[:, 1, :]
        return float(np.vdot(t, t).real)

    def _relax(self, qubit: Qubit, gamma: float, coherence: float) -> None:
        g = qubit._group
        if g is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        pos = qubit._pos
        if gamma > 0.0:
            p1 = self._prob_one(g, pos)
            if self.rng.random() < gamma * p1:
                # Jump branch K1 = sqrt(gamma)|0><1|: the qubit decays to |0> and
                # becomes unentangled, so split it out.
                t = g.state.reshape(1 << pos, 2, -1)
                rest = t[:, 1, :].reshape(-1) * (1.0 / math.sqrt(p1))
                if g.n > 1:
                    self._split_off(g, pos, rest)
                Group([qubit], _ZERO)
                return
            # No-jump branch K0 = diag(1, sqrt(1-gamma)), renormalised.
            t = g.state.reshape(1 << pos, 2, -1).copy()
            t[:, 1, :] *= math.sqrt(1.0 - gamma)
            norm = 1.0 - gamma * p1
            g.state = t.reshape(-1) * (1.0 / math.sqrt(norm))
        # Remaining dephasing brings coherence from sqrt(1-gamma) to `coherence`.
        base = math.sqrt(1.0 - gamma)
        if base > 0.0:
            pz = 0.5 * (1.0 - coherence / base)
            if pz > 0.0 and self.rng.random() < pz:
                self.apply(_g.Z, (qubit,))

    def _depolarize2(self, q0: Qubit, q1: Qubit, p: float) -> None:
        self._check_distinct((q0, q1))
        if self.rng.random() < p:
            # p I/4 = p * average over the 16 two-qubit Paulis of P rho P.
            k = int(self.rng.integers(16))
            a, b = _PAULI_1Q[k >> 2], _PAULI_1Q[k & 3]
            if a is not _g.I:
                self.apply(a, (q0,))
            if b is not _g.I:
                self.apply(b, (q1,))

    # measurement ----------------------------------------------------------
    def _collapse(self, qubit: Qubit) -> int:
        """Sample a Z outcome, split the qubit out; returns the outcome."""
        g = qubit._group
        n = g.n
        pos = qubit._pos
        if n == 1:
            p1 = float(abs(g.state[1]) ** 2)
            m = 1 if self.rng.random() < p1 else 0
        else:
            t = g.state.reshape(1 << pos, 2, -1)
            v1 = t[:, 1, :]
            p1 = float(np.vdot(v1, v1).real)
            m = 1 if self.rng.random() < p1 else 0
            pm = p1 if m else 1.0 - p1
            rest = t[:, m, :].reshape(-1) * (1.0 / math.sqrt(pm))
            self._split_off(g, pos, rest)
        Group([qubit], _BASIS[m])
        return m

    def _measure(self, qubit: Qubit, u: Gate | None) -> int:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        if u is not None:
            self.apply(self._dagger(u), (qubit,))
        m = self._collapse(qubit)
        if u is not None:
            qubit._group.state = _ro(u.matrix[:, m].copy())
        return m

    # split / state access ---------------------------------------------------
    def _remove(self, qubit: Qubit) -> None:
        if qubit._group.n > 1:
            self._collapse(qubit)

    def _install(self, qubits: list[Qubit], state: np.ndarray, is_ket: bool) -> None:
        if not is_ket:
            vals, vecs = np.linalg.eigh(state)
            probs = np.clip(vals, 0.0, None)
            k = int(self.rng.choice(len(probs), p=probs / probs.sum()))
            state = vecs[:, k]
        Group(qubits, np.ascontiguousarray(state, dtype=complex))

    def _reduced(self, group: Group, positions: list[int]) -> np.ndarray:
        n = group.n
        rest = [i for i in range(n) if i not in positions]
        a = group.state.reshape((2,) * n).transpose(positions + rest)
        a = a.reshape(1 << len(positions), -1)
        return a @ a.conj().T


FORMALISMS["ket"] = KetEngine
