"""Quantum gates as immutable unitary matrices.

Conventions:

- Qubit order in a matrix: the first listed qubit is the most significant bit
  (``CNOT`` applied to ``[control, target]``).
- Rotations: ``Rx(t) = exp(-i t X / 2)``, and likewise for Y and Z.
- ``K = (Y + Z) / sqrt(2)`` (the netqasm / NetSquid K gate; maps Y <-> Z).
- NV controlled rotations: ``crx(t) = |0><0| (x) Rx(t) + |1><1| (x) Rx(-t)``,
  ``cry(t)`` likewise with Ry.

Example:
    >>> from netqsim.quantum import gates
    >>> gates.H.num_qubits, gates.CNOT.num_qubits
    (1, 2)
    >>> gates.rx(3.141592653589793).name
    'rx(3.14159)'
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "CNOT",
    "CX",
    "CZ",
    "SWAP",
    "Gate",
    "H",
    "I",
    "K",
    "S",
    "T",
    "X",
    "Y",
    "Z",
    "crx",
    "cry",
    "rx",
    "ry",
    "rz",
]


def _frozen(matrix: object) -> np.ndarray:
    """Return a read-only complex copy, so shared gate matrices cannot be mutated."""
    arr = np.array(matrix, dtype=complex)
    arr.setflags(write=False)
    return arr


class Gate:
    """A named unitary acting on ``num_qubits`` qubits.

    ``key`` is hashable and identifies the unitary exactly (name plus angle for
    parametrised gates); engines use it to cache embedded unitaries and
    superoperators.  ``stim_name`` is the stim gate with the same action (up to
    global phase) when one is known statically; ``None`` means "work it out from
    the matrix if the gate is Clifford".

    Example:
        >>> import numpy as np
        >>> g = Gate("myx", np.array([[0, 1], [1, 0]]))
        >>> g.num_qubits
        1
    """

    __slots__ = ("key", "matrix", "name", "num_qubits", "stim_name")

    def __init__(
        self,
        name: str,
        matrix: object,
        *,
        key: object = None,
        stim_name: str | None = None,
    ) -> None:
        mat = _frozen(matrix)
        dim = mat.shape[0]
        if mat.ndim != 2 or mat.shape[1] != dim or dim < 2 or dim & (dim - 1):
            raise ValueError(f"gate {name!r}: matrix must be square with a power-of-two size")
        if not np.allclose(mat.conj().T @ mat, np.eye(dim), atol=1e-9):
            raise ValueError(f"gate {name!r}: matrix is not unitary")
        self.name = name
        self.matrix = mat
        self.num_qubits = dim.bit_length() - 1
        self.key = name if key is None else key
        self.stim_name = stim_name

    @classmethod
    def _trusted(cls, name: str, matrix: np.ndarray, key: object) -> Gate:
        """Build without the unitarity check (for matrices built here in closed form)."""
        gate = object.__new__(cls)
        matrix.setflags(write=False)
        gate.name = name
        gate.matrix = matrix
        gate.num_qubits = matrix.shape[0].bit_length() - 1
        gate.key = key
        gate.stim_name = None
        return gate

    def __repr__(self) -> str:
        return f"Gate({self.name!r}, num_qubits={self.num_qubits})"

    @property
    def dagger(self) -> Gate:
        """The inverse gate (conjugate transpose)."""
        return Gate(f"{self.name}^dag", self.matrix.conj().T, key=("dag", self.key))


_SQ2 = 1.0 / math.sqrt(2.0)

I = Gate("I", [[1, 0], [0, 1]], stim_name="I")
X = Gate("X", [[0, 1], [1, 0]], stim_name="X")
Y = Gate("Y", [[0, -1j], [1j, 0]], stim_name="Y")
Z = Gate("Z", [[1, 0], [0, -1]], stim_name="Z")
H = Gate("H", [[_SQ2, _SQ2], [_SQ2, -_SQ2]], stim_name="H")
S = Gate("S", [[1, 0], [0, 1j]], stim_name="S")
K = Gate("K", [[_SQ2, -1j * _SQ2], [1j * _SQ2, -_SQ2]], stim_name="H_YZ")
T = Gate("T", [[1, 0], [0, complex(math.cos(math.pi / 4), math.sin(math.pi / 4))]])
CNOT = Gate(
    "CNOT",
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0]],
    stim_name="CX",
)
CX = CNOT
CZ = Gate("CZ", np.diag([1, 1, 1, -1]), stim_name="CZ")
SWAP = Gate(
    "SWAP",
    [[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]],
    stim_name="SWAP",
)


def _rx_matrix(theta: float) -> np.ndarray:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -1j * s], [-1j * s, c]])


def _ry_matrix(theta: float) -> np.ndarray:
    c, s = math.cos(theta / 2), math.sin(theta / 2)
    return np.array([[c, -s], [s, c]], dtype=complex)


def _rz_matrix(theta: float) -> np.ndarray:
    e = complex(math.cos(theta / 2), -math.sin(theta / 2))
    return np.array([[e, 0], [0, e.conjugate()]])


def _controlled_pair(m0: np.ndarray, m1: np.ndarray) -> np.ndarray:
    """Block-diagonal ``|0><0| (x) m0 + |1><1| (x) m1`` (control is qubit 0)."""
    out = np.zeros((4, 4), dtype=complex)
    out[:2, :2] = m0
    out[2:, 2:] = m1
    return out


def rx(theta: float) -> Gate:
    """Rotation ``exp(-i theta X / 2)`` about the X axis."""
    theta = float(theta)
    return Gate._trusted(f"rx({theta:.6g})", _rx_matrix(theta), ("rx", theta))


def ry(theta: float) -> Gate:
    """Rotation ``exp(-i theta Y / 2)`` about the Y axis."""
    theta = float(theta)
    return Gate._trusted(f"ry({theta:.6g})", _ry_matrix(theta), ("ry", theta))


def rz(theta: float) -> Gate:
    """Rotation ``exp(-i theta Z / 2)`` about the Z axis."""
    theta = float(theta)
    return Gate._trusted(f"rz({theta:.6g})", _rz_matrix(theta), ("rz", theta))


def crx(theta: float) -> Gate:
    """NV controlled X rotation: ``|0><0| (x) Rx(theta) + |1><1| (x) Rx(-theta)``.

    Apply to ``[control, target]``.
    """
    theta = float(theta)
    mat = _controlled_pair(_rx_matrix(theta), _rx_matrix(-theta))
    return Gate._trusted(f"crx({theta:.6g})", mat, ("crx", theta))


def cry(theta: float) -> Gate:
    """NV controlled Y rotation: ``|0><0| (x) Ry(theta) + |1><1| (x) Ry(-theta)``.

    Apply to ``[control, target]``.
    """
    theta = float(theta)
    mat = _controlled_pair(_ry_matrix(theta), _ry_matrix(-theta))
    return Gate._trusted(f"cry({theta:.6g})", mat, ("cry", theta))
