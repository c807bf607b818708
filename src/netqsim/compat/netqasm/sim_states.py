"""What ``netqasm.sdk.toolbox.sim_states`` gives apps inside a netqsim application run.

netqasm's module builds NetSquid qubits (NetSquid cannot be installed); here
a "qubit" is its state vector, with the same conventions: ``qubit_from(phi,
theta)`` is ``Rz(phi) Ry(theta) |0>`` and ``get_fidelity`` is NetSquid's
``qubitapi.fidelity`` (not squared: ``sqrt(<psi|rho|psi>)`` for a pure state).
"""

from __future__ import annotations

import math

import numpy as np

from netqsim.quantum.states import fidelity
from netqsim.util.state import get_reference_ket

__all__ = ["get_fidelity", "qubit_from", "to_dm"]


def qubit_from(phi: float, theta: float) -> np.ndarray:
    """The state vector at Bloch angles ``phi`` (azimuth) and ``theta`` (from Z)."""
    return get_reference_ket(phi, theta)


def to_dm(qubit: np.ndarray) -> np.ndarray:
    """The density matrix of a state vector (a density matrix is returned as it is)."""
    state = np.asarray(qubit, dtype=complex)
    return state if state.ndim == 2 else np.outer(state, state.conj())


def get_fidelity(qubit: np.ndarray, state: np.ndarray) -> float:
    """NetSquid's (non-squared) fidelity of the pure ``qubit`` to the density matrix ``state``."""
    return math.sqrt(max(fidelity(state, qubit), 0.0))
