"""KeyboardInterrupt, SystemExit and GeneratorExit pass through the kernel unwrapped.

Issue 11, finding 1: the run loop wrapped every exception of a process in a
ProcessError, so a Ctrl-C during a sweep point was stored as the point's
failure. These exceptions must leave ``Simulator.run`` as they are, with the
simulator still usable afterwards.
"""

from __future__ import annotations

import asyncio

import pytest

from netqsim.kernel import ProcessError, Simulator


class Watchdog(BaseException):
    """A BaseException of the user's own, like the sweep's per-point time limit."""


PASSING = [KeyboardInterrupt, SystemExit, GeneratorExit, Watchdog]


def make_sim(exc_type, *, coroutine=False):
    """A simulation where ``victim`` raises ``exc_type`` at t=5 and ``other`` ticks to t=20."""
    sim = Simulator(seed=1)
    log = []
    raised = exc_type("stop now")

    def victim():
        yield sim.timeout(5)
        raise raised

    async def victim_async():
        await sim.timeout(5)
        raise raised

    def other():
        for _ in range(4):
            yield sim.timeout(5)
            log.append(sim.now)

    proc = sim.process(victim_async() if coroutine else victim(), name="victim")
    sim.process(other(), name="other")
    return sim, proc, log, raised


@pytest.mark.parametrize("coroutine", [False, True], ids=["generator", "coroutine"])
@pytest.mark.parametrize("exc_type", PASSING, ids=lambda t: t.__name__)
def test_the_exception_leaves_run_unwrapped_and_the_rest_can_run(exc_type, coroutine):
    sim, proc, log, raised = make_sim(exc_type, coroutine=coroutine)
    with pytest.raises(exc_type) as info:
        sim.run()
    assert info.value is raised  # the very object, not a ProcessError around it
    assert sim.now == 5
    assert not proc.is_alive and not proc.ok
    # the simulator is sane: the other process goes on, nothing is reported for the
    # victim (not as unhandled, not as waiting)
    sim.run()
    assert log == [5, 10, 15, 20]
    assert sim.now == 20


@pytest.mark.parametrize("exc_type", PASSING, ids=lambda t: t.__name__)
def test_run_until_a_time_can_continue_after_the_interruption(exc_type):
    sim, _, log, _ = make_sim(exc_type)
    with pytest.raises(exc_type):
        sim.run(until=12)
    assert sim.now == 5
    # the interrupted run's stop at t=12 is disarmed: a longer run goes past it
    sim.run(until=17)
    assert sim.now == 17 and log == [5, 10, 15]


@pytest.mark.parametrize("exc_type", PASSING, ids=lambda t: t.__name__)
def test_run_until_an_event_can_continue_after_the_interruption(exc_type):
    sim, _, log, _ = make_sim(exc_type)
    mark = sim.timeout(12, "mark")
    with pytest.raises(exc_type):
        sim.run(until=mark)
    # the interrupted run's stop after ``mark`` is withdrawn: run() goes to the end
    sim.run()
    assert log == [5, 10, 15, 20]


def test_a_waiter_on_the_ended_process_learns_that_it_failed():
    sim = Simulator(seed=1)
    seen = []

    def victim():
        yield sim.timeout(1)
        raise KeyboardInterrupt

    def waiter(proc):
        try:
            yield proc
        except KeyboardInterrupt:
            seen.append(("failed", sim.now))

    proc = sim.process(victim())
    sim.process(waiter(proc))
    with pytest.raises(KeyboardInterrupt):
        sim.run()
    sim.run()
    assert seen == [("failed", 1)]


@pytest.mark.parametrize("exc", [RuntimeError("boom"), asyncio.CancelledError("cancelled")],
                         ids=["Exception", "CancelledError"])
def test_ordinary_failures_are_still_process_errors(exc):
    sim = Simulator(seed=1)

    def body():
        yield sim.timeout(3)
        raise exc

    sim.process(body(), name="worker")
    with pytest.raises(ProcessError, match=r"process 'worker' failed at t=3 ns") as info:
        sim.run()
    assert info.value.exception is exc


def test_passes_through_names_exactly_the_run_ending_exceptions():
    from netqsim.kernel.process import passes_through

    assert all(passes_through(t()) for t in PASSING)
    assert not any(passes_through(e) for e in (ValueError(), asyncio.CancelledError(),
                                               StopIteration()))
