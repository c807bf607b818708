"""Failure propagation and the error raised for unhandled failures."""

import pytest

from netqsim.kernel import ProcessError, SimulationError, Simulator


def test_failed_event_raises_in_waiting_process():
    sim = Simulator(seed=0)
    ev = sim.event("link")

    def waiter():
        try:
            yield ev
        except ConnectionError as exc:
            return f"caught {exc} at {sim.now:g}"

    p = sim.process(waiter())
    sim.timeout(4).callbacks.append(lambda _: ev.fail(ConnectionError("lost")))
    sim.run()
    assert p.value == "caught lost at 4"


def test_exception_in_child_propagates_to_parent():
    sim = Simulator(seed=0)

    def child():
        yield sim.timeout(2)
        raise ValueError("bad value")

    def parent():
        try:
            yield sim.process(child())
        except ValueError as exc:
            return str(exc)

    p = sim.process(parent())
    sim.run()
    assert p.value == "bad value"


def test_unhandled_process_exception_stops_run_naming_process_and_time():
    sim = Simulator(seed=0)

    def alice():
        yield sim.timeout(12.5)
        raise ZeroDivisionError("division by zero")

    sim.process(alice(), name="Alice/program")
    sim.timeout(100)
    with pytest.raises(ProcessError) as info:
        sim.run()
    err = info.value
    assert str(err) == (
        "process 'Alice/program' failed at t=12.5 ns: ZeroDivisionError: division by zero"
    )
    assert isinstance(err.__cause__, ZeroDivisionError)
    assert err.time == 12.5 and err.process.name == "Alice/program"


def test_unhandled_failed_event_is_reported():
    sim = Simulator(seed=0)
    sim.event("request").fail(OSError("refused"))
    with pytest.raises(SimulationError, match="event 'request' failed at t=0 ns and nothing"):
        sim.run()


def test_handled_failure_does_not_stop_the_run():
    sim = Simulator(seed=0)

    def child():
        yield sim.timeout(1)
        raise RuntimeError("x")

    def parent():
        try:
            yield sim.process(child())
        except RuntimeError:
            pass
        yield sim.timeout(5)
        return sim.now

    p = sim.process(parent())
    sim.run()
    assert p.value == 6
