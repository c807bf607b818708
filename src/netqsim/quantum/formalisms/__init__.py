"""Formalism implementations; importing this package registers them with the engine."""

from netqsim.quantum.formalisms.dm import DensityMatrixEngine
from netqsim.quantum.formalisms.ket import KetEngine
from netqsim.quantum.formalisms.stab import StabilizerEngine

__all__ = ["DensityMatrixEngine", "KetEngine", "StabilizerEngine"]
