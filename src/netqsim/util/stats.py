"""Small statistics helpers for comparing simulated rates with closed forms."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Estimate", "mean_estimate", "proportion", "within_sigmas"]


@dataclass(frozen=True)
class Estimate:
    """A sample estimate with its standard error and sample size."""

    value: float
    sigma: float
    n: int

    def sigmas_from(self, expected: float, atol: float = 1e-9) -> float:
        """How many standard errors ``value`` lies from ``expected`` (signed).

        Differences below ``atol`` (round-off of exact values) count as 0.
        """
        if abs(self.value - expected) <= atol:
            return 0.0
        if self.sigma == 0:
            return 0.0 if self.value == expected else math.copysign(math.inf, self.value - expected)
        return (self.value - expected) / self.sigma

    def __format__(self, spec: str) -> str:
        spec = spec or ".4f"
        return f"{self.value:{spec}} ± {self.sigma:{spec}}"


def proportion(hits: int, n: int) -> Estimate:
    """Rate ``hits / n`` with its binomial standard error ``sqrt(p (1 - p) / n)``.

    The error is floored at ``1/n`` so that rates of exactly 0 or 1 do not
    claim infinite precision.
    """
    if n <= 0:
        raise ValueError(f"need at least one sample, got n = {n}")
    p = hits / n
    return Estimate(p, math.sqrt(max(p * (1 - p), 1.0 / n) / n), n)


def mean_estimate(values: Iterable[float]) -> Estimate:
    """Sample mean with its standard error (sample standard deviation / sqrt n)."""
    data = [float(v) for v in values]
    n = len(data)
    if n == 0:
        raise ValueError("need at least one sample")
    mean = sum(data) / n
    if n == 1:
        return Estimate(mean, 0.0, 1)
    var = sum((v - mean) ** 2 for v in data) / (n - 1)
    return Estimate(mean, math.sqrt(var / n), n)


def within_sigmas(estimate: Estimate, expected: float, k: float = 5.0) -> bool:
    """Whether ``estimate`` is within ``k`` standard errors of ``expected``."""
    return abs(estimate.sigmas_from(expected)) <= k
