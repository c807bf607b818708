"""The event queue: order by (time, urgency, insertion), removal, errors,
and garbage collection of what it holds. Runs on both implementations (see
conftest.py)."""

import gc
import math
import weakref

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netqsim.kernel import Simulator

operations = st.lists(
    st.one_of(
        st.tuples(st.just("push"), st.integers(0, 5).map(float), st.booleans()),
        st.tuples(st.just("pop"), st.just(0.0), st.just(False)),
        st.tuples(st.just("remove"), st.integers(0, 50).map(float), st.just(False)),
    ),
    max_size=200,
)


# The fixture only names a class; each example builds its own queue.
@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
def test_order_is_time_then_urgent_then_insertion_under_any_operations(queue_implementation, ops):
    queue = queue_implementation()
    model = []  # (time, urgent first, count, label): sorted() gives the expected order
    for count, (op, time, urgent) in enumerate(ops):
        if op == "push":
            label = f"e{count}"
            (queue.push_urgent if urgent else queue.push)(time, label)
            model.append((time, 0 if urgent else 1, count, label))
        elif op == "remove" and model:
            # ``time`` picks which entry: any place in the heap, not only the top.
            entry = model.pop(int(time) % len(model))
            assert queue.remove(entry[3]) is True
        elif op == "pop" and model:
            model.sort()
            time_expected, _, _, label = model.pop(0)
            assert queue.pop()[::2] == (time_expected, label)
        assert len(queue) == len(model)
        assert queue.peek() == (min(model)[0] if model else math.inf)
    assert queue.entries() == [(t, label) for t, _, _, label in sorted(model)]


def test_remove_takes_out_exactly_that_event(queue_implementation):
    queue = queue_implementation()
    events = [object() for _ in range(20)]
    for i, event in enumerate(events):
        queue.push(float(i % 7), event)
    assert queue.remove(events[3]) is True
    assert queue.remove(events[3]) is False
    assert queue.remove(object()) is False
    rest = [queue.pop()[2] for _ in range(len(queue))]
    assert rest == [events[i] for i in sorted(set(range(20)) - {3}, key=lambda i: (i % 7, i))]


def test_times_are_handed_back_as_floats(queue_implementation):
    queue = queue_implementation()
    queue.push(3, "int time")
    assert queue.pop()[::2] == (3.0, "int time")
    assert type(queue.peek()) is float


def test_bad_times_and_empty_pops_raise(queue_implementation):
    queue = queue_implementation()
    with pytest.raises(ValueError, match="an event's time must be a number, got nan"):
        queue.push(math.nan, "x")
    with pytest.raises(TypeError, match="must be real number, not str"):
        queue.push("soon", "x")
    assert len(queue) == 0
    with pytest.raises(IndexError):
        queue.pop()


def test_a_dropped_simulation_with_pending_events_is_collected():
    # simulator -> queue -> event -> simulator is a cycle: the queue must let
    # the garbage collector see through it, or every abandoned run would leak.
    def forever(sim):
        while True:
            yield sim.timeout(1.0)

    sim = Simulator(seed=1)
    sim.process(forever(sim))
    sim.run(until=10.5)
    assert len(sim._queue) == 1
    ref = weakref.ref(sim)
    del sim
    gc.collect()
    assert ref() is None
