"""Generator and coroutine processes, return values, interrupts."""

import asyncio

import pytest

from netqsim.kernel import Interrupt, ProcessError, Simulator


def test_generator_process_returns_value_to_waiter():
    sim = Simulator(seed=0)

    def child():
        yield sim.timeout(3)
        return 42

    def parent():
        result = yield sim.process(child())
        return (sim.now, result)

    proc = sim.process(parent())
    sim.run()
    assert proc.value == (3, 42)


def test_coroutine_process_awaits_events_processes_and_composites():
    sim = Simulator(seed=0)

    async def child(delay):
        await sim.timeout(delay)
        return delay

    async def parent():
        first = await sim.process(child(5))
        a, b = sim.process(child(2)), sim.timeout(9, "late")
        fired = await (a | b)
        both = await (sim.timeout(1, "x") & sim.timeout(2, "y"))
        return first, sim.now, fired.first is a, fired[a], both.values()

    proc = sim.process(parent())
    sim.run()
    assert proc.value == (5, 9, True, 2, ["x", "y"])


def test_generator_and_coroutine_processes_wait_on_each_other():
    sim = Simulator(seed=0)

    def gen_worker():
        yield sim.timeout(4)
        return "gen"

    async def coro_worker():
        await sim.timeout(6)
        return "coro"

    async def waits_on_generator():
        return await sim.process(gen_worker())

    def waits_on_coroutine():
        return (yield sim.process(coro_worker()))

    p1, p2 = sim.process(waits_on_generator()), sim.process(waits_on_coroutine())
    sim.run()
    assert (p1.value, p2.value, sim.now) == ("gen", "coro", 6)


def test_yield_from_event_gives_its_value():
    sim = Simulator(seed=0)

    def proc():
        value = yield from sim.timeout(1, "v")
        return value

    p = sim.process(proc())
    sim.run()
    assert p.value == "v"


def test_waiting_on_a_finished_process_resumes_at_once():
    sim = Simulator(seed=0)

    def quick():
        return "done"
        yield  # pragma: no cover

    child = sim.process(quick())

    def late():
        yield sim.timeout(10)
        return (yield child)

    p = sim.process(late())
    sim.run()
    assert (p.value, sim.now) == ("done", 10)


def test_process_needs_a_generator_object():
    sim = Simulator(seed=0)

    def body():
        yield sim.timeout(1)

    with pytest.raises(TypeError, match=r"call the function: sim.process\(f\(\)\)"):
        sim.process(body)


def test_yielding_a_non_event_raises_type_error_inside_the_process():
    sim = Simulator(seed=0)

    def proc():
        try:
            yield 5
        except TypeError as exc:
            return str(exc)

    p = sim.process(proc(), name="bad")
    sim.run()
    assert "process 'bad' yielded 5, which is not an event" in p.value


def test_awaiting_asyncio_in_a_simulated_coroutine_names_the_alternative():
    sim = Simulator(seed=0)

    async def proc():
        await asyncio.sleep(0)

    sim.process(proc(), name="sleepy")
    with pytest.raises(ProcessError) as info:
        sim.run()
    assert isinstance(info.value.exception, TypeError)
    assert "do not run in simulated time" in str(info.value)
    assert "sim.timeout" in str(info.value)


def test_interrupt_raises_in_the_process_with_its_cause():
    sim = Simulator(seed=0)
    log = []

    def sleeper():
        try:
            yield sim.timeout(100)
        except Interrupt as intr:
            log.append((sim.now, intr.cause))
        yield sim.timeout(1)
        log.append(sim.now)

    p = sim.process(sleeper())

    def waker():
        yield sim.timeout(3)
        p.interrupt("wake up")

    sim.process(waker())
    sim.run()
    assert log == [(3, "wake up"), 4]


def test_interrupting_a_finished_process_is_an_error():
    sim = Simulator(seed=0)

    def quick():
        yield sim.timeout(1)

    p = sim.process(quick(), name="quick")
    sim.run()
    with pytest.raises(RuntimeError, match="'quick' has finished"):
        p.interrupt()


def test_process_name_defaults_to_function_name():
    sim = Simulator(seed=0)

    def my_protocol():
        yield sim.timeout(1)

    assert sim.process(my_protocol()).name.endswith("my_protocol")


def test_active_process_is_the_one_whose_code_runs():
    sim = Simulator(seed=0)
    seen = []

    def gen():
        seen.append(("gen", sim.active_process))  # started by the loop
        yield sim.timeout(1.0)
        seen.append(("gen", sim.active_process))  # resumed inline by the loop
        yield other  # a finished process: goes on at once

    async def coro():
        await sim.timeout(0.5)
        seen.append(("coro", sim.active_process))

    first = sim.process(gen(), name="gen")
    other = sim.process(coro(), name="coro")
    sim.run()
    assert seen == [("gen", first), ("coro", other), ("gen", first)]
    assert sim.active_process is None
    assert repr(first) == "<Process 'gen' finished>"


def test_a_process_cannot_interrupt_itself():
    sim = Simulator(seed=0)

    def proc():
        yield sim.timeout(1.0)
        with pytest.raises(RuntimeError, match="process 'me' cannot interrupt itself"):
            me.interrupt()
        assert repr(me) == "<Process 'me' running>"
        return "done"

    me = sim.process(proc(), name="me")
    assert sim.run(until=me) == "done"
