"""Time, ordering, run modes and stop()."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netqsim.kernel import Interrupt, Simulator


def test_timeouts_advance_the_clock_exactly():
    sim = Simulator(seed=0)
    seen = []

    def proc():
        value = yield sim.timeout(2.5, value="a")
        seen.append((sim.now, value))
        yield sim.timeout(0)
        seen.append((sim.now, None))
        yield sim.timeout(1e9)
        seen.append((sim.now, None))

    sim.process(proc())
    sim.run()
    assert seen == [(2.5, "a"), (2.5, None), (2.5 + 1e9, None)]


def test_simultaneous_events_fire_in_scheduling_order():
    sim = Simulator(seed=0)
    order = []
    for name in "abcde":
        sim.timeout(5.0).callbacks.append(lambda ev, name=name: order.append(name))
    sim.run()
    assert order == list("abcde")


def test_processes_started_at_same_time_run_in_creation_order():
    sim = Simulator(seed=0)
    order = []

    def proc(name):
        order.append((sim.now, name))
        yield sim.timeout(1)
        order.append((sim.now, name))

    for name in ("x", "y", "z"):
        sim.process(proc(name))
    sim.run()
    assert order == [(0, "x"), (0, "y"), (0, "z"), (1, "x"), (1, "y"), (1, "z")]


@given(st.lists(st.floats(min_value=0, max_value=100, allow_nan=False), max_size=60))
def test_events_fire_in_time_order_then_fifo(delays):
    sim = Simulator(seed=0)
    fired = []
    for i, delay in enumerate(delays):
        sim.timeout(delay).callbacks.append(lambda ev, i=i: fired.append((sim.now, i)))
    sim.run()
    assert fired == sorted(((d, i) for i, d in enumerate(delays)))


def test_run_until_time_stops_before_events_at_that_time():
    sim = Simulator(seed=0)
    fired = []
    for t in (1, 2, 3):
        sim.timeout(t).callbacks.append(lambda ev, t=t: fired.append(t))
    sim.run(until=2)
    assert sim.now == 2 and fired == [1]
    sim.run(until=10)
    assert sim.now == 10 and fired == [1, 2, 3]


def test_run_until_time_in_the_past_is_an_error():
    sim = Simulator(seed=0)
    sim.run(until=5)
    with pytest.raises(ValueError, match="lies in the past"):
        sim.run(until=4)


def test_run_until_event_returns_its_value():
    sim = Simulator(seed=0)

    def worker():
        yield sim.timeout(7)
        return "result"

    proc = sim.process(worker())
    sim.timeout(100)  # later work stays queued
    assert sim.run(until=proc) == "result"
    assert sim.now == 7
    assert sim.peek() == 100


def test_run_until_failed_event_raises_its_exception():
    sim = Simulator(seed=0)

    def worker():
        yield sim.timeout(1)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        sim.run(until=sim.process(worker()))


def test_stop_ends_the_run_after_the_current_event():
    sim = Simulator(seed=0)
    ticks = []

    def clock():
        while True:
            yield sim.timeout(1)
            ticks.append(sim.now)
            if sim.now == 3:
                sim.stop()

    sim.process(clock(), daemon=True)
    sim.run()
    assert ticks == [1, 2, 3] and sim.now == 3
    sim.run(until=5)  # the simulation can be continued
    assert ticks == [1, 2, 3, 4]


def test_stop_during_run_until_time_leaves_clock_where_it_stopped():
    sim = Simulator(seed=0)
    sim.timeout(2).callbacks.append(lambda ev: sim.stop())
    sim.timeout(3)
    sim.run(until=10)
    assert sim.now == 2
    sim.run(until=10)
    assert sim.now == 10


def test_negative_or_nan_delay_is_rejected():
    sim = Simulator(seed=0)
    with pytest.raises(ValueError, match="non-negative"):
        sim.timeout(-1)
    with pytest.raises(ValueError, match="non-negative"):
        sim.timeout(float("nan"))


def test_event_cannot_be_triggered_twice():
    sim = Simulator(seed=0)
    ev = sim.event("once")
    ev.succeed(1)
    with pytest.raises(RuntimeError, match="'once' has already been triggered"):
        ev.succeed(2)
    with pytest.raises(RuntimeError, match="already been triggered"):
        ev.fail(ValueError())


def test_event_states():
    sim = Simulator(seed=0)
    ev = sim.event()
    assert not ev.triggered and not ev.processed
    with pytest.raises(AttributeError, match="not been triggered"):
        _ = ev.value
    ev.succeed(3)
    assert ev.triggered and not ev.processed and ev.value == 3
    sim.run()
    assert ev.processed and ev.ok


def test_timeouts_that_user_code_still_holds_are_never_reused():
    """The kernel reuses processed timeouts only when nothing else refers to them."""
    sim = Simulator(seed=0)
    kept = []

    def proc():
        for i in range(5):
            event = sim.timeout(1, value=i)
            kept.append(event)
            yield event
        for _ in range(5):
            yield sim.timeout(1)  # unreferenced: may be reused
        fresh = sim.timeout(2, value="new")
        assert not fresh.processed and fresh.value == "new"
        return (yield fresh)

    p = sim.process(proc())
    sim.run()
    assert [event.value for event in kept] == [0, 1, 2, 3, 4]
    assert all(event.processed for event in kept) and len({id(e) for e in kept}) == 5
    assert p.value == "new" and sim.now == 12


def test_unschedule_takes_a_timer_out_of_the_queue():
    sim = Simulator(seed=0)
    fired = []
    keep, drop = sim.timeout(5, "keep"), sim.timeout(50, "drop")
    for event in (keep, drop):
        event.callbacks.append(lambda ev: fired.append(ev.value))
    assert sim.unschedule(drop) is True
    sim.run()
    assert fired == ["keep"] and sim.now == 5  # the dropped timer does not move the clock
    assert sim.unschedule(keep) is False  # already fired: nothing to take out


def test_channel_take_arrived_returns_what_has_arrived_in_order():
    from netqsim.kernel import Channel

    sim = Simulator(seed=0)
    link = Channel(sim, delay=10)
    got = []

    def reader():
        first = yield link.recv()
        got.append([first, *link.take_arrived()])

    for chunk in ("a", "b", "c"):
        link.send(chunk)
    sim.process(reader())
    link.send("late", delay=20)
    sim.run()
    assert got == [["a", "b", "c"]] and link.in_transit == 1


def test_run_until_now_processes_nothing_not_even_a_pending_interrupt():
    sim = Simulator(seed=0)
    seen = []

    def sleeper():
        try:
            yield sim.timeout(10.0)
        except Interrupt as interrupt:
            seen.append((sim.now, interrupt.cause))

    proc = sim.process(sleeper())
    sim.run(until=2.0)
    proc.interrupt("wake")  # between runs: queued, urgent, for t=2
    sim.run(until=2.0)
    assert seen == [] and sim.now == 2.0
    sim.run()
    assert seen == [(2.0, "wake")]
