"""a | b, a & b, and their values."""

import pytest

from netqsim.kernel import ConditionValue, Simulator


def run_process(sim, body):
    proc = sim.process(body())
    sim.run()
    return proc.value


def test_any_of_fires_with_the_first_and_tells_which():
    sim = Simulator(seed=0)
    slow, fast = sim.timeout(5, "slow"), sim.timeout(2, "fast")

    def body():
        result = yield slow | fast
        return sim.now, fast in result, slow in result, result[fast], result.first is fast

    assert run_process(sim, body) == (2, True, False, "fast", True)


def test_all_of_waits_for_every_event_and_keeps_firing_order():
    sim = Simulator(seed=0)
    a, b, c = sim.timeout(3, "a"), sim.timeout(1, "b"), sim.timeout(2, "c")

    def body():
        result = yield a & b & c
        return sim.now, result.values(), len(result)

    assert run_process(sim, body) == (3, ["b", "c", "a"], 3)


def test_composite_of_already_processed_events_fires_at_once():
    sim = Simulator(seed=0)
    early = sim.timeout(1, "early")

    def body():
        yield sim.timeout(5)
        result = yield early & sim.timeout(0, "now")
        return sim.now, result.values()

    assert run_process(sim, body) == (5, ["early", "now"])


def test_composite_fails_when_a_child_fails():
    sim = Simulator(seed=0)
    bad = sim.event("bad")
    sim.timeout(1).callbacks.append(lambda _: bad.fail(ValueError("nope")))

    def body():
        try:
            yield bad & sim.timeout(10)
        except ValueError as exc:
            return sim.now, str(exc)

    assert run_process(sim, body) == (1, "nope")


def test_empty_composites_fire_immediately():
    sim = Simulator(seed=0)

    def body():
        a = yield sim.any_of([])
        b = yield sim.all_of([])
        return sim.now, a == {}, b == {}

    assert run_process(sim, body) == (0, True, True)


def test_nested_composite_values_are_flattened():
    sim = Simulator(seed=0)
    a, b, c = sim.timeout(1, "a"), sim.timeout(2, "b"), sim.timeout(3, "c")

    def body():
        result = yield (a | c) & b
        return a in result, b in result, c in result

    assert run_process(sim, body) == (True, True, False)


def test_events_of_different_simulators_cannot_be_combined():
    one, two = Simulator(seed=0), Simulator(seed=0)
    with pytest.raises(ValueError, match="different simulators"):
        _ = one.timeout(1) | two.timeout(1)


def test_condition_value_is_a_read_only_mapping():
    sim = Simulator(seed=0)
    ev = sim.timeout(1, "x")
    value = ConditionValue([(ev, "x")])
    assert list(value) == [ev] and value.todict() == {ev: "x"} and value.items() == [(ev, "x")]
