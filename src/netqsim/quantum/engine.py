"""The public engine interface: :class:`QuantumEngine` and :class:`Qubit`.

``QuantumEngine(formalism=...)`` returns an instance of the subclass that
implements that formalism (``dm``, ``ket`` or ``stab``); all of them share the
API documented here.  Parameter validation and the mapping of named channels to
a few primitives live here; the formalism subclasses implement the primitives.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from netqsim.quantum import gates as _gates
from netqsim.quantum.errors import DiscardedQubitError
from netqsim.quantum.noise import check_prob, t1t2_parameters

__all__ = ["FORMALISMS", "QuantumEngine", "Qubit"]

_CACHE_LIMIT = 4096

#: formalism name -> engine subclass; filled in by ``netqsim.quantum.formalisms``.
FORMALISMS: dict[str, type[QuantumEngine]] = {}

# Basis-change unitaries U for named bases: measuring in basis {U|0>, U|1>}.
_BASIS_U = {
    "Z": None,
    "X": _gates.H,
    "Y": _gates.Gate("SH", _gates.S.matrix @ _gates.H.matrix, key="SH"),
}


class Qubit:
    """Handle to one simulated qubit.

    Created by :meth:`QuantumEngine.new_qubit`; only meaningful to the engine that
    made it.  After :meth:`QuantumEngine.discard` every use raises
    :class:`~netqsim.quantum.errors.DiscardedQubitError`.
    """

    # _group: the state group (dm/ket) or a marker (stab); None once discarded.
    # _pos: position in the group (dm/ket) or stim qubit index (stab).
    __slots__ = ("_engine", "_group", "_pos", "uid")

    def __init__(self, engine: QuantumEngine, uid: int) -> None:
        self._engine = engine
        self.uid = uid
        self._group: Any = None  # Group (dm/ket), a marker (stab) or None
        self._pos = 0

    @property
    def is_alive(self) -> bool:
        """False once the qubit has been discarded."""
        return self._group is not None

    def __repr__(self) -> str:
        state = "" if self._group is not None else ", discarded"
        return f"Qubit({self.uid}{state})"


class QuantumEngine(ABC):
    """Factorised quantum state of many qubits, with gates, noise and measurement.

    Qubits live in state groups that merge when a multi-qubit gate touches them
    and split again after measurement, reset or discard (like NetSquid's QState),
    so each operation only touches a small matrix.

    Args:
        formalism: ``"dm"`` (density matrices, exact; default), ``"ket"`` (pure
            states; noise, tracing out and mixed ``set_state`` are sampled as
            quantum trajectories, so averages over runs reproduce ``dm``) or
            ``"stab"`` (a stim tableau per state group; Clifford gates, exact
            Pauli noise, amplitude damping / T1-T2 Pauli-twirled; a non-Clifford
            gate or state raises :class:`NonCliffordError`).
        rng: the ``numpy.random.Generator`` used for every random choice
            (measurement outcomes, sampled noise).  Defaults to an unseeded one.

    Example:
        >>> import numpy as np
        >>> from netqsim.quantum import QuantumEngine, gates, bell_state, fidelity
        >>> eng = QuantumEngine(formalism="dm", rng=np.random.default_rng(1))
        >>> q0, q1 = eng.new_qubits(2)
        >>> eng.apply(gates.H, [q0])
        >>> eng.apply(gates.CNOT, [q0, q1])
        >>> eng.group_of(q0) == (q0, q1)
        True
        >>> eng.depolarize_joint([q0, q1], 0.1)
        >>> round(fidelity(eng.density_matrix([q0, q1]), bell_state(0)), 6)
        0.925
        >>> m0 = eng.measure(q0)
        >>> m1 = eng.measure(q1)
        >>> len(eng.group_of(q0))
        1
    """

    formalism: ClassVar[str] = ""

    def __new__(
        cls, formalism: str = "dm", rng: np.random.Generator | None = None
    ) -> QuantumEngine:
        if cls is QuantumEngine:
            if not FORMALISMS:  # the subclasses register themselves on import
                import netqsim.quantum.formalisms  # noqa: F401
            try:
                cls = FORMALISMS[formalism]
            except KeyError:
                allowed = ", ".join(sorted(FORMALISMS))
                raise ValueError(
                    f"unknown formalism {formalism!r}; allowed: {allowed}"
                ) from None
        return super().__new__(cls)

    def __init__(self, formalism: str = "dm", rng: np.random.Generator | None = None) -> None:
        if rng is None:
            rng = np.random.default_rng()
        elif not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self.rng = rng
        self._next_uid = 0
        # Per-engine cache of derived operators (embedded unitaries, superoperators,
        # axis permutations, stim tableaux); per engine so simulations stay isolated.
        self._cache: dict[Any, Any] = {}

    def _cache_put(self, key: object, value: object) -> None:
        # Keys include arbitrary rotation angles, so bound the size.
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = value

    def _dagger(self, gate: _gates.Gate) -> _gates.Gate:
        """Cached inverse of ``gate`` (used for basis changes before measurement)."""
        key = ("dagger", gate.key)
        dag = self._cache.get(key)
        if dag is None:
            dag = _gates.Gate._trusted(
                f"{gate.name}^dag", gate.matrix.conj().T.copy(), ("dag", gate.key)
            )
            self._cache_put(key, dag)
        return dag

    def __repr__(self) -> str:
        return f"QuantumEngine(formalism={self.formalism!r})"

    # ------------------------------------------------------------------ qubits
    @abstractmethod
    def new_qubit(self) -> Qubit:
        """A fresh qubit in state |0>, alone in its own group."""

    def new_qubits(self, n: int) -> list[Qubit]:
        """``n`` fresh qubits in |0>, each in its own group."""
        return [self.new_qubit() for _ in range(n)]

    @abstractmethod
    def group_of(self, qubit: Qubit) -> tuple[Qubit, ...]:
        """The qubits sharing a joint state with ``qubit`` (in matrix order)."""

    def _bad_qubit(self, qubit: object) -> None:
        """Raise the right error for a qubit that failed the fast validity check."""
        if not isinstance(qubit, Qubit):
            raise TypeError(f"expected a Qubit, got {type(qubit).__name__}")
        if qubit._engine is not self:
            raise DiscardedQubitError(f"{qubit!r} belongs to a different QuantumEngine")
        raise DiscardedQubitError(f"{qubit!r} was discarded and can no longer be used")

    def _check_distinct(self, qubits: Sequence[Qubit]) -> None:
        for q in qubits:
            if not isinstance(q, Qubit) or q._group is None or q._engine is not self:
                self._bad_qubit(q)
        if len({id(q) for q in qubits}) != len(qubits):
            raise ValueError(f"qubits must be distinct, got {list(qubits)!r}")

    # ------------------------------------------------------------------- gates
    @abstractmethod
    def apply(self, gate: _gates.Gate, qubits: Sequence[Qubit]) -> None:
        """Apply ``gate`` to ``qubits`` (first listed = most significant), merging groups."""

    # ------------------------------------------------------------------- noise
    def depolarize(self, qubits: Qubit | Sequence[Qubit], p: float) -> None:
        """``rho -> (1-p) rho + p I/2`` on each listed qubit independently."""
        p = check_prob("p", p)
        q = p * 0.25
        for qb in (qubits,) if isinstance(qubits, Qubit) else qubits:
            self._pauli1(qb, q, q, q)

    def depolarize_joint(self, qubits: Sequence[Qubit], p: float) -> None:
        """``rho -> (1-p) rho + p I/4`` on the pair ``qubits`` (two distinct qubits)."""
        p = check_prob("p", p)
        if len(qubits) != 2:
            raise ValueError(f"depolarize_joint needs exactly 2 qubits, got {len(qubits)}")
        self._depolarize2(qubits[0], qubits[1], p)

    def dephase(self, qubits: Qubit | Sequence[Qubit], p: float) -> None:
        """``rho -> (1-p) rho + p Z rho Z`` on each listed qubit."""
        p = check_prob("p", p)
        for qb in (qubits,) if isinstance(qubits, Qubit) else qubits:
            self._pauli1(qb, 0.0, 0.0, p)

    def pauli_channel(
        self, qubits: Qubit | Sequence[Qubit], px: float, py: float, pz: float
    ) -> None:
        """``rho -> (1-px-py-pz) rho + px XrhoX + py YrhoY + pz ZrhoZ`` on each listed qubit."""
        px = check_prob("px", px)
        py = check_prob("py", py)
        pz = check_prob("pz", pz)
        if px + py + pz > 1.0 + 1e-12:
            raise ValueError(f"px + py + pz must be <= 1, got {px + py + pz!r}")
        for qb in (qubits,) if isinstance(qubits, Qubit) else qubits:
            self._pauli1(qb, px, py, pz)

    def amplitude_damp(self, qubits: Qubit | Sequence[Qubit], gamma: float) -> None:
        """Amplitude damping (|1> -> |0> with probability ``gamma``) on each listed qubit."""
        gamma = check_prob("gamma", gamma)
        c = math.sqrt(1.0 - gamma)
        for qb in (qubits,) if isinstance(qubits, Qubit) else qubits:
            self._relax(qb, gamma, c)

    def t1t2(
        self, qubits: Qubit | Sequence[Qubit], elapsed_ns: float, T1: float, T2: float
    ) -> None:
        """Memory noise for ``elapsed_ns`` with NetSquid ``T1T2NoiseModel`` semantics.

        Amplitude damping with ``gamma = 1 - exp(-t/T1)``, then dephasing chosen so
        that coherences decay as ``exp(-t/T2)`` overall.  ``T1 = 0`` disables
        relaxation, ``T2 = 0`` disables the extra dephasing.  ``T2 > 2*T1`` (both
        nonzero) raises ``ValueError``.  T1, T2 in the same unit as ``elapsed_ns``.
        """
        gamma, c = t1t2_parameters(elapsed_ns, T1, T2)
        if gamma == 0.0 and c == 1.0:
            return
        for qb in (qubits,) if isinstance(qubits, Qubit) else qubits:
            self._relax(qb, gamma, c)

    @abstractmethod
    def _pauli1(self, qubit: Qubit, px: float, py: float, pz: float) -> None:
        ...

    @abstractmethod
    def _relax(self, qubit: Qubit, gamma: float, coherence: float) -> None:
        ...

    @abstractmethod
    def _depolarize2(self, q0: Qubit, q1: Qubit, p: float) -> None:
        ...

    # ------------------------------------------------------------- measurement
    def measure(
        self,
        qubit: Qubit,
        basis: str | np.ndarray | _gates.Gate = "Z",
        p0to1: float = 0.0,
        p1to0: float = 0.0,
    ) -> int:
        """Projective measurement; returns the reported outcome 0 or 1.

        Args:
            qubit: the qubit to measure.
            basis: ``"Z"``, ``"X"``, ``"Y"``, or a 2x2 unitary ``U`` (an array or a
                1-qubit :class:`~netqsim.quantum.gates.Gate`) meaning the basis
                ``{U|0>, U|1>}`` (outcome 0 is ``U|0>``).
            p0to1: probability that a true 0 is reported as 1 (readout error).
            p1to0: probability that a true 1 is reported as 0.

        The qubit is left in the post-measurement basis state of the *true*
        outcome, alone in its own group; the readout flip only affects the
        returned value.
        """
        if p0to1 or p1to0:
            p0to1 = check_prob("p0to1", p0to1)
            p1to0 = check_prob("p1to0", p1to0)
        if basis.__class__ is str:
            try:
                u = _BASIS_U[basis]
            except KeyError:
                raise ValueError(
                    f"basis must be 'Z', 'X', 'Y' or a 2x2 unitary, got {basis!r}"
                ) from None
        else:
            u = self._basis_gate(basis)
        m = self._measure(qubit, u)
        if m == 0:
            if p0to1 and self.rng.random() < p0to1:
                return 1
        elif p1to0 and self.rng.random() < p1to0:
            return 0
        return m

    @staticmethod
    def _basis_gate(basis: object) -> _gates.Gate:
        if isinstance(basis, _gates.Gate):
            if basis.num_qubits != 1:
                raise ValueError("a measurement basis must be a 1-qubit gate/unitary")
            return basis
        u = np.asarray(basis, dtype=complex)
        if u.shape != (2, 2) or not np.allclose(u @ u.conj().T, np.eye(2), atol=1e-9):
            raise ValueError(f"basis must be 'Z', 'X', 'Y' or a 2x2 unitary, got {basis!r}")
        return _gates.Gate._trusted("basis", u.copy(), ("basis", u.tobytes()))

    @abstractmethod
    def _measure(self, qubit: Qubit, u: _gates.Gate | None) -> int:
        ...

    # ------------------------------------------------------- reset and discard
    @abstractmethod
    def reset(self, qubit: Qubit) -> None:
        """Put ``qubit`` back in |0>, alone in its own group (its old partners are
        left in the state obtained by tracing it out)."""

    @abstractmethod
    def discard(self, qubit: Qubit) -> None:
        """Trace ``qubit`` out; the handle becomes unusable."""

    # ---------------------------------------------------------- state access
    @abstractmethod
    def set_state(self, qubits: Sequence[Qubit], state: np.ndarray) -> None:
        """Replace the joint state of ``qubits`` with ``state`` (vector or density matrix).

        The qubits are first traced out of their current groups; they then form
        one new group in the given order.  Used by links to deliver EPR pairs.
        """

    @abstractmethod
    def density_matrix(self, qubits: Sequence[Qubit]) -> np.ndarray:
        """Reduced density matrix of ``qubits`` in the given order (a fresh array)."""

    @staticmethod
    def _validate_state(state: object, k: int) -> tuple[np.ndarray, bool]:
        """Return ``(array, is_ket)`` after checking size, norm and (for dm) positivity.

        The result is a function of the state's entries alone, and links hand
        over the same few states again and again, so results for small complex
        arrays are kept by content (a fresh copy is returned each time).
        """
        if (
            type(state) is np.ndarray
            and state.dtype == np.complex128
            and state.nbytes <= _VALIDATED_MAX_BYTES
        ):
            key = (k, state.shape, state.tobytes())
            found = _validated.get(key)
            if found is not None:
                return found[0].copy(), found[1]
            arr, is_ket = _checked_state(state, k)
            if len(_validated) >= _VALIDATED_MAX_ENTRIES:
                del _validated[next(iter(_validated))]  # drop the oldest
            _validated[key] = (arr.copy(), is_ket)
            return arr, is_ket
        return _checked_state(state, k)


#: Validated states by content (see :meth:`QuantumEngine._validate_state`).
_validated: dict[tuple[int, tuple[int, ...], bytes], tuple[np.ndarray, bool]] = {}
_VALIDATED_MAX_ENTRIES = 64
_VALIDATED_MAX_BYTES = 16 * 16 * 16  # up to a 3-qubit density matrix


def _checked_state(state: object, k: int) -> tuple[np.ndarray, bool]:
    """``(array, is_ket)`` of ``state``; ValueError naming what is wrong with it."""
    arr = np.array(state, dtype=complex)
    d = 1 << k
    if arr.ndim == 1 or (arr.ndim == 2 and arr.shape[1] == 1 and d > 1):
        arr = arr.reshape(-1)
        if arr.size != d:
            raise ValueError(f"state vector has {arr.size} entries, {k} qubits need {d}")
        norm = float(np.vdot(arr, arr).real)
        if abs(norm - 1.0) > 1e-6:
            raise ValueError(f"state vector must be normalised, norm^2 = {norm:.6g}")
        return arr / math.sqrt(norm), True
    if arr.shape != (d, d):
        raise ValueError(f"density matrix has shape {arr.shape}, {k} qubits need ({d}, {d})")
    if not np.allclose(arr, arr.conj().T, atol=1e-8):
        raise ValueError("density matrix must be Hermitian")
    tr = float(np.trace(arr).real)
    if abs(tr - 1.0) > 1e-6:
        raise ValueError(f"density matrix must have trace 1, got {tr:.6g}")
    if np.linalg.eigvalsh(arr)[0] < -1e-8:
        raise ValueError("density matrix must be positive semidefinite")
    arr = 0.5 * (arr + arr.conj().T)
    return arr / tr, False
