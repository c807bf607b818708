"""Stored-pair decoherence: an EPR half kept t ns under pure dephasing (T1 = 0, T2).

Dephasing one qubit of Phi+ for t multiplies the coherence |00><11| by
exp(-t/T2): <XX> = exp(-t/T2), <ZZ> = 1, and F = (1 + exp(-t/T2)) / 2.
Both halves stored for t: the coherence decays by exp(-2t/T2).
"""

import math

import pytest
from tests.epr.programs import (
    KeepMeasure,
    ProbePair,
    assert_binomial_rate,
    device,
    paired,
)

import netqsim
from netqsim.config import PerfectLinkConfig, two_nodes

T2 = 1e6  # ns


@pytest.mark.parametrize("wait", [0.0, 0.5 * T2, 2 * T2])
def test_x_agreement_decays_with_the_receiver_waiting(wait):
    # Only Bob's memory dephases; Alice measures at delivery (operations take no time).
    config = two_nodes(qdevice={"Alice": device(), "Bob": device(T2=T2)},
                       link=PerfectLinkConfig(state_delay=1000))
    n = 600
    results = netqsim.run(
        config,
        {"Alice": KeepMeasure("Bob", "create", ("X",)),
         "Bob": KeepMeasure("Alice", "recv", ("X",), wait_ns=wait)},
        num_times=n, seed=31,
    )
    pairs = paired(results)
    assert all(b["end"] - b["t1"] == wait for _, b in pairs)
    agree = sum(a["m"][0] == b["m"][0] for a, b in pairs)
    # P(equal in X) = (1 + exp(-t/T2)) / 2; Binomial(600, P): sigma <= 0.021; 5 sigma.
    assert_binomial_rate(agree, n, (1 + math.exp(-wait / T2)) / 2, f"X agreement after {wait} ns")


def test_z_agreement_is_unaffected_by_dephasing():
    config = two_nodes(qdevice={"Alice": device(), "Bob": device(T2=T2)})
    results = netqsim.run(
        config,
        {"Alice": KeepMeasure("Bob", "create", ("Z",)),
         "Bob": KeepMeasure("Alice", "recv", ("Z",), wait_ns=3 * T2)},
        num_times=100, seed=32,
    )
    assert all(a["m"] == b["m"] for a, b in paired(results))


@pytest.mark.parametrize("wait", [0.0, 0.3 * T2, T2])
def test_fidelity_of_a_pair_stored_on_both_sides(wait):
    config = two_nodes(qdevice=device(T2=T2), link=PerfectLinkConfig(state_delay=1000))
    results = netqsim.run(
        config,
        {"Alice": ProbePair("Bob", "create"), "Bob": ProbePair("Alice", "recv", wait_ns=wait)},
        num_times=3, seed=33,
    )
    # Both halves dephase for `wait`: F = (1 + exp(-2 wait / T2)) / 2, exactly.
    for row in results["Bob"]:
        assert row["fidelity"] == pytest.approx((1 + math.exp(-2 * wait / T2)) / 2, abs=1e-9)
