"""Stabilizer formalism on one ``stim.TableauSimulator`` per engine.

Clifford gates are exact; any gate is accepted if its matrix is Clifford (so
``rx(pi/2)`` or ``crx(pi/2)`` work), otherwise :class:`NonCliffordError` names it.
Pauli channels, depolarizing, dephasing and readout flips are sampled exactly
from the engine's numpy ``rng``.  Amplitude damping and T1/T2 are **Pauli-twirled**
(``px = py = gamma/4``, ``pz = (1 - coherence)/2 - gamma/4``): populations and
coherences decay at the right rates but a relaxed qubit tends to I/2, not |0>.

All randomness comes from ``rng``: measurements use ``peek_*`` to find whether
the outcome is random, draw it from ``rng`` and ``postselect_*`` it, so stim's
internal generator never decides anything.  All live qubits form one group.
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


class _Marker:
    """Stands in for a group in ``Qubit._group``: stab qubits share one tableau."""

    __slots__ = ()


_LIVE = _Marker()


class StabilizerEngine(QuantumEngine):
    """``QuantumEngine`` with formalism ``"stab"`` (stim tableau simulator).

    Construct through ``QuantumEngine(formalism="stab", rng=...)``.
    Approximation: amplitude damping / T1-T2 noise is Pauli-twirled (see module doc).
    ``group_of`` returns all live qubits (one tableau holds them all).
    """

    formalism = "stab"

    def __init__(self, formalism: str = "stab", rng: np.random.Generator | None = None) -> None:
        super().__init__(formalism, rng)
        # stim's own RNG is never consulted for outcomes, but seed it from rng anyway
        # so that nothing in a run depends on entropy outside `rng`.
        self._sim = stim.TableauSimulator(seed=int(self.rng.integers(2**63)))
        self._capacity = 0
        self._free: list[int] = []
        self._live: dict[int, Qubit] = {}
        self._named: dict[str, str] | None = None

    # qubits ---------------------------------------------------------------
    def new_qubit(self) -> Qubit:
        q = Qubit(self, self._next_uid)
        self._next_uid += 1
        if self._free:
            idx = self._free.pop()  # released indices are already back in |0>
        else:
            idx = len(self._live)
            if idx >= self._capacity:
                self._capacity = max(16, 2 * self._capacity)
                self._sim.set_num_qubits(self._capacity)
        q._group = _LIVE
        q._pos = idx
        self._live[q.uid] = q
        return q

    def group_of(self, qubit: Qubit) -> tuple[Qubit, ...]:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        return tuple(self._live.values())

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
                if tab is not None and hasattr(self._sim, name.lower()):
                    named.setdefault(str(tab), name.lower())
            self._named = named
        return self._named

    def _gate_op(self, gate: Gate) -> Callable[..., None]:
        """A callable taking stim target indices, or raise NonCliffordError."""
        key = ("stab", gate.key)
        op = self._cache.get(key)
        if op is not None:
            return op
        if gate.stim_name is not None:
            name = gate.stim_name
            op = _noop if name == "I" else getattr(self._sim, name.lower())
        else:
            if not is_clifford(gate.matrix):
                raise NonCliffordError(f"gate {gate.name!r}")
            tab = stim.Tableau.from_unitary_matrix(gate.matrix, endian="big")
            if tab == stim.Tableau(len(tab)):
                op = _noop
            elif str(tab) in self._named_tableaux():
                op = getattr(self._sim, self._named_tableaux()[str(tab)])
            else:
                sim = self._sim

                def op(*targets: int, _tab: stim.Tableau = tab) -> None:
                    sim.do_tableau(_tab, list(targets))

        self._cache_put(key, op)
        return op

    def apply(self, gate: Gate, qubits: Sequence[Qubit]) -> None:
        op = self._cache.get(("stab", gate.key))
        if op is None:
            op = self._gate_op(gate)
        if len(qubits) == 1:
            q = qubits[0]
            if q._group is None or q._engine is not self:
                self._bad_qubit(q)
            if gate.num_qubits != 1:
                raise ValueError(f"gate {gate.name} acts on {gate.num_qubits} qubits, got 1")
            op(q._pos)
        else:
            if gate.num_qubits != len(qubits):
                raise ValueError(
                    f"gate {gate.name} acts on {gate.num_qubits} qubits, got {len(qubits)}"
                )
            self._check_distinct(qubits)
            op(*[q._pos for q in qubits])

    # noise ----------------------------------------------------------------
    def _pauli1(self, qubit: Qubit, px: float, py: float, pz: float) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        r = self.rng.random()
        if r < px:
            self._sim.x(qubit._pos)
        elif r < px + py:
            self._sim.y(qubit._pos)
        elif r < px + py + pz:
            self._sim.z(qubit._pos)

    def _relax(self, qubit: Qubit, gamma: float, coherence: float) -> None:
        px, py, pz = twirled_t1t2_paulis(gamma, coherence)
        self._pauli1(qubit, px, py, pz)

    def _depolarize2(self, q0: Qubit, q1: Qubit, p: float) -> None:
        self._check_distinct((q0, q1))
        if self.rng.random() < p:
            k = int(self.rng.integers(16))
            for q, j in ((q0, k >> 2), (q1, k & 3)):
                if j == 1:
                    self._sim.x(q._pos)
                elif j == 2:
                    self._sim.y(q._pos)
                elif j == 3:
                    self._sim.z(q._pos)

    # measurement ----------------------------------------------------------
    def _collapse(self, idx: int, basis: str) -> int:
        sim = self._sim
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

    def _measure(self, qubit: Qubit, u: Gate | None) -> int:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        if u is None:
            return self._collapse(qubit._pos, "Z")
        if u.key == "H":
            return self._collapse(qubit._pos, "X")
        if u.key == "SH":
            return self._collapse(qubit._pos, "Y")
        try:
            self.apply(self._dagger(u), (qubit,))
        except NonCliffordError:
            raise NonCliffordError("measurement in a non-Clifford rotated basis") from None
        m = self._collapse(qubit._pos, "Z")
        self.apply(u, (qubit,))
        return m

    # reset / discard / state access -----------------------------------------
    def _to_zero(self, idx: int) -> None:
        # Tracing out == measuring and forgetting; then flip back to |0>.
        if self._collapse(idx, "Z"):
            self._sim.x(idx)

    def reset(self, qubit: Qubit) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        self._to_zero(qubit._pos)

    def discard(self, qubit: Qubit) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        self._to_zero(qubit._pos)
        qubit._group = None
        del self._live[qubit.uid]
        self._free.append(qubit._pos)

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
        idx = [q._pos for q in qubits]
        for i in idx:
            self._to_zero(i)
        self._sim.do_tableau(tab, idx)
        if labels is not None:
            lab = labels[int(self.rng.choice(len(labels), p=weights))]
            for i, c in zip(idx, lab, strict=True):
                if c == "X":
                    self._sim.x(i)
                elif c == "Y":
                    self._sim.y(i)
                elif c == "Z":
                    self._sim.z(i)

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
        width = max(q._pos for q in qubits) + 1
        rho = np.zeros((1 << k, 1 << k), dtype=complex)
        for lab, mat in _pauli_basis(k):
            ps = stim.PauliString(width)
            for q, c in zip(qubits, lab, strict=True):
                if c != "_":
                    ps[q._pos] = c
            e = self._sim.peek_observable_expectation(ps)
            if e:
                rho += e * mat
        return rho / (1 << k)


def _noop(*targets: int) -> None:
    """Identity gate under stab."""


FORMALISMS["stab"] = StabilizerEngine
