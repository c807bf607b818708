"""Shared checks for the link-model tests (no tests here; the name keeps it with the link tests)."""

from __future__ import annotations

import math

import numpy as np

from netqsim.quantum.states import bell_state

_BELL_BASIS = np.array([bell_state(i) for i in range(4)])


def assert_density_matrix(rho: np.ndarray, atol: float = 1e-10) -> None:
    """Hermitian, trace one, positive semidefinite 4x4."""
    assert rho.shape == (4, 4)
    assert np.allclose(rho, rho.conj().T, atol=atol)
    assert abs(np.trace(rho) - 1) < atol
    assert np.linalg.eigvalsh(rho).min() > -atol


def assert_within_sigma(observed: float, expected: float, sigma: float, k: float = 5.0) -> None:
    """``|observed - expected| <= k sigma`` (with a tiny floor for sigma = 0)."""
    assert abs(observed - expected) <= k * max(sigma, 1e-12), (
        f"observed {observed}, expected {expected} +- {k} x {sigma}"
    )


def check_attempts(model, rng: np.random.Generator, n: int) -> list:
    """Sample ``n`` deliveries; the mean number of attempts is 1/p within 5 sigma."""
    deliveries = [model.sample(rng) for _ in range(n)]
    attempts = np.array([d.attempts for d in deliveries])
    p = model.success_probability
    assert attempts.min() >= 1
    sigma = math.sqrt((1 - p) / p**2 / n)
    assert_within_sigma(attempts.mean(), 1 / p, sigma)
    for d in deliveries[:50]:
        assert d.duration_ns == d.attempts * model.cycle_time_ns
    return deliveries


def sampled_bell_fidelity(deliveries, rng: np.random.Generator) -> tuple[float, int]:
    """Measure each delivered pair in the Bell basis; fraction that matches the herald."""
    hits = 0
    for d in deliveries:
        probs = np.real(np.einsum("ki,ij,kj->k", _BELL_BASIS.conj(), d.state, _BELL_BASIS))
        probs = np.clip(probs, 0, None)
        outcome = rng.choice(4, p=probs / probs.sum())
        hits += outcome == d.bell_index
    return hits / len(deliveries), len(deliveries)
