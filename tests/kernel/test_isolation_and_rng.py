"""Seeds, random streams, and independence of simulators in one process."""

import numpy as np
import pytest

from netqsim.kernel import Simulator


def draws(seed, name):
    return Simulator(seed=seed).rng_stream(name).random(5)


def test_same_seed_same_streams():
    assert np.array_equal(draws(7, "link"), draws(7, "link"))
    assert np.array_equal(Simulator(seed=7).rng.random(3), Simulator(seed=7).rng.random(3))


def test_streams_differ_by_name_and_seed():
    assert not np.array_equal(draws(7, "link"), draws(7, "device"))
    assert not np.array_equal(draws(7, "link"), draws(8, "link"))


def test_stream_does_not_depend_on_other_streams_requested_before():
    sim = Simulator(seed=3)
    sim.rng_stream("a")
    sim.rng.random(10)
    assert np.array_equal(sim.rng_stream("b").random(4), draws(3, "b")[:4])


def test_a_stream_name_is_handed_out_once():
    sim = Simulator(seed=1)
    sim.rng_stream("Alice/qdevice")
    with pytest.raises(ValueError, match="'Alice/qdevice' was already handed out"):
        sim.rng_stream("Alice/qdevice")


def test_seed_none_draws_and_records_a_seed():
    sim = Simulator()
    again = Simulator(seed=sim.seed)
    assert np.array_equal(sim.rng_stream("x").random(3), again.rng_stream("x").random(3))


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True])
def test_bad_seed_is_rejected(bad):
    with pytest.raises(ValueError, match="seed must be a non-negative integer"):
        Simulator(seed=bad)


def test_two_simulators_in_one_process_never_interfere():
    one, two = Simulator(seed=1), Simulator(seed=1)
    log = {"one": [], "two": []}

    def ticker(sim, key, period):
        for _ in range(3):
            yield sim.timeout(period)
            log[key].append(sim.now)

    one.process(ticker(one, "one", 2))
    two.process(ticker(two, "two", 5))
    one.run(until=3)
    two.run()
    one.run()
    assert log == {"one": [2, 4, 6], "two": [5, 10, 15]}
    assert one.now == 6 and two.now == 15
