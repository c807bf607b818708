"""Depolarise link: Werner pairs; X mismatch rate, CHSH value, random Bell states."""

import math

import pytest
from tests.epr.programs import (
    KeepMeasure,
    assert_binomial_rate,
    assert_within_5_sigma,
    correlator,
    correlator_sigma,
    device,
    keep_pair,
    paired,
)

import netqsim
from netqsim.config import DepolariseLinkConfig, two_nodes


def werner(fidelity, random_bell_state=False, prob_success=1.0, t_cycle=10.0, num_qubits=2):
    return two_nodes(
        qdevice=device(num_qubits),
        link=DepolariseLinkConfig(fidelity=fidelity, prob_success=prob_success, t_cycle=t_cycle,
                                  random_bell_state=random_bell_state),
    )


@pytest.mark.parametrize("random_bell_state", [False, True], ids=["phi_plus", "random_bell"])
def test_x_mismatch_rate_is_two_thirds_of_infidelity(random_bell_state):
    f, n = 0.8, 1500
    results = netqsim.run(werner(f, random_bell_state), keep_pair(bases=("X",)),
                          num_times=n, seed=11)
    mismatches = sum(a["m"][0] != b["m"][0] for a, b in paired(results))
    # Binomial(1500, 2/15): sigma = sqrt(p (1-p) / n) ~ 0.0088 on the rate; 5 sigma.
    assert_binomial_rate(mismatches, n, 2 / 3 * (1 - f), "X mismatch rate")


def test_chsh_value_is_2_sqrt2_times_werner_parameter():
    f, n = 0.9, 2000
    programs = {
        "Alice": KeepMeasure("Bob", "create", ("Z", "X"), choose="rng"),
        "Bob": KeepMeasure("Alice", "recv", ("Z+X", "Z-X"), choose="rng"),
    }
    pairs = paired(netqsim.run(werner(f), programs, num_times=n, seed=12))
    terms = {(a, b): correlator(pairs, a, b) for a in ("Z", "X") for b in ("Z+X", "Z-X")}
    sign = {("X", "Z-X"): -1}
    chsh = sum(sign.get(k, 1) * e for k, (e, _) in terms.items())
    # Each of the 4 correlators from ~n/4 = 500 pairs, Var = (1 - E^2) / n_ab;
    # sigma(S) = sqrt(sum of the four) ~ 0.07; 5 sigma.
    sigma = math.sqrt(sum(correlator_sigma(e, k) ** 2 for e, k in terms.values()))
    assert_within_5_sigma(chsh, 2 * math.sqrt(2) * (4 * f - 1) / 3, sigma, "CHSH value")


def test_random_bell_states_are_corrected_by_the_receiver():
    # F = 1 with a random Bell state: after the SDK's correction on the receiver
    # every pair is Phi+, in every run.
    results = netqsim.run(werner(1.0, random_bell_state=True),
                          keep_pair(bases=("Z", "X", "Y"), number=2),
                          num_times=120, seed=13)
    pairs = paired(results)
    assert correlator(pairs, "Z", "Z") == (1.0, 80)
    assert correlator(pairs, "X", "X") == (1.0, 80)
    assert correlator(pairs, "Y", "Y") == (-1.0, 80)


def test_generation_time_is_geometric_in_prob_success():
    p, cycle, n = 0.25, 100.0, 300
    results = netqsim.run(werner(1.0, prob_success=p, t_cycle=cycle, num_qubits=4),
                          keep_pair(number=4, max_qubits=4), num_times=n, seed=14)
    results_4 = [r["t1"] - r["t0"] for r in results["Alice"]]
    # Each run: 4 pairs, each a geometric number of cycles (instant classical links).
    assert all(math.isclose(t / cycle, round(t / cycle)) for t in results_4)
    mean = sum(results_4) / n
    # Sum of 4 geometric(p) draws: mean 4/p cycles, variance 4 (1-p)/p^2 cycles^2;
    # sigma of the mean over 300 runs ~ 2.0 cycles; 5 sigma.
    sigma = math.sqrt(4 * (1 - p)) / p * cycle / math.sqrt(n)
    assert_within_5_sigma(mean, 4 * cycle / p, sigma, "mean time for 4 pairs")
