"""A memory cutoff the chain can never meet is an error, not an endless loop."""

import pytest
from tests.epr.programs import keep_pair
from tests.network.network_layer_helpers import line, with_layer

import netqsim
from netqsim.config import DepolariseLinkConfig, PerfectLinkConfig
from netqsim.kernel import ProcessError
from netqsim.network.repeater_chain import SwapPolicy
from netqsim.qnodeos.errors import InstructionError


def test_a_cutoff_shorter_than_a_hops_attempt_is_refused_before_any_generation():
    # Without the check this chain runs: A-R's half lives 500 ns, R-B needs 1600 ns.
    links = [PerfectLinkConfig(state_delay=1000), PerfectLinkConfig(state_delay=1600)]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=500)
    with pytest.raises(InstructionError, match=(
            r"network_layer\.cutoff_time \(500 ns\) is shorter than one generation attempt on "
            r"link A-R \(1000 ns\) on the path A-R-B: stored halves would be discarded before "
            r"that hop can deliver; set cutoff_time >= 1600 ns or null")):
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=171)


def test_the_attempt_not_the_mean_generation_time_bounds_the_cutoff():
    # One attempt takes 1000 ns; a success takes 1000 / 0.1 = 10000 ns on average. A cutoff
    # of exactly one attempt is allowed and delivers (with discards while R-B retries).
    links = [PerfectLinkConfig(state_delay=1000),
             DepolariseLinkConfig(fidelity=1, prob_success=0.1, t_cycle=1000)]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=1000)
    results = netqsim.run(config, keep_pair("A", "B"), num_times=5, seed=172)
    assert len(results.network.pairs) == 5
    assert results.network.total("discarded") > 0


def test_the_runtime_guard_stops_a_chain_whose_attempts_outlast_the_cutoff(monkeypatch):
    # For link models whose declared cycle time understates their attempts, the static
    # check cannot see it: switched off here, the attempt itself is checked when it ends.
    monkeypatch.setattr(SwapPolicy, "check_cutoff", lambda self, route: None)
    links = [PerfectLinkConfig(state_delay=1000), PerfectLinkConfig(state_delay=1600)]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=500)
    with pytest.raises(ProcessError) as info:
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=173)
    assert isinstance(info.value.exception, ValueError)
    assert str(info.value.exception) == (
        "network_layer.cutoff_time (500 ns) is shorter than one generation attempt on link "
        "A-R (1000 ns) on the path A-R-B: stored halves would be discarded before that hop can "
        "deliver; set cutoff_time >= 1000 ns or null")


def test_a_cutoff_on_a_direct_link_is_not_checked():
    # Two nodes: no pair is stored waiting for another hop, so the cutoff never applies.
    config = with_layer(line(["A", "B"], links=[PerfectLinkConfig(state_delay=1000)]),
                        cutoff_time=500)
    results = netqsim.run(config, keep_pair("A", "B"), num_times=2, seed=174)
    assert len(results["A"]) == 2
