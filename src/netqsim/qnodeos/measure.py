"""The measurement bases of NetQASM's ``meas_basis`` instructions."""

from __future__ import annotations

import math

import numpy as np

_PAULI = {
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}
#: Axes of the three rotations of each meas_basis variant.
MEAS_BASIS_AXES = {"meas_basis": "XYX", "meas_basis_yzy": "YZY", "meas_basis_zxz": "ZXZ"}


def _rotation(axis: str, angle: float) -> np.ndarray:
    return math.cos(angle / 2) * np.eye(2) - 1j * math.sin(angle / 2) * _PAULI[axis]


def measurement_basis(axes: str, angles: tuple[float, float, float]) -> np.ndarray:
    """The unitary U whose columns are the basis of a ``meas_basis`` measurement.

    NetQASM rotates by ``axes[0]`` first, then ``axes[1]``, then ``axes[2]``,
    and measures Z: that is a measurement in the basis ``R^dagger |k>``.
    """
    rot = _rotation(axes[2], angles[2]) @ _rotation(axes[1], angles[1]) @ _rotation(
        axes[0], angles[0]
    )
    return rot.conj().T  # type: ignore[no-any-return]


__all__ = ["MEAS_BASIS_AXES", "measurement_basis"]
