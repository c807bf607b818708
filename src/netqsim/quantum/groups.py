"""State groups shared by the ``dm`` and ``ket`` formalisms.

A :class:`Group` owns the joint state of a few qubits.  ``_GroupedEngine`` does
the bookkeeping common to both formalisms: creating, merging and splitting
groups and assembling reduced states across groups; the subclasses supply the
state arithmetic (``_kron``, ``_reduced``, ...).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

import numpy as np

from netqsim.quantum.engine import QuantumEngine, Qubit
from netqsim.quantum.tensor import dm_kron, permute_dm

__all__ = ["Group"]


class Group:
    """Joint state of ``qubits`` (first = most significant bit of ``state``)."""

    __slots__ = ("dim", "n", "qubits", "state")

    def __init__(self, qubits: list[Qubit], state: np.ndarray) -> None:
        self.qubits = qubits
        self.state = state
        self.n = len(qubits)
        self.dim = 1 << self.n
        for i, q in enumerate(qubits):
            q._group = self
            q._pos = i


class _GroupedEngine(QuantumEngine):
    """Bookkeeping for formalisms whose state factorises into groups."""

    # subclass hooks -------------------------------------------------------
    @abstractmethod
    def _zero_state(self) -> np.ndarray:
        ...

    @abstractmethod
    def _kron(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ...

    @abstractmethod
    def _reduced(self, group: Group, positions: list[int]) -> np.ndarray:
        """Reduced density matrix of ``positions`` of ``group``, in that order."""

    @abstractmethod
    def _remove(self, qubit: Qubit) -> None:
        """Take ``qubit`` out of its group (trace out / sample), leaving it groupless."""

    @abstractmethod
    def _install(self, qubits: list[Qubit], state: np.ndarray, is_ket: bool) -> None:
        ...

    # qubits ---------------------------------------------------------------
    def new_qubit(self) -> Qubit:
        q = Qubit(self, self._next_uid)
        self._next_uid += 1
        Group([q], self._zero_state())
        return q

    def group_of(self, qubit: Qubit) -> tuple[Qubit, ...]:
        g = qubit._group
        if g is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        return tuple(g.qubits)

    def _merge(self, qubits: Sequence[Qubit]) -> Group:
        """One group containing all ``qubits`` (validated by the caller)."""
        g = qubits[0]._group
        for q in qubits[1:]:
            h = q._group
            if h is not g:
                g = Group(g.qubits + h.qubits, self._kron(g.state, h.state))
        return g

    def _split_off(self, group: Group, pos: int, rest_state: np.ndarray) -> Group:
        """Replace ``group`` by the group of its qubits other than ``pos``."""
        rest = group.qubits[:pos] + group.qubits[pos + 1 :]
        return Group(rest, rest_state)

    def reset(self, qubit: Qubit) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        self._remove(qubit)
        Group([qubit], self._zero_state())

    def discard(self, qubit: Qubit) -> None:
        if qubit._group is None or qubit._engine is not self:
            self._bad_qubit(qubit)
        self._remove(qubit)
        qubit._group = None

    def set_state(self, qubits: Sequence[Qubit], state: np.ndarray) -> None:
        qubits = list(qubits)
        self._check_distinct(qubits)
        arr, is_ket = self._validate_state(state, len(qubits))
        for q in qubits:
            if q._group.n > 1:
                self._remove(q)
        self._install(qubits, arr, is_ket)

    def density_matrix(self, qubits: Sequence[Qubit]) -> np.ndarray:
        qubits = list(qubits)
        self._check_distinct(qubits)
        # Groups are independent, so the joint state is the product of each
        # group's reduced state; build it group by group, then reorder.
        by_group: dict[int, tuple[Group, list[Qubit]]] = {}
        for q in qubits:
            by_group.setdefault(id(q._group), (q._group, []))[1].append(q)
        rho: np.ndarray | None = None
        order: list[Qubit] = []
        for g, qs in by_group.values():
            part = self._reduced(g, [q._pos for q in qs])
            rho = part if rho is None else dm_kron(rho, part)
            order.extend(qs)
        assert rho is not None
        if order != qubits:
            rho = permute_dm(rho, [order.index(q) for q in qubits], len(qubits))
        return np.array(rho, dtype=complex, copy=True)
