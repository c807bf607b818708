"""Stabilizer formalism: one ``stim.TableauSimulator`` per state group.

Clifford gates are exact; any gate is accepted if its matrix is Clifford (so
``rx(pi/2)`` or ``crx(pi/2)`` work), otherwise :class:`NonCliffordError` names it.
Pauli channels, depolarizing, dephasing and readout flips are sampled exactly
from the engine's numpy ``rng``.  Amplitude damping and T1/T2 are **Pauli-twirled**
(``px = py = gamma/4``, ``pz = (1 - coherence)/2 - gamma/4``): populations and
coherences decay at the right rates but a relaxed qubit tends to I/2, not |0>.

All randomness comes from ``rng``: measurements use ``peek_*`` to find whether
the outcome is random, draw it from ``rng`` and ``postselect_*`` it, so stim's
internal generator never decides anything.

Qubits are factorised into groups as in the other formalisms, each group with
its own simulator: a stim measurement costs time quadratic in its simulator's
qubits, so one simulator for all qubits would make every operation slower as a
network grows. Groups merge on multi-qubit gates (the larger simulator takes
the smaller one's state on free slots); a measured, reset or discarded qubit
leaves its group, and a group that mostly holds free slots is compacted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
import stim

from netqsim.quantum.engine import FORMALISMS, QuantumEngine, Qubit
from netqsim.quantum.errors import NonCliffordError
from netqsim.quantum.gates import Gate
from netqsim.quantum.noise import twirled_t1t2_paulis
from netqsim.quantum.tensor import dm_kron

__all__ = ["StabilizerEngine", "is_clifford", "is_stabilizer_mixture", "pauli_expectations"]

_I2 = np.eye(2, dtype=complex)
_PX = np.array([[0, 1], [1, 0]], dtype=complex)
_PY = np.array([[0, -1j], [1j, 0]], dtype=complex)
_PZ = np.array([[1, 0], [0, -1]], dtype=complex)
_PAULI_MATS = (_I2, _PX, _PY, _PZ)
_PAULI_CHARS = "_XYZ"
_TOL = 1e-7


@functools.lru_cache(maxsize=8)  # constant tables, pure function of k
def _pauli_basis(k: int) -> list[tuple[str, np.ndarray]]:
    """All ``4**k`` Pauli strings on ``k`` qubits as (label, matrix)."""
    out: list[tuple[str, np.ndarray]] = [("", np.ones((1, 1), dtype=complex))]
    for _ in range(k):
        out = [
            (lab + _PAULI_CHARS[j], dm_kron(mat, _PAULI_MATS[j]))
            for lab, mat in out
            for j in range(4)
        ]
    return out


def is_clifford(u: np.ndarray) -> bool:
    """True if the unitary ``u`` maps every Pauli to +-(a Pauli) under conjugation."""
    d = u.shape[0]
    k = d.bit_length() - 1
    basis = _pauli_basis(k)
    ud = u.conj().T
    for i in range(k):
        for gen in ("X", "Z"):
            lab = "_" * i + gen + "_" * (k - i - 1)
            p = dict(basis)[lab]
            m = u @ p @ ud
            coeffs = [abs(np.vdot(q, m)) / d for _, q in basis]
            if sum(1 for c in coeffs if abs(c - 1.0) < 1e-6) != 1:
                return False
    return True


def pauli_expectations(psi: np.ndarray) -> list[tuple[str, float]]:
    """``(label, <psi|P|psi>)`` for all Pauli strings ``P`` on the state's qubits."""
    k = psi.size.bit_length() - 1
    return [(lab, float(np.vdot(psi, mat @ psi).real)) for lab, mat in _pauli_basis(k)]


def _is_stabilizer_state(psi: np.ndarray) -> bool:
    k = psi.size.bit_length() - 1
    n_stab = sum(1 for _, e in pauli_expectations(psi) if abs(abs(e) - 1.0) < 1e-6)
    return n_stab == 1 << k


def _pauli_mixture(rho: np.ndarray) -> tuple[np.ndarray, list[str], np.ndarray] | None:
    """Write ``rho`` as ``sum_j w_j P_j |s><s| P_j`` with ``|s>`` a stabilizer state.

    Returns ``(s, labels, weights)`` or None if no such decomposition is found.
    Candidates for ``|s>`` are the eigenvectors of ``rho`` (largest first) and
    ``|0...0>``; the states ``P|s>`` over all Paulis P span an orthonormal basis
    in which ``rho`` must be diagonal.
    """
    d = rho.shape[0]
    k = d.bit_length() - 1
    _, vecs = np.linalg.eigh(rho)
    zero = np.zeros(d, dtype=complex)
    zero[0] = 1.0
    candidates = [vecs[:, j] for j in range(d - 1, -1, -1)] + [zero]
    basis = _pauli_basis(k)
    for s in candidates:
        if not _is_stabilizer_state(s):
            continue
        labels: list[str] = []
        states: list[np.ndarray] = []
        for lab, mat in basis:
            v = mat @ s
            if all(abs(np.vdot(w, v)) < 1e-6 for w in states):
                labels.append(lab)
                states.append(v)
            if len(states) == d:
                break
        b = np.array(states).T  # columns: the stabilizer basis
        coeff = b.conj().T @ rho @ b
        weights = np.clip(np.real(np.diag(coeff)), 0.0, None)
        if np.allclose(coeff, np.diag(np.diag(coeff)), atol=1e-7):
            return s, labels, weights / weights.sum()
    return None


def is_stabilizer_mixture(state: np.ndarray) -> bool:
    """True if ``state`` (ket or density matrix) can be held under ``stab``.

    That is a stabilizer state, or a Pauli mixture of one (what
    :meth:`StabilizerEngine.set_state` accepts).
    """
    arr = np.asarray(state, dtype=complex)
    if arr.ndim == 1:
        return _is_stabilizer_state(arr)
    return _pauli_mixture(arr) is not None


class _Group:
    """Qubits sharing one stabilizer state: a stim simulator and its slots.

    ``slots[i]`` is the qubit at stim index ``i`` (``None``: a free slot). Free
    slots are always in |0> and unentangled, so they can be handed out, grown
    or cut off without changing anyone's state.
    """

    __slots__ = ("free", "live", "sim", "slots")

    def __init__(self, capacity: int) -> None:
        # stim's own RNG is never consulted for outcomes (see the module doc).
        self.sim = stim.TableauSimulator(seed=0)
        self.sim.set_num_qubits(capacity)
        self.slots: list[Qubit | None] = [None] * capacity
        self.free = list(range(capacity - 1, -1, -1))  # pop() hands out low indices first
        self.live = 0

    def grow(self, extra: int) -> None:
        """Make room for at least ``extra`` more qubits (capacity at least doubles)."""
        old = len(self.slots)
        new = max(2 * old, old + extra)
        self.sim.set_num_qubits(new)
        self.slots.extend([None] * (new - old))
        self.free[:0] = range(new - 1, old - 1, -1)


#: A group this large with at most a quarter of its slots in use is compacted.
_COMPACT_MIN = 32


class StabilizerEngine(QuantumEngine):
    """``QuantumEngine`` with formalism ``"stab"`` (stim tableau simulators).

    Construct through ``QuantumEngine(formalism="stab", rng=...)``. Like the
    other formalisms, qubits live in state groups, each with its own stim
    simulator: groups merge on multi-qubit gates and a measured, reset or
    discarded qubit leaves its group, so the cost of an operation grows with
    its group, not with all the qubits of the engine.
    Approximation: amplitude damping / T1-T2 noise is Pauli-twirled (see module doc).
    """

    formalism = "stab"

    def __init__(self, formalism: str = "stab", rng: np.random.Generator | None = None) -> None:
        super().__init__(formalism, rng)
        self._named: dict[str, str] | None = None

    # qubits and groups ----------------------------------------------------
    def _check(self, qubit: Qubit) -> _Group:
        group = qubit._group
        if group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        return group

    @staticmethod
    def _place(group: _Group, qubit: Qubit) -> None:
        idx = group.free.pop()
        group.slots[idx] = qubit
        group.live += 1
        qubit._group = group
        qubit._pos = idx

    def new_qubit(self) -> Qubit:
        q = Qubit(self, self._next_uid)
        self._next_uid += 1
        self._place(_Group(1), q)
        return q

    def group_of(self, qubit: Qubit) -> tuple[Qubit, ...]:
        group = self._check(qubit)
        return tuple(q for q in group.slots if q is not None)

    def _merge(self, groups: list[_Group]) -> _Group:
        """One group holding the states of all ``groups`` (the largest one, grown)."""
        base = max(groups, key=lambda g: len(g.slots))
        for other in groups:
            if other is base:
                continue
            size = len(other.slots)
            if len(base.free) < size:
                base.grow(size - len(base.free))
            targets = [base.free.pop() for _ in range(size)]
            # The free target slots are |0>: other's tableau prepares its state there.
            tableau = other.sim.current_inverse_tableau().inverse()
            base.sim.do_tableau(tableau, targets)
            for q, idx in zip(other.slots, targets, strict=True):
                if q is None:
                    base.free.append(idx)
                else:
                    base.slots[idx] = q
                    base.live += 1
                    q._group = base
                    q._pos = idx
        return base

    def _release(self, group: _Group, idx: int) -> None:
        """Give back slot ``idx`` (its qubit already in |0>, unentangled)."""
        group.slots[idx] = None
        group.free.append(idx)
        group.live -= 1
        size = len(group.slots)
        if group.live and size >= _COMPACT_MIN and 4 * group.live <= size:
            self._compact(group, max(2 * group.live, 2))

    @staticmethod
    def _compact(group: _Group, size: int) -> None:
        """Move the live qubits below ``size`` and cut off the (free, |0>) rest."""
        low_free = sorted(i for i in group.free if i < size)
        for idx in range(size, len(group.slots)):
            q = group.slots[idx]
            if q is not None:
                dest = low_free.pop()
                group.sim.swap(idx, dest)
                group.slots[dest] = q
                q._pos = dest
        group.sim.set_num_qubits(size)
        group.slots = group.slots[:size]
        group.free = [i for i in range(size - 1, -1, -1) if group.slots[i] is None]

    # gates ----------------------------------------------------------------
    def _named_tableaux(self) -> dict[str, str]:
        """str(tableau) -> simulator method name, for stim's named unitary gates."""
        if self._named is None:
            named: dict[str, str] = {}
            for name, data in stim.gate_data().items():
                if not data.is_unitary or name in ("I", "II"):
                    continue
                try:
                    tab = data.tableau
                except (ValueError, IndexError):
                    continue
                if tab is not None and hasattr(stim.TableauSimulator, name.lower()):
                    named.setdefault(str(tab), name.lower())
            self._named = named
        return self._named

    def _gate_op(self, gate: Gate) -> Callable[..., None]:
        """A callable ``op(sim, *targets)``, or raise NonCliffordError."""
        key = ("stab", gate.key)
        op = self._cache.get(key)
        if op is not None:
            return op
        if gate.stim_name is not None:
            name = gate.stim_name
            op = _noop if name == "I" else getattr(stim.TableauSimulator, name.lower())
        else:
            if not is_clifford(gate.matrix):
                raise NonCliffordError(f"gate {gate.name!r}")
            tab = stim.Tableau.from_unitary_matrix(gate.matrix, endian="big")
            if tab == stim.Tableau(len(tab)):
                op = _noop
            elif str(tab) in self._named_tableaux():
                op = getattr(stim.TableauSimulator, self._named_tableaux()[str(tab)])
            else:

                def op(sim: stim.TableauSimulator, *targets: int,
                       _tab: stim.Tableau = tab) -> None:
                    sim.do_tableau(_tab, list(targets))

        self._cache_put(key, op)
        return op

    def apply(self, gate: Gate, qubits: Sequence[Qubit]) -> None:
        op = self._cache.get(("stab", gate.key))
        if op is None:
            op = self._gate_op(gate)
        if len(qubits) == 1:
            q = qubits[0]
            group = self._check(q)
            if gate.num_qubits != 1:
                raise ValueError(f"gate {gate.name} acts on {gate.num_qubits} qubits, got 1")
            op(group.sim, q._pos)
            return
        if gate.num_qubits != len(qubits):
            raise ValueError(
                f"gate {gate.name} acts on {gate.num_qubits} qubits, got {len(qubits)}"
            )
        self._check_distinct(qubits)
        groups: list[_Group] = []
        for q in qubits:
            if all(q._group is not g for g in groups):
                groups.append(q._group)
        group = groups[0] if len(groups) == 1 else self._merge(groups)
        op(group.sim, *[q._pos for q in qubits])

    # noise ----------------------------------------------------------------
    def _pauli1(self, qubit: Qubit, px: float, py: float, pz: float) -> None:
        group = self._check(qubit)
        r = self.rng.random()
        if r < px:
            group.sim.x(qubit._pos)
        elif r < px + py:
            group.sim.y(qubit._pos)
        elif r < px + py + pz:
            group.sim.z(qubit._pos)

    def _relax(self, qubit: Qubit, gamma: float, coherence: float) -> None:
        px, py, pz = twirled_t1t2_paulis(gamma, coherence)
        self._pauli1(qubit, px, py, pz)

    def _depolarize2(self, q0: Qubit, q1: Qubit, p: float) -> None:
        self._check_distinct((q0, q1))
        if self.rng.random() < p:
            k = int(self.rng.integers(16))
            for q, j in ((q0, k >> 2), (q1, k & 3)):
                if j == 1:
                    q._group.sim.x(q._pos)
                elif j == 2:
                    q._group.sim.y(q._pos)
                elif j == 3:
                    q._group.sim.z(q._pos)

    # measurement ----------------------------------------------------------
    def _collapse(self, sim: stim.TableauSimulator, idx: int, basis: str) -> int:
        if basis == "Z":
            peek, post = sim.peek_z, sim.postselect_z
        elif basis == "X":
            peek, post = sim.peek_x, sim.postselect_x
        else:
            peek, post = sim.peek_y, sim.postselect_y
        e = peek(idx)
        if e:
            return 0 if e > 0 else 1
        m = 1 if self.rng.random() < 0.5 else 0
        post(idx, desired_value=bool(m))
        return m

    def _split(self, qubit: Qubit, m: int, u: Gate | None) -> None:
        """``qubit`` (now |m> in its group) moves to a group of its own, in ``U|m>``."""
        group = qubit._group
        if group.live == 1:
            if u is not None:
                self.apply(u, (qubit,))
            return
        idx = qubit._pos
        if m:
            group.sim.x(idx)  # back to |0>: the slot is free again
        self._release(group, idx)
        self._place(_Group(1), qubit)
        if m:
            qubit._group.sim.x(0)
        if u is not None:
            self.apply(u, (qubit,))

    def _measure(self, qubit: Qubit, u: Gate | None) -> int:
        group = self._check(qubit)
        idx = qubit._pos
        if u is None:
            m = self._collapse(group.sim, idx, "Z")
        elif u.key == "H":
            m = self._collapse(group.sim, idx, "X")
            group.sim.h(idx)  # |+>/|-> -> |0>/|1>
        elif u.key == "SH":
            m = self._collapse(group.sim, idx, "Y")
            group.sim.s_dag(idx)  # (SH)^dagger = H S^dagger: |+i>/|-i> -> |0>/|1>
            group.sim.h(idx)
        else:
            try:
                self.apply(self._dagger(u), (qubit,))
            except NonCliffordError:
                raise NonCliffordError("measurement in a non-Clifford rotated basis") from None
            m = self._collapse(group.sim, idx, "Z")
        self._split(qubit, m, u)
        return m

    # reset / discard / state access -----------------------------------------
    def _to_zero(self, qubit: Qubit) -> None:
        # Tracing out == measuring and forgetting; then flip back to |0>.
        sim = qubit._group.sim
        if self._collapse(sim, qubit._pos, "Z"):
            sim.x(qubit._pos)

    def reset(self, qubit: Qubit) -> None:
        self._check(qubit)
        self._to_zero(qubit)
        self._split(qubit, 0, None)

    def discard(self, qubit: Qubit) -> None:
        group = self._check(qubit)
        self._to_zero(qubit)
        self._release(group, qubit._pos)
        qubit._group = None

    def set_state(self, qubits: Sequence[Qubit], state: np.ndarray) -> None:
        qubits = list(qubits)
        self._check_distinct(qubits)
        arr, is_ket = self._validate_state(state, len(qubits))
        key = ("setstate", is_ket, arr.shape, arr.tobytes())
        plan = self._cache.get(key)
        if plan is None:
            plan = self._plan_state(arr, is_ket)
            self._cache_put(key, plan)
        tab, labels, weights = plan
        for q in qubits:
            self._to_zero(q)
            self._release(q._group, q._pos)
        group = _Group(len(qubits))
        for q in qubits:
            self._place(group, q)
        idx = [q._pos for q in qubits]
        sim = group.sim
        sim.do_tableau(tab, idx)
        if labels is not None:
            lab = labels[int(self.rng.choice(len(labels), p=weights))]
            for i, c in zip(idx, lab, strict=True):
                if c == "X":
                    sim.x(i)
                elif c == "Y":
                    sim.y(i)
                elif c == "Z":
                    sim.z(i)

    @staticmethod
    def _plan_state(arr: np.ndarray, is_ket: bool) -> tuple:
        if is_ket:
            if not _is_stabilizer_state(arr):
                raise NonCliffordError("set_state with a non-stabilizer state")
            return stim.Tableau.from_state_vector(arr, endian="big"), None, None
        found = _pauli_mixture(arr)
        if found is None:
            raise NonCliffordError(
                "set_state with a state that is not a Pauli mixture of a stabilizer state"
            )
        s, labels, weights = found
        return stim.Tableau.from_state_vector(s, endian="big"), labels, weights

    def density_matrix(self, qubits: Sequence[Qubit]) -> np.ndarray:
        qubits = list(qubits)
        self._check_distinct(qubits)
        k = len(qubits)
        if k > 8:
            raise ValueError(f"density_matrix under 'stab' is limited to 8 qubits, got {k}")
        groups: list[_Group] = []
        for q in qubits:
            if all(q._group is not g for g in groups):
                groups.append(q._group)
        if len(groups) == 1:
            sim, where = groups[0].sim, [q._pos for q in qubits]
            width = len(groups[0].slots)
        else:
            # A scratch simulator holding the product of the groups involved.
            offsets, width = {}, 0
            for g in groups:
                offsets[id(g)] = width
                width += len(g.slots)
            sim = stim.TableauSimulator(seed=0)
            sim.set_num_qubits(width)
            for g in groups:
                start = offsets[id(g)]
                sim.do_tableau(g.sim.current_inverse_tableau().inverse(),
                               list(range(start, start + len(g.slots))))
            where = [offsets[id(q._group)] + q._pos for q in qubits]
        rho = np.zeros((1 << k, 1 << k), dtype=complex)
        for lab, mat in _pauli_basis(k):
            ps = stim.PauliString(width)
            for i, c in zip(where, lab, strict=True):
                if c != "_":
                    ps[i] = c
            e = sim.peek_observable_expectation(ps)
            if e:
                rho += e * mat
        return rho / (1 << k)


def _noop(sim: stim.TableauSimulator, *targets: int) -> None:
    """Identity gate under stab."""


FORMALISMS["stab"] = StabilizerEngine
