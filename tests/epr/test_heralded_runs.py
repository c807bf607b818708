"""Heralded links (double click, single click) in full runs: rate and fidelity vs closed forms.

Rate: with instant classical links and operations that take no time, a
request for k pairs takes sum(attempts) x cycle; its mean is k x cycle / p.
Fidelity: exactly, from the delivered (and receiver-corrected) state; and
statistically, from <XX>, <YY>, <ZZ> of measured pairs:
F = (1 + <XX> - <YY> + <ZZ>) / 4.
"""

import math

import pytest
from tests.epr.programs import (
    ProbePair,
    assert_within_5_sigma,
    correlator,
    correlator_sigma,
    device,
    keep_pair,
    paired,
)

import netqsim
from netqsim.config import HeraldedLinkConfig, SingleClickLinkConfig, two_nodes
from netqsim.network.links import build_link_model

COMMON = {"p_loss_init": 0.1, "detector_efficiency": 0.9, "dark_count_probability": 1e-3,
          "visibility": 0.9, "emission_fidelity": 0.99}
MODELS = {
    "double_click": lambda length: HeraldedLinkConfig(length=length, **COMMON),
    "single_click": lambda length: SingleClickLinkConfig(length=length, alpha=0.1, **COMMON),
}
LENGTHS = [2.0, 30.0, 80.0]
PAIRS_PER_RUN = 5


def config(model, length, num_qubits=2):
    return two_nodes(qdevice=device(num_qubits), link=MODELS[model](length))


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_delivered_state_has_the_closed_form_fidelity(model, length):
    expected = build_link_model(MODELS[model](length)).fidelity()
    results = netqsim.run(
        config(model, length),
        {"Alice": ProbePair("Bob", "create"), "Bob": ProbePair("Alice", "recv")},
        num_times=6, seed=21,
    )
    # Psi+ and Psi- are heralded with equal noise; after the receiver's
    # correction every pair has the model's fidelity to Phi+.
    for row in results["Bob"]:
        assert row["fidelity"] == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("length", LENGTHS)
@pytest.mark.parametrize("model", sorted(MODELS))
def test_rate_and_measured_fidelity_match_closed_forms(model, length):
    link = build_link_model(MODELS[model](length))
    runs, k = 300, PAIRS_PER_RUN
    results = netqsim.run(
        config(model, length, num_qubits=k),
        keep_pair(bases=("X", "Y", "Z"), number=k, max_qubits=k), num_times=runs, seed=22,
    )
    # Rate. Per run: k geometric(p) draws of cycles; mean k/p, variance k (1-p)/p^2
    # (in cycles); sigma of the mean over 300 runs; 5 sigma.
    cycle, p = link.cycle_time_ns, link.success_probability
    durations = [r["t1"] - r["t0"] for r in results["Alice"]]
    assert all(math.isclose(d / cycle, round(d / cycle)) and d >= k * cycle for d in durations)
    mean = sum(durations) / runs
    sigma = math.sqrt(k * (1 - p)) / p * cycle / math.sqrt(runs)
    assert_within_5_sigma(mean, k * cycle / p, sigma, f"{model} {length} km: time for {k} pairs")
    # Fidelity. 500 pairs per basis; sigma(F) = sqrt(sum_b (1 - E_b^2) / n_b) / 4 ~ 0.01;
    # 5 sigma.
    pairs = paired(results)
    e = {b: correlator(pairs, b, b) for b in "XYZ"}
    estimate = (1 + e["X"][0] - e["Y"][0] + e["Z"][0]) / 4
    sigma_f = math.sqrt(sum(correlator_sigma(m, n) ** 2 for m, n in e.values())) / 4
    assert_within_5_sigma(estimate, link.fidelity(), sigma_f, f"{model} {length} km: fidelity")
