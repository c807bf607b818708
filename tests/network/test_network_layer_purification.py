"""Purification in the network layer: end to end and per hop, against BBPSSW/DEJMPS formulas."""

import pytest
from tests.epr.programs import assert_binomial_rate, device, keep_pair, paired
from tests.network.network_layer_helpers import line, with_layer

import netqsim
from netqsim.config import DepolariseLinkConfig
from netqsim.network.purification import (
    bbpssw_fidelity,
    bbpssw_success_probability,
    dejmps_coefficients,
    dejmps_success_probability,
    werner_coefficients,
)
from netqsim.network.purification_policy import rounds_needed, werner_product_fidelity
from netqsim.qnodeos.errors import InstructionError

F = 0.9
NODES = ["A", "R", "B"]


def purifying_chain(protocol, scope, target):
    links = DepolariseLinkConfig(fidelity=F, prob_success=1, t_cycle=100)
    config = line(NODES, links=links, devices=dict.fromkeys(NODES, device(num_qubits=4)))
    return with_layer(config, purification={"protocol": protocol, "scope": scope,
                                            "target_fidelity": target})


def rounds_and_failures(results):
    reports = results.network.pairs
    return (sum(r.purification_rounds for r in reports),
            sum(r.purification_failures for r in reports))


def test_end_to_end_bbpssw_gives_its_fidelity_and_success_probability():
    # Two Werner hops of F = 0.9 swap into a Werner pair of F0 = (1 + 3 w^2) / 4; one
    # BBPSSW round on two of them succeeds with p(F0, F0) and leaves F'(F0, F0).
    f0 = werner_product_fidelity([F, F])
    config = purifying_chain("bbpssw", "end_to_end", f0 + 0.01)
    n = 400
    results = netqsim.run(config, keep_pair("A", "B", bases=("Z", "X")), num_times=n, seed=171)
    assert len(results.network.pairs) == n
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(bbpssw_fidelity(f0, f0), abs=1e-9)
        assert report.bell_index == 0  # corrected to Phi+ before purifying
    rounds, failures = rounds_and_failures(results)
    assert rounds == n + failures  # one successful round per pair
    # Binomial over all rounds (> 400): 5 sigma.
    assert_binomial_rate(rounds - failures, rounds, bbpssw_success_probability(f0, f0),
                         "BBPSSW rounds that succeed")
    counts = results.network.counts
    assert counts["A"]["purified"] == counts["B"]["purified"] == rounds
    assert counts["R"]["purified"] == 0
    # A kept pair per try (n + failures) plus a sacrificial pair per round.
    assert counts["R"]["swapped"] == n + failures + rounds


def test_hop_dejmps_purifies_each_link_before_the_swap():
    # Each hop's kept pair after one DEJMPS round on Werner pairs has Bell-diagonal
    # weights c = (A, B, C, D); swapping two such pairs errs unless both carry the
    # same Pauli error: F = A^2 + B^2 + C^2 + D^2.
    config = purifying_chain("dejmps", "hop", F + 0.01)
    n = 250
    results = netqsim.run(config, keep_pair("A", "B", bases=("Z", "X")), num_times=n, seed=172)
    c = dejmps_coefficients(werner_coefficients(F))
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(sum(x * x for x in c), abs=1e-9)
    rounds, failures = rounds_and_failures(results)
    assert rounds == 2 * n + failures  # one successful round per hop and pair
    assert_binomial_rate(rounds - failures, rounds,
                         dejmps_success_probability(werner_coefficients(F)),
                         "DEJMPS rounds that succeed")
    assert results.network.counts["R"]["purified"] == rounds
    agree = sum(a["m"] == b["m"] for a, b in paired(results, "A", "B"))
    assert agree > n // 2  # the programs get the corrected, purified pairs


def test_a_higher_target_pumps_more_rounds():
    assert rounds_needed("bbpssw", 0.9, 0.91, "x") == 1
    assert rounds_needed("bbpssw", 0.9, 0.93, "x") == 2
    assert rounds_needed("dejmps", 0.9, 0.9, "x") == 0
    config = purifying_chain("bbpssw", "hop", 0.93)
    results = netqsim.run(config, keep_pair("A", "B"), num_times=20, seed=173)
    # Two successful rounds on each of two hops, besides those of spoiled tries.
    assert all(r.purification_rounds - r.purification_failures >= 4
               for r in results.network.pairs)
    assert any(r.purification_failures for r in results.network.pairs)


def test_an_unreachable_target_is_an_error_naming_the_link():
    with pytest.raises(ValueError, match=r"purification \(bbpssw, l\) cannot reach "
                                         r"target_fidelity 0\.95 from pairs of fidelity 0\.9: "
                                         r"pumping stalls at 0\.943"):
        rounds_needed("bbpssw", 0.9, 0.95, "l")
    config = purifying_chain("bbpssw", "hop", 0.95)
    with pytest.raises(InstructionError, match="link A-R"):
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=174)
