"""Standard states and state comparisons.

Bell state index order follows SquidASM/netqasm ``BellIndex``:
``0 = B00 = Phi+``, ``1 = B01 = Psi+``, ``2 = B10 = Phi-``, ``3 = B11 = Psi-``
(bits: ``index = 2*z + x``, i.e. ``|B_zx> = (Z^z X^x (x) I)`` applied to ``|Phi+>`` up to sign).

Example:
    >>> import numpy as np
    >>> from netqsim.quantum import bell_state, werner_state, fidelity
    >>> round(fidelity(werner_state(0.9), bell_state(0)), 12)
    0.9
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "PHI_MINUS",
    "PHI_PLUS",
    "PSI_MINUS",
    "PSI_PLUS",
    "bell_state",
    "fidelity",
    "ket2dm",
    "werner_state",
]

_R = 1.0 / math.sqrt(2.0)


def _frozen(v: list[float]) -> np.ndarray:
    arr = np.array(v, dtype=complex)
    arr.setflags(write=False)
    return arr


PHI_PLUS = _frozen([_R, 0, 0, _R])
PSI_PLUS = _frozen([0, _R, _R, 0])
PHI_MINUS = _frozen([_R, 0, 0, -_R])
PSI_MINUS = _frozen([0, _R, -_R, 0])
_BELL = (PHI_PLUS, PSI_PLUS, PHI_MINUS, PSI_MINUS)


def bell_state(index: int = 0, *, as_dm: bool = False) -> np.ndarray:
    """Bell state ``index`` in BellIndex order (0=Phi+, 1=Psi+, 2=Phi-, 3=Psi-).

    Returns the state vector (a fresh writable copy), or its density matrix if
    ``as_dm`` is true.
    """
    if index not in (0, 1, 2, 3):
        raise ValueError(f"Bell index must be 0, 1, 2 or 3, got {index!r}")
    ket = _BELL[index].copy()
    return ket2dm(ket) if as_dm else ket


def ket2dm(ket: np.ndarray) -> np.ndarray:
    """Density matrix ``|ket><ket|`` of a state vector."""
    ket = np.asarray(ket, dtype=complex).reshape(-1)
    return np.outer(ket, ket.conj())


def werner_state(fidelity: float, index: int = 0) -> np.ndarray:
    """Werner state ``F |B><B| + (1-F)/3 (other three Bell states)``.

    Equivalently ``(1-p) |B><B| + p I/4`` with ``p = 4/3 (1-F)``; ``B`` is the Bell
    state ``index`` (default Phi+).  ``fidelity`` must lie in [0, 1].
    """
    f = float(fidelity)
    if not 0.0 <= f <= 1.0:
        raise ValueError(f"fidelity must be in [0, 1], got {fidelity!r}")
    p = 4.0 / 3.0 * (1.0 - f)
    return (1.0 - p) * bell_state(index, as_dm=True) + (p / 4.0) * np.eye(4, dtype=complex)


def fidelity(state: np.ndarray, reference: np.ndarray) -> float:
    """Fidelity ``<psi|rho|psi>`` of ``state`` to the pure ``reference`` state.

    ``state`` may be a density matrix or a state vector; ``reference`` is a state
    vector (a rank-1 density matrix is also accepted).  Returns the squared-overlap
    convention (1 for identical states, 0 for orthogonal ones).
    """
    ref = np.asarray(reference, dtype=complex)
    if ref.ndim == 2:
        vals, vecs = np.linalg.eigh(ref)
        if not np.isclose(vals[-1], np.trace(ref).real) or not np.isclose(vals[-1], 1.0):
            raise ValueError("reference must be a pure state (vector or rank-1 density matrix)")
        ref = vecs[:, -1]
    ref = ref.reshape(-1)
    st = np.asarray(state, dtype=complex)
    if st.ndim == 1:
        return float(abs(np.vdot(ref, st)) ** 2)
    if st.shape != (ref.size, ref.size):
        raise ValueError(f"state of shape {st.shape} does not match reference of size {ref.size}")
    return float(np.real(np.vdot(ref, st @ ref)))
