"""Network-layer physics and timing against closed forms: Werner products, gate noise,
deterministic timing, swap schedules and the memory cutoff."""

import math

import pytest
from tests.epr.programs import (
    ProbePair,
    assert_binomial_rate,
    assert_within_5_sigma,
    correlator,
    correlator_sigma,
    device,
    keep_pair,
    paired,
)
from tests.network.network_layer_helpers import line, with_layer

import netqsim
from netqsim.config import DepolariseLinkConfig, PerfectLinkConfig

NAMES = ["A", "R1", "R2", "B"]
LINK_FIDELITIES = (0.9, 0.85, 0.95)


def werner_links(prob_success=0.5):
    return [DepolariseLinkConfig(fidelity=f, prob_success=prob_success, t_cycle=100,
                                 random_bell_state=True) for f in LINK_FIDELITIES]


def werner_product():
    return math.prod((4 * f - 1) / 3 for f in LINK_FIDELITIES)


def test_without_gate_noise_every_pair_has_the_werner_product_fidelity():
    n = 600
    results = netqsim.run(line(NAMES, links=werner_links()),
                          keep_pair("A", "B", bases=("Z", "X")), num_times=n, seed=161)
    w = werner_product()
    expected = (1 + 3 * w) / 4
    # The exact state: every delivered pair, whatever the swap outcomes.
    assert len(results.network.pairs) == n
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(expected, abs=1e-9)
    # The programs' outcomes: <ZZ> = <XX> = W after the SDK's corrections
    # (n/2 = 300 pairs per basis; 5 sigma of the correlator's standard error).
    pairs = paired(results, "A", "B")
    for basis in ("Z", "X"):
        mean, count = correlator(pairs, basis, basis)
        assert count == n // 2
        assert_within_5_sigma(mean, w, correlator_sigma(w, count), f"<{basis}{basis}>")


def test_repeater_gate_noise_follows_the_swap_closed_form():
    p1, p2 = 0.02, 0.05
    noisy = device().model_copy(update={"single_qubit_gate_depolar_prob": p1,
                                        "two_qubit_gate_depolar_prob": p2})
    config = line(NAMES, links=werner_links(), devices={"R1": noisy, "R2": noisy})
    results = netqsim.run(config, keep_pair("A", "B"), num_times=40, seed=162)
    # Each repeater's CNOT flips its m2 (X frame) with p2/2, and its CNOT and H
    # flip m1 (Z frame) with p2/2 and p1/2: over k = 2 repeaters
    # x = (1 - (1 - p2)^k) / 2, z = (1 - ((1 - p2)(1 - p1))^k) / 2 and
    # F = W (1 - x)(1 - z) + (1 - W) / 4 (the end nodes' corrections not included).
    w, k = werner_product(), 2
    x = (1 - (1 - p2) ** k) / 2
    z = (1 - ((1 - p2) * (1 - p1)) ** k) / 2
    expected = w * (1 - x) * (1 - z) + (1 - w) / 4
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(expected, abs=1e-9)


def timed_device():
    return device(two_qubit_gate_time=500, single_qubit_gate_time=50, measure_time=30)


def test_a_deterministic_chain_takes_generation_swaps_and_messages_exactly():
    links = [PerfectLinkConfig(state_delay=d) for d in (1000, 3000, 2000)]
    delays = {("A", "R1"): 100, ("R1", "R2"): 200, ("R2", "B"): 50}
    config = line(NAMES, links=links, devices=dict.fromkeys(NAMES, timed_device()),
                  delays=delays)
    results = netqsim.run(config, keep_pair("A", "B", number=2), num_times=1, seed=163)
    first, second = results.network.pairs
    # REQ to B and READY back along the path: 2 x (100 + 200 + 50) ns.
    assert first.start_ns == 700
    # Hops done at +1000, +3000, +2000. At +3000 R1 swaps first (its left hop is
    # older), which takes CNOT + H + 2 measurements = 500 + 50 + 30 + 30 = 610 ns;
    # R2 then swaps the joined segment: +3610 to +4220. R2's outcomes reach A
    # after 200 + 100 ns (+4520); B hears R1's at 3610 + 250 and R2's at 4220 + 50.
    assert first.duration_ns == 4520
    assert second.start_ns == first.end_ns and second.duration_ns == 4520
    ((creator, _),) = paired(results, "A", "B")
    assert creator["t0"] == 0 and creator["t1"] == 700 + 2 * 4520
    assert first.swaps == second.swaps == 2


@pytest.mark.parametrize(("schedule", "duration"), [("asap", 3610), ("doubling", 4220)])
def test_swap_schedules_differ_in_when_repeaters_swap(schedule, duration):
    names = ["A", "R1", "R2", "R3", "B"]
    links = [PerfectLinkConfig(state_delay=d) for d in (1000, 1000, 1000, 3000)]
    config = with_layer(line(names, links=links, devices=dict.fromkeys(names, timed_device())),
                        swap=schedule)
    results = netqsim.run(config, keep_pair("A", "B", bases=("Z", "X")), num_times=2, seed=164)
    # asap: R1 swaps at 1000, R2 joins A-R2 and R2-R3 at 1610, R3 swaps at 3000 -> 3610.
    # doubling: R1 at 1000 and R3 at 3000 (level 1), R2 only then (level 2): 3610 -> 4220.
    assert [r.duration_ns for r in results.network.pairs] == [duration, duration]
    for a, b in paired(results, "A", "B"):
        assert a["m"] == b["m"]


def expected_discards(p, cycle, lifetime):
    """Mean and variance of the number of cutoff discards per delivered pair.

    Hop A-R delivers after ``c1`` every time; its pair is discarded ``cutoff``
    after delivery and made again, so the d-th discard happens at
    ``d L`` with ``L = cutoff + c1``. Hop R-B succeeds after a geometric number
    of cycles (``p`` per ``cycle``). At least d discards happen iff R-B has not
    succeeded by ``d L``: ``P(D >= d) = (1 - p)^floor(d L / cycle)``.
    """
    tail = [(1 - p) ** math.floor(d * lifetime / cycle) for d in range(1, 400)]
    mean = sum(tail)
    second = sum((2 * d - 1) * t for d, t in enumerate(tail, start=1))
    return mean, second - mean**2


def test_memory_cutoff_discards_follow_the_geometric_closed_form():
    p, cycle, c1 = 0.2, 1000.0, 1000.0
    cutoff = 1000.0 * (1 + math.sqrt(2))  # irrational: no discard coincides with a cycle end
    links = [PerfectLinkConfig(state_delay=c1),
             DepolariseLinkConfig(fidelity=1, prob_success=p, t_cycle=cycle)]
    config = with_layer(line(["A", "R", "B"], links=links), cutoff_time=cutoff)
    n = 800
    results = netqsim.run(config, keep_pair("A", "B", bases=("Z", "X")), num_times=n, seed=165)
    discards = [r.discards for r in results.network.pairs]
    assert len(discards) == n
    mean, variance = expected_discards(p, cycle, cutoff + c1)
    assert_within_5_sigma(sum(discards) / n, mean, math.sqrt(variance / n), "discards per pair")
    # No discard at all: R-B succeeds within its first floor(L / cycle) = 3 cycles.
    assert_binomial_rate(discards.count(0), n, 1 - (1 - p) ** 3, "pairs without discard")
    counts = results.network.counts
    total = sum(discards)
    assert counts["A"]["discarded"] == counts["R"]["discarded"] == total
    assert counts["B"]["discarded"] == 0  # the R-B half never waits longer than c1 < cutoff
    assert counts["A"]["generated"] == n + total
    # A pair that survives is perfect: the cutoff only discards.
    for a, b in paired(results, "A", "B"):
        assert a["m"] == b["m"]


def test_without_a_cutoff_nothing_is_discarded():
    links = [PerfectLinkConfig(state_delay=1000),
             DepolariseLinkConfig(fidelity=1, prob_success=0.2, t_cycle=1000)]
    results = netqsim.run(line(["A", "R", "B"], links=links), keep_pair("A", "B"),
                          num_times=50, seed=166)
    assert results.network.total("discarded") == 0
    assert all(r.discards == 0 for r in results.network.pairs)


def test_a_half_waiting_at_a_repeater_decoheres_in_its_memory():
    # Hop A-R takes 1000 ns, hop R-B 5000 ns: R's left half waits 4000 ns in a memory
    # with T2 = 10 us (T1 off), the only noisy memory. Dephasing one half of Phi+ for
    # t leaves F = (1 + exp(-t / T2)) / 2.
    t2 = 10_000.0
    links = [PerfectLinkConfig(state_delay=1000), PerfectLinkConfig(state_delay=5000)]
    config = line(["A", "R", "B"], links=links, devices={"R": device(T2=t2)})
    results = netqsim.run(config, keep_pair("A", "B"), num_times=3, seed=167)
    expected = (1 + math.exp(-4000 / t2)) / 2
    for report in results.network.pairs:
        assert report.fidelity == pytest.approx(expected, abs=1e-9)


def test_the_receiver_reads_the_corrected_pair_through_its_qubit():
    # ProbePair reads the joint state after the SDK's corrections: Phi+ with the
    # Werner-product fidelity, for every heralded/swapped Bell index.
    config = line(NAMES, links=werner_links())
    programs = {"A": ProbePair("B", "create"), "B": ProbePair("A", "recv")}
    results = netqsim.run(config, programs, num_times=12, seed=168)
    expected = (1 + 3 * werner_product()) / 4
    assert len({r.bell_index for r in results.network.pairs}) > 1  # corrections were needed
    for probe in results["B"]:
        assert probe["fidelity"] == pytest.approx(expected, abs=1e-9)


def test_a_swapped_segment_older_than_the_cutoff_is_discarded_at_its_two_ends():
    # Hops A-R1 and R1-R2 take 1000 ns (success probability 1), R2-B succeeds with
    # p = 0.3 per 2000 ns cycle; instant swaps; cutoff 2500.5 ns (>= every cycle). R1 joins
    # A-R1-R2 at 1000 + P d (P = cutoff + 1000: discarded at A and R2 at its end, both hops
    # made again), so the d-th segment lives in [1000 + P d, 1000 + cutoff + P d]. R2-B's
    # half waits at most 1000 ns < cutoff: never discarded. A pair after d discards took
    # d + 2 swaps and was delivered inside the d-th window.
    cutoff = 2500.5
    period = cutoff + 1000
    links = [PerfectLinkConfig(state_delay=1000), PerfectLinkConfig(state_delay=1000),
             DepolariseLinkConfig(fidelity=1, prob_success=0.3, t_cycle=2000)]
    config = with_layer(line(NAMES, links=links), cutoff_time=cutoff)
    results = netqsim.run(config, keep_pair("A", "B"), num_times=30, seed=169)
    reports = results.network.pairs
    assert len(reports) == 30
    for r in reports:
        assert r.swaps == r.discards + 2
        assert 1000 + period * r.discards <= r.duration_ns <= 1000 + cutoff + period * r.discards
        assert r.fidelity == pytest.approx(1, abs=1e-12)
    total = sum(r.discards for r in reports)
    assert total > 0
    counts = results.network.counts
    assert [counts[n]["discarded"] for n in NAMES] == [total, 0, total, 0]
    assert [counts[n]["swapped"] for n in NAMES] == [0, 30 + total, 30, 0]
