"""When repeaters swap (``swap_when``), and classical links between non-adjacent path nodes."""

import math
from types import SimpleNamespace

import pytest
from tests.epr.programs import device, keep_pair
from tests.network.network_layer_helpers import line, with_layer

import netqsim
from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.network.network_layer import policy_from_config

NAMES = ["A", "R1", "R2", "B"]
DELAYS = {("A", "R1"): 100, ("R1", "R2"): 200, ("R2", "B"): 50}


def chain(swap_when, delays=DELAYS, devices=None):
    # Hops of 1000 ns each (success probability 1), instant gates and measurements.
    return with_layer(line(NAMES, delays=dict(delays), devices=devices), swap_when=swap_when)


@pytest.mark.parametrize(("swap_when", "took"), [("held", 1300), ("known", 1500),
                                                 ("confirmed", 2500)])
def test_swap_when_sets_when_repeaters_swap_exactly(swap_when, took):
    # All hops end at +1000. held: R1 and R2 swap at once; A hears R2's outcomes 300 ns
    # later (+1300), B hears R1's 250 ns later. known: R2 swaps A-R2 only once R1's
    # outcomes reached it (+1200), and A hears that at +1500. confirmed: R1 asks A and R2
    # and has both answers at +1400 (2 x 200 ns), swaps; R2 learns of A-R2 at +1600 and
    # asks A (2 x 300 ns) and B: swaps at +2200, heard at A at +2500.
    results = netqsim.run(chain(swap_when), keep_pair("A", "B"), num_times=1, seed=181)
    (report,) = results.network.pairs
    assert report.end_ns - report.start_ns == took
    assert report.swaps == 2 and report.fidelity == pytest.approx(1, abs=1e-12)


@pytest.mark.parametrize(("swap_when", "wait"), [("held", 0), ("known", 200),
                                                 ("confirmed", 1200)])
def test_halves_waiting_for_a_swap_decohere_as_the_closed_form_says(swap_when, wait):
    # Only R2's memory dephases (T2 = 1000 ns, T1 off); both its halves wait ``wait`` ns
    # (see the timing test). A Z error on either half flips the swapped pair's frame and
    # two cancel: F = p^2 + q^2 = (1 + exp(-2 wait / T2)) / 2.
    t2 = 1000.0
    config = chain(swap_when, devices={"R2": device(T2=t2)})
    results = netqsim.run(config, keep_pair("A", "B"), num_times=2, seed=182)
    expected = (1 + math.exp(-2 * wait / t2)) / 2
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(expected, abs=1e-9)


def test_outcomes_take_a_direct_classical_link_when_it_is_faster():
    # A-B (30 ns) carries the request and its answer; R2-A (20 ns) carries R2's outcomes.
    delays = {**DELAYS, ("A", "B"): 30, ("R2", "A"): 20}
    results = netqsim.run(chain("held", delays), keep_pair("A", "B"), num_times=1, seed=183)
    (report,) = results.network.pairs
    assert report.start_ns == 2 * 30
    # A hears R1 at +1100 and R2 at +1020; B hears R1 at +1250 (R1-B has no clink).
    assert report.end_ns - report.start_ns == 1250


def test_swap_when_is_validated_in_the_config_and_the_policy():
    assert policy_from_config(SimpleNamespace(network_layer=None)).swap_when == "held"
    policy = policy_from_config(SimpleNamespace(network_layer={"swap_when": "confirmed"}))
    assert policy.swap_when == "confirmed"
    with pytest.raises(ValueError, match=r"^network_layer\.swap_when: 'later' is not a swap "
                                         r"timing; use one of held, known, confirmed$"):
        policy_from_config(SimpleNamespace(network_layer={"swap_when": "later"}))
    yaml = ("stacks:\n  - {name: A, qdevice_typ: generic, qdevice_cfg: null}\n"
            "  - {name: B, qdevice_typ: generic, qdevice_cfg: null}\n"
            "links:\n  - {stack1: A, stack2: B, typ: perfect}\n")
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_yaml(yaml + "network_layer: {swap_when: later}\n")
    assert info.value.problems == [
        "network_layer.swap_when: must be 'held', 'known' or 'confirmed' (got 'later') (line 6)"]
    assert StackNetworkConfig.from_yaml(
        yaml + "network_layer: {swap_when: known}\n").network_layer.swap_when == "known"
