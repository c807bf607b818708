"""Quantum state engine: grouped qubit states in the ``dm``, ``ket`` and ``stab`` formalisms.

Imports nothing from the rest of netqsim (numpy, stim and the standard library only).

Example:
    >>> import numpy as np
    >>> from netqsim.quantum import QuantumEngine, gates
    >>> eng = QuantumEngine("dm", rng=np.random.default_rng(7))
    >>> q = eng.new_qubit()
    >>> eng.apply(gates.X, [q])
    >>> eng.measure(q)
    1
"""

from netqsim.quantum import gates, noise
from netqsim.quantum.engine import QuantumEngine, Qubit
from netqsim.quantum.errors import DiscardedQubitError, NonCliffordError, QuantumError
from netqsim.quantum.formalisms import DensityMatrixEngine, KetEngine, StabilizerEngine
from netqsim.quantum.gates import Gate
from netqsim.quantum.states import bell_state, fidelity, ket2dm, werner_state
from netqsim.quantum.tensor import partial_trace

__all__ = [
    "DensityMatrixEngine",
    "DiscardedQubitError",
    "Gate",
    "KetEngine",
    "NonCliffordError",
    "QuantumEngine",
    "QuantumError",
    "Qubit",
    "StabilizerEngine",
    "bell_state",
    "fidelity",
    "gates",
    "ket2dm",
    "noise",
    "partial_trace",
    "werner_state",
]
