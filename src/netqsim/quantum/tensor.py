"""Kron-free tensor helpers for small multi-qubit states.

Everything here works on reshaped views of a state instead of building
``np.kron`` products: a density matrix of ``n`` qubits is viewed as a tensor with
``2n`` axes of size 2 (row bits then column bits, most significant first).
All functions return new arrays and never write into their inputs, so states and
cached matrices can be shared safely.
"""

from __future__ import annotations

import string
from collections.abc import Sequence

import numpy as np

__all__ = [
    "apply_superop",
    "dm_kron",
    "embed_unitary",
    "ket_kron",
    "partial_trace",
    "permute_dm",
    "permute_ket",
    "superop_index",
    "trace_out_one",
    "unitary_superop",
]


def embed_unitary(u: np.ndarray, positions: Sequence[int], n: int) -> np.ndarray:
    """Full ``2**n`` unitary acting as ``u`` on ``positions`` (first = most significant).

    Built by contracting ``u`` into the identity tensor, so no Kronecker product
    is formed; callers cache the result.
    """
    k = len(positions)
    d = 1 << n
    ident = np.eye(d, dtype=complex).reshape((2,) * n + (d,))
    ut = u.reshape((2,) * (2 * k))
    # Contract u's input axes with the identity's row axes at `positions`.
    out = np.tensordot(ut, ident, axes=(list(range(k, 2 * k)), list(positions)))
    # tensordot puts u's output axes first; move them back into place.
    out = np.moveaxis(out, list(range(k)), list(positions))
    return np.ascontiguousarray(out.reshape(d, d))


def unitary_superop(u: np.ndarray) -> np.ndarray:
    """Superoperator ``S`` with ``vec(u rho u^dag) = S @ vec(rho)`` (row-major vec)."""
    d = u.shape[0]
    return (u[:, None, :, None] * u.conj()[None, :, None, :]).reshape(d * d, d * d)


def superop_index(positions: Sequence[int], n: int) -> np.ndarray:
    """Gather indices used by :func:`apply_superop` (cache them per positions and n).

    Row ``i`` of the result lists, for the acted-on bits' row-major vec index ``i``,
    the flat positions in ``rho`` of every setting of the other bits.
    """
    k = len(positions)
    rest = [i for i in range(n) if i not in positions]
    fwd = list(positions) + [p + n for p in positions] + rest + [r + n for r in rest]
    flat = np.arange(1 << (2 * n)).reshape((2,) * (2 * n)).transpose(fwd)
    return np.ascontiguousarray(flat.reshape(1 << (2 * k), -1))


def apply_superop(rho: np.ndarray, m: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Apply a ``k``-qubit superoperator ``m`` (``4**k`` square, row-major vec) to ``rho``.

    ``index`` comes from :func:`superop_index` for the target positions: gather
    the acted-on entries into a ``(4**k, rest)`` matrix, contract with ``m`` in one
    matmul, scatter back.  Cost is independent of the channel.
    """
    d = rho.shape[0]
    out = np.empty(d * d, dtype=complex)
    out[index] = m @ rho.reshape(-1)[index]
    return out.reshape(d, d)


def dm_kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kronecker product of two density matrices by broadcasting."""
    da, db = a.shape[0], b.shape[0]
    return (a[:, None, :, None] * b[None, :, None, :]).reshape(da * db, da * db)


def ket_kron(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Kronecker product of two state vectors by broadcasting."""
    return (a[:, None] * b[None, :]).reshape(-1)


def trace_out_one(rho: np.ndarray, pos: int, n: int) -> np.ndarray:
    """Partial trace over the qubit at ``pos`` of an ``n``-qubit density matrix."""
    left, right = 1 << pos, 1 << (n - pos - 1)
    t = rho.reshape(left, 2, right, left, 2, right)
    dr = left * right
    return (t[:, 0, :, :, 0, :] + t[:, 1, :, :, 1, :]).reshape(dr, dr)


def partial_trace(rho: np.ndarray, keep: Sequence[int], n: int) -> np.ndarray:
    """Reduced density matrix of the qubits ``keep``, in that order."""
    keep = list(keep)
    letters = string.ascii_letters
    rows = list(letters[:n])
    cols = list(letters[n : 2 * n])
    for i in range(n):
        if i not in keep:
            cols[i] = rows[i]  # repeated index = trace
    out = "".join(rows[i] for i in keep) + "".join(cols[i] for i in keep)
    spec = "".join(rows) + "".join(cols) + "->" + out
    dk = 1 << len(keep)
    return np.einsum(spec, rho.reshape((2,) * (2 * n))).reshape(dk, dk)


def permute_dm(rho: np.ndarray, order: Sequence[int], n: int) -> np.ndarray:
    """Density matrix with qubits reordered: new qubit ``i`` is old qubit ``order[i]``."""
    d = 1 << n
    perm = list(order) + [o + n for o in order]
    return rho.reshape((2,) * (2 * n)).transpose(perm).reshape(d, d)


def permute_ket(psi: np.ndarray, order: Sequence[int], n: int) -> np.ndarray:
    """State vector with qubits reordered: new qubit ``i`` is old qubit ``order[i]``."""
    return psi.reshape((2,) * n).transpose(list(order)).reshape(-1)
