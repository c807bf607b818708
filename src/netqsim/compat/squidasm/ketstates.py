"""``netsquid.qubits.ketstates``: NetSquid's named state vectors, as column vectors.

As NetSquid defines them: ``s0``/``s1`` (Z basis), ``h0``/``h1`` (X basis),
``y0``/``y1`` (Y basis), ``s00``..``s11`` (two-qubit Z basis) and the Bell
states ``b00`` = Phi+, ``b01`` = Psi+, ``b10`` = Phi-, ``b11`` = Psi-; each a
complex array of shape (2, 1) or (4, 1). ``ket2dm`` is netqsim's.
"""

from __future__ import annotations

import math

import numpy as np

from netqsim.quantum.states import PHI_MINUS, PHI_PLUS, PSI_MINUS, PSI_PLUS, ket2dm

__all__ = [
    "b00", "b01", "b10", "b11", "h0", "h1", "ket2dm",
    "s0", "s00", "s01", "s1", "s10", "s11", "y0", "y1",
]


def _column(values: object) -> np.ndarray:
    return np.array(values, dtype=complex).reshape(-1, 1)


_R = 1 / math.sqrt(2)
s0 = _column([1, 0])
s1 = _column([0, 1])
h0 = _column([_R, _R])
h1 = _column([_R, -_R])
y0 = _column([_R, 1j * _R])
y1 = _column([_R, -1j * _R])
s00 = np.kron(s0, s0)
s01 = np.kron(s0, s1)
s10 = np.kron(s1, s0)
s11 = np.kron(s1, s1)
b00 = _column(PHI_PLUS)
b01 = _column(PSI_PLUS)
b10 = _column(PHI_MINUS)
b11 = _column(PSI_MINUS)
