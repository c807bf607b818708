"""Shared pieces of the physics validation tests: devices, a generic program, 5-sigma checks."""

from __future__ import annotations

import math

from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig


def device(num_qubits: int = 3, **overrides: float) -> GenericQDeviceConfig:
    """A noiseless generic device whose operations take no time, unless overridden."""
    values = {"T1": 0, "T2": 0, "init_time": 0, "single_qubit_gate_time": 0,
              "two_qubit_gate_time": 0, "measure_time": 0}
    values.update(overrides)
    return GenericQDeviceConfig.perfect_config(num_qubits=num_qubits, **values)


class Body(Program):
    """A program whose body is a function ``body(context)`` (generator or coroutine).

    ``peers`` get classical sockets, and EPR sockets too unless ``epr`` lists them.
    """

    def __init__(self, body, peers=(), max_qubits: int = 2, name: str = "body",
                 epr=None) -> None:
        self.body, self.peers, self.max_qubits, self.name = body, list(peers), max_qubits, name
        self.epr = list(peers) if epr is None else list(epr)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(self.name, csockets=self.peers, epr_sockets=self.epr,
                           max_qubits=self.max_qubits)

    def run(self, context):
        return self.body(context)


def check_rate(hits: int, n: int, p: float, what: str) -> None:
    """``hits/n`` within 5 binomial sigmas of ``p``; sigma = sqrt(p (1-p) / n)."""
    sigma = math.sqrt(p * (1 - p) / n)
    check(hits / n, p, sigma, what)


def check(observed: float, expected: float, sigma: float, what: str) -> None:
    """``|observed - expected| < 5 sigma``, with every number in the message."""
    assert sigma > 0, what
    assert abs(observed - expected) < 5 * sigma, (
        f"{what}: observed {observed:.5f}, expected {expected:.5f}, sigma {sigma:.5f} "
        f"({(observed - expected) / sigma:+.1f} sigma)")


def correlator(signs: list[int]) -> tuple[float, float]:
    """Mean of +-1 values and its standard error ``sqrt((1 - E^2) / n)``."""
    n = len(signs)
    mean = sum(signs) / n
    return mean, math.sqrt(max(1 - mean**2, 1 / n) / n)
