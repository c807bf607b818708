"""Perfect link: Phi+ pairs, equal outcomes in Z and X, Bell-state fidelity 1."""

import math

import numpy as np
import pytest
from tests.epr.programs import (
    ProbePair,
    assert_binomial_rate,
    correlator,
    device,
    keep_pair,
    paired,
)

import netqsim
from netqsim.config import PerfectLinkConfig, two_nodes
from netqsim.quantum import bell_state


def perfect(num_qubits=2, **link):
    return two_nodes(qdevice=device(num_qubits), link=PerfectLinkConfig(**link))


@pytest.mark.parametrize("number", [1, 3])
def test_outcomes_agree_in_z_and_x_and_oppose_in_y(number):
    results = netqsim.run(
        perfect(num_qubits=3), keep_pair(bases=("Z", "X", "Y"), number=number),
        num_times=150, seed=1,
    )
    pairs = paired(results)
    # Every pair, every run: <ZZ> = <XX> = 1 and <YY> = -1 for Phi+.
    assert correlator(pairs, "Z", "Z") == (1.0, 50 * number)
    assert correlator(pairs, "X", "X") == (1.0, 50 * number)
    assert correlator(pairs, "Y", "Y") == (-1.0, 50 * number)
    # Fidelity to Phi+ from the three correlators: (1 + <XX> - <YY> + <ZZ>) / 4 = 1.
    e = {b: correlator(pairs, b, b)[0] for b in "XYZ"}
    assert (1 + e["X"] - e["Y"] + e["Z"]) / 4 == 1.0


def test_outcomes_are_unbiased():
    results = netqsim.run(perfect(), keep_pair(bases=("Z", "X")), num_times=400, seed=2)
    ones = sum(r["m"][0] for r in results["Alice"])
    # Binomial(400, 1/2): sigma = 10; 5 sigma.
    assert_binomial_rate(ones, 400, 0.5, "fraction of outcome 1")


def test_delivered_state_is_phi_plus():
    results = netqsim.run(
        perfect(), {"Alice": ProbePair("Bob", "create"), "Bob": ProbePair("Alice", "recv")},
        num_times=5, seed=3,
    )
    for row in results["Bob"]:
        assert row["fidelity"] == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_allclose(row["rho"], bell_state(0, as_dm=True), atol=1e-12)


def test_length_sets_the_delay():
    # 20 km at 200000 km/s is 100 us; instant classical links: the pair arrives then.
    results = netqsim.run(perfect(length=20.0), keep_pair(), num_times=3, seed=4)
    for row in results["Alice"] + results["Bob"]:
        assert math.isclose(row["t1"] - row["t0"], 100_000.0)
