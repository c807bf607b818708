"""Exceptions raised by the quantum state engine."""

from __future__ import annotations

__all__ = ["DiscardedQubitError", "NonCliffordError", "QuantumError"]


class QuantumError(Exception):
    """Base class of all errors raised by ``netqsim.quantum``."""


class NonCliffordError(QuantumError, ValueError):
    """An operation outside the Clifford + Pauli-noise set was used under ``stab``.

    The message names the operation and the formalisms that support it.
    """

    def __init__(self, what: str, formalism: str = "stab") -> None:
        self.what = what
        super().__init__(
            f"{what} is not a Clifford/stabilizer operation and cannot run under "
            f"formalism {formalism!r}; supported by formalisms: dm, ket"
        )


class DiscardedQubitError(QuantumError, RuntimeError):
    """A qubit was used after :meth:`QuantumEngine.discard` (or belongs to another engine)."""
