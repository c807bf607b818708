"""Reference implementations (np.kron based, deliberately naive) for the tests."""

from __future__ import annotations

import functools

import numpy as np

I2 = np.eye(2, dtype=complex)
X = np.array([[0, 1], [1, 0]], dtype=complex)
Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
Z = np.diag([1.0, -1.0]).astype(complex)


def kron_all(mats):
    return functools.reduce(np.kron, mats, np.eye(1, dtype=complex))


def embed(u, positions, n):
    """Full unitary for u on `positions` of n qubits, via permutation of kron(u, I)."""
    k = len(positions)
    full = np.kron(u, np.eye(1 << (n - k)))
    rest = [i for i in range(n) if i not in positions]
    order = list(positions) + rest  # axis j of `full` is qubit order[j]
    perm = [order.index(i) for i in range(n)]
    t = full.reshape((2,) * (2 * n)).transpose(perm + [p + n for p in perm])
    return t.reshape(1 << n, 1 << n)


def random_dm(rng, n, rank=None):
    d = 1 << n
    rank = rank or d
    a = rng.normal(size=(d, rank)) + 1j * rng.normal(size=(d, rank))
    rho = a @ a.conj().T
    return rho / np.trace(rho)


def random_ket(rng, n):
    v = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return v / np.linalg.norm(v)


def assert_valid_dm(rho, atol=1e-9):
    assert np.allclose(rho, rho.conj().T, atol=atol), "not Hermitian"
    assert abs(np.trace(rho) - 1) < atol, f"trace {np.trace(rho)}"
    assert np.linalg.eigvalsh(rho)[0] > -atol, f"negative eigenvalue {np.linalg.eigvalsh(rho)[0]}"
