"""Finding 14: the confidence interval of a binary (0/1) metric stays inside [0, 1].

A success flag's mean is a proportion; its interval is the Wilson score
interval, checked here against the closed form (with the standard library's
normal quantile, not netqsim's) and against published values.
"""

from __future__ import annotations

import math
from pathlib import Path
from statistics import NormalDist

import pytest
import yaml

from netqsim.experiments import mean_ci, run_sweep, sweep_from_dict
from netqsim.experiments.metrics import wilson_ci

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sweeps" / "teleport_fidelity.yaml"


def closed_form(k: int, n: int, confidence: float) -> tuple[float, float]:
    """Wilson (1927): (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = k / n
    center = p + z * z / (2 * n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (center - half) / (1 + z * z / n), (center + half) / (1 + z * z / n)


@pytest.mark.parametrize(("k", "n", "confidence"), [
    (0, 1, 0.95), (1, 1, 0.95), (0, 10, 0.95), (10, 10, 0.95), (7, 10, 0.95),
    (99, 100, 0.95), (100, 100, 0.683), (37, 250, 0.99), (3, 5, 0.5),
])
def test_wilson_bounds_match_the_closed_form(k, n, confidence):
    low, high = wilson_ci(k, n, confidence)
    exp_low, exp_high = closed_form(k, n, confidence)
    # netqsim's normal quantile is a rational approximation (|error| < 1.2e-9)
    assert low == pytest.approx(max(exp_low, 0.0), abs=1e-8)
    assert high == pytest.approx(min(exp_high, 1.0), abs=1e-8)
    assert 0.0 <= low <= k / n <= high <= 1.0


def test_wilson_bounds_match_published_values():
    # 95 % Wilson intervals: 0/10 -> [0, 0.2775], 10/10 -> [0.7225, 1], 99/100 -> [0.9455, 0.9982]
    assert wilson_ci(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    assert wilson_ci(10, 10) == (pytest.approx(0.7225, abs=1e-4), 1.0)
    assert wilson_ci(99, 100) == (pytest.approx(0.9455, abs=1e-4),
                                  pytest.approx(0.9982, abs=1e-4))
    assert all(math.isnan(v) for v in wilson_ci(0, 0))


@pytest.mark.parametrize("ones", [99, 100])
def test_near_all_ones_interval_stays_below_one(ones):
    # the t interval of 99 ones and a zero reached 1.0099; of 100 ones it had zero width
    values = [1.0] * ones + [0.0] * (100 - ones)
    mean, low, high = mean_ci(values)
    assert mean == ones / 100
    assert (low, high) == wilson_ci(ones, 100)
    assert low < mean and high <= 1.0


def test_teleport_example_fidelity_interval_stays_inside_0_1():
    """The teleport sweep example's best point (link fidelity 1, T2 = 10 ms, 100 runs).

    Its seed depends only on its parameter values, so this one-point sweep
    reproduces the example's point 11, whose fidelity_ci_high was 1.0079.
    """
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for param, value in zip(data["parameters"], (1.0, 1e7), strict=True):
        for generator in ("linspace", "logspace"):
            param.pop(generator, None)
        param["values"] = [value]
    sweep = sweep_from_dict(data, base_dir=EXAMPLE.parent)
    summary = run_sweep(sweep, executor="serial", progress=False).summary()
    row = summary.iloc[0]
    successes = round(row["fidelity"] * 100)
    assert 90 <= successes <= 100  # near all ones (98 at this seed): the t interval crossed 1
    assert (row["fidelity_ci_low"], row["fidelity_ci_high"]) == pytest.approx(
        closed_form(successes, 100, 0.95), abs=1e-8)
    assert 0.0 <= row["fidelity_ci_low"] < row["fidelity"] <= row["fidelity_ci_high"] <= 1.0
