"""A memory cutoff the chain can never meet is an error, not an endless loop."""

import re

import pytest
from tests.epr.programs import keep_pair
from tests.network.network_layer_helpers import line, with_layer

import netqsim
import netqsim.config.network as network_config
from netqsim.config import (
    ConfigError,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    PerfectLinkConfig,
)
from netqsim.kernel import ProcessError
from netqsim.network.links import build_link_model
from netqsim.network.repeater_chain import SwapPolicy
from netqsim.qnodeos.errors import InstructionError


def test_a_cutoff_shorter_than_a_hops_attempt_is_refused_before_the_run():
    # Without the check this chain runs: A-R's half lives 500 ns, R-B needs 1600 ns.
    links = [PerfectLinkConfig(state_delay=1000), PerfectLinkConfig(state_delay=1600)]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=500)
    with pytest.raises(ConfigError) as info:
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=171)
    assert info.value.problems == [
        f"network_layer.cutoff_time: 500 ns is shorter than one generation attempt on link "
        f"{link} (links[{i}]: {cycle} ns), which routed pairs may use; set cutoff_time >= "
        f"1600 ns or null"
        for i, (link, cycle) in enumerate([("A-R", 1000), ("R-B", 1600)])
    ]


def test_a_cycle_known_only_to_the_link_model_is_checked_when_the_path_is_built():
    # A heralded link's cycle (two photon travel times to its midpoint station) comes
    # from its model, not its config: the route checks it before generating anything.
    heralded = HeraldedLinkConfig(length=1)
    cycle = build_link_model(heralded).cycle_time_ns
    links = [PerfectLinkConfig(state_delay=100), heralded]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=cycle / 2)
    with pytest.raises(InstructionError, match=re.escape(
            f"network_layer.cutoff_time ({cycle / 2:g} ns) is shorter than one generation "
            f"attempt on link R-B ({cycle:g} ns) on the path A-R-B: stored halves would be "
            f"discarded before that hop can deliver; set cutoff_time >= {cycle:g} ns or null")):
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
    monkeypatch.setattr(network_config, "cutoff_problems", lambda layer, links: [])
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


def test_a_swap_longer_than_the_cutoff_is_an_error_not_an_endless_run():
    # Repeaters whose swap (CNOT 100 us, H, two measurements) outlasts a 50 us cutoff: every
    # swapped segment that must wait is older than the cutoff when it is made. On this
    # deterministic 4-node chain the request used to be discarded and regenerated forever.
    slow = GenericQDeviceConfig.perfect_config(num_qubits=4, T1=0, T2=0)
    config = with_layer(line(["A", "R1", "R2", "B"], devices={"R1": slow, "R2": slow}),
                        cutoff_time=50_000)
    with pytest.raises(ProcessError) as info:
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=173)
    assert isinstance(info.value.exception, ValueError)
    assert str(info.value.exception) == (
        "network_layer.cutoff_time (50000 ns) is shorter than the entanglement swap at "
        "repeater 'R1' (101000 ns: CNOT, H and two measurements on its device) on the path "
        "A-R1-R2-B: every swapped segment is older than the cutoff when it is made; set "
        "cutoff_time >= 101000 ns or null")
    # On three nodes the one swap delivers the pair end to end: nothing to store, it runs.
    three = with_layer(line(["A", "R1", "B"], devices={"R1": slow}), cutoff_time=50_000)
    results = netqsim.run(three, keep_pair("A", "B"), num_times=2, seed=173)
    assert len(results.network.pairs) == 2
