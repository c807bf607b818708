"""netqsim.sleep / timeout / gather in simulated time, and the asyncio guard."""

import asyncio

import pytest
from tests.event_based.helpers import DELAY, run_pair, writes

import netqsim
from netqsim.host.aio import AsyncioInSimulationError, SimTimeoutError, drive
from netqsim.kernel import ProcessError, Simulator


def simulate(body_fn, *args):
    """Run ``body_fn(sim, *args)`` as a driven process on a fresh simulator; (value, end time)."""
    sim = Simulator(seed=0)
    proc = sim.process(drive(body_fn(sim, *args), sim), name="main")
    sim.run()
    return proc.value, sim.now


def test_sleep_waits_exactly_and_returns_its_result():
    async def main(sim):
        first = await netqsim.sleep(2.5)
        second = await netqsim.sleep(0, result="r")
        await netqsim.sleep(7)
        return first, second, sim.now

    assert simulate(main) == ((None, "r", 9.5), 9.5)


def test_sleep_rejects_negative_and_non_numbers():
    for bad in (-1, float("nan"), "5", True):
        with pytest.raises(ValueError, match="non-negative"):
            netqsim.sleep(bad)


def test_sleep_in_generator_processes_and_raw_kernel_processes():
    sim = Simulator(seed=0)

    def program():
        yield netqsim.sleep(3)  # plain yield: bound by drive()
        yield from netqsim.sleep(4)
        return sim.now

    async def raw():  # not driven: the kernel binds it (slow path)
        await netqsim.sleep(5)
        return sim.now

    def raw_plain_yield():
        yield netqsim.sleep(1)

    p1 = sim.process(drive(program(), sim))
    p2 = sim.process(raw())
    sim.process(raw_plain_yield(), name="plain")
    with pytest.raises(ProcessError) as info:
        sim.run()
    assert "use 'yield from' or 'await' on it" in str(info.value)
    sim.run()
    assert (p1.value, p2.value) == (7.0, 5.0)


def test_timeout_returns_the_result_when_in_time_and_leaves_no_timer_behind():
    async def work(ns):
        await netqsim.sleep(ns)
        return "done"

    async def main(sim):
        return await netqsim.timeout(work(10), 1e9), sim.now

    # The unused 1e9 ns timer does not keep the simulation (and its clock) going.
    assert simulate(main) == (("done", 10.0), 10.0)


def test_timeout_raises_timeout_error_naming_the_duration_at_exactly_that_time():
    log = []

    async def work():
        try:
            await netqsim.sleep(100)
        except asyncio.CancelledError:
            log.append("cancelled")
            raise

    async def main(sim):
        try:
            await netqsim.timeout(work(), 25)
        except TimeoutError as exc:
            return type(exc), str(exc), exc.duration, sim.now

    (kind, text, duration, now), _ = simulate(main)
    assert kind is SimTimeoutError and issubclass(kind, asyncio.TimeoutError)
    assert text == "netqsim.timeout: work() did not finish within 25 ns"
    assert (duration, now) == (25.0, 25.0)
    assert log == ["cancelled"]


def test_timeout_propagates_the_inner_exception():
    async def failing():
        await netqsim.sleep(1)
        raise KeyError("inner")

    async def main(sim):
        try:
            await netqsim.timeout(failing(), 10)
        except KeyError as exc:
            return repr(exc), sim.now

    assert simulate(main)[0] == ("KeyError('inner')", 1.0)


def test_timeout_on_a_bare_event_and_on_sleep():
    async def main(sim):
        event = sim.timeout(5, "v")
        value = await netqsim.timeout(event, 10)
        try:
            await netqsim.timeout(netqsim.sleep(50), 10)
        except TimeoutError:
            return value, sim.now

    assert simulate(main)[0] == ("v", 15.0)


def test_timeout_on_a_stream_read_loses_no_bytes():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        await netqsim.sleep(DELAY)  # arrives 2 DELAY after Bob accepted
        writer.write(b"late\n")
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        start = context.now
        outcomes = []
        for _ in range(3):
            try:
                line = await netqsim.timeout(reader.readline(), 500)
                outcomes.append((line, context.now - start))
            except TimeoutError:
                outcomes.append(("timeout", context.now - start))
        return {"outcomes": outcomes, "rest": await reader.readline()}

    _, (b,) = run_pair(alice, bob)
    assert b["outcomes"] == [("timeout", 500.0), ("timeout", 1000.0), (b"late\n", DELAY)]
    assert b["rest"] == b""


def test_timeout_on_a_socket_receive_loses_no_message():
    async def alice(context):
        await netqsim.sleep(3 * DELAY)
        context.csockets["Bob"].send("first")
        context.csockets["Bob"].send("second")

    async def bob(context):
        socket = context.csockets["Alice"]
        try:
            await netqsim.timeout(socket.recv(), DELAY)
        except TimeoutError:
            timed_out = context.now
        return {"timed_out": timed_out, "got": [await socket.recv(), await socket.recv()],
                "t": context.now}

    _, (b,) = run_pair(alice, bob)
    assert b == {"timed_out": DELAY, "got": ["first", "second"], "t": 4 * DELAY}


def test_timeout_when_the_message_arrives_at_the_deadline_keeps_it():
    alice = writes(b"x")

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        try:
            got = await netqsim.timeout(reader.read(1), 0)
        except TimeoutError:
            got = await reader.read(1)
        return {"got": got}

    _, (b,) = run_pair(alice, bob)
    assert b["got"] == b"x"


def test_nested_timeouts_cancel_inside_out():
    log = []

    async def work():
        try:
            await netqsim.sleep(100)
        finally:
            log.append("work unwound")

    async def main(sim):
        try:
            await netqsim.timeout(netqsim.timeout(work(), 50), 20)
        except TimeoutError as exc:
            return str(exc), sim.now

    assert simulate(main)[0] == (
        "netqsim.timeout: netqsim.timeout(work(), 50) did not finish within 20 ns", 20.0
    )
    assert log == ["work unwound"]


def test_gather_runs_concurrently_and_returns_results_in_order():
    async def work(name, ns):
        await netqsim.sleep(ns)
        return name, sim_now()

    clock = {}

    def sim_now():
        return clock["sim"].now

    async def main(sim):
        clock["sim"] = sim
        results = await netqsim.gather(work("a", 30), work("b", 10), netqsim.sleep(20, "s"),
                                       sim.timeout(5, "e"))
        return results, sim.now

    assert simulate(main)[0] == ([("a", 30.0), ("b", 10.0), "s", "e"], 30.0)


def test_gather_of_nothing_is_an_empty_list_at_once():
    async def main(sim):
        return await netqsim.gather(), sim.now

    assert simulate(main)[0] == ([], 0.0)


def test_gather_raises_the_first_exception_and_cancels_the_others():
    log = []

    async def slow():
        try:
            await netqsim.sleep(100)
        except asyncio.CancelledError:
            log.append("slow cancelled")
            raise

    async def failing():
        await netqsim.sleep(5)
        raise ValueError("boom")

    async def main(sim):
        try:
            await netqsim.gather(slow(), failing())
        except ValueError as exc:
            return str(exc), sim.now

    assert simulate(main) == (("boom", 5.0), 5.0)
    assert log == ["slow cancelled"]


def test_gather_with_return_exceptions_collects_them():
    async def failing():
        await netqsim.sleep(5)
        raise ValueError("boom")

    async def fine():
        await netqsim.sleep(8)
        return 1

    async def main(sim):
        return await netqsim.gather(failing(), fine(), return_exceptions=True)

    (first, second), end = simulate(main)
    assert isinstance(first, ValueError) and second == 1 and end == 8.0


def test_gather_of_stream_reads_and_a_socket_receive():
    async def alice(context):
        _r1, w1 = await context.open_stream("Bob")
        _r2, w2 = await context.open_stream("Bob")
        w2.write(b"two\n")
        await netqsim.sleep(10)
        w1.write(b"one\n")
        context.csockets["Bob"].send("three")

    async def bob(context):
        r1, _w1 = await context.accept_stream("Alice")
        r2, _w2 = await context.accept_stream("Alice")
        got = await netqsim.gather(r1.readline(), r2.readline(), context.csockets["Alice"].recv())
        return {"got": got, "t": context.now}

    _, (b,) = run_pair(alice, bob)
    assert b == {"got": [b"one\n", b"two\n", "three"], "t": 10 + DELAY}


def test_gather_rejects_non_awaitables():
    async def main(sim):
        await netqsim.gather(42)

    with pytest.raises(ProcessError, match="takes awaitables"):
        simulate(main)


@pytest.mark.parametrize(
    ("code", "called", "instead"),
    [
        ("await asyncio.sleep(1)", "asyncio.sleep()", "netqsim.sleep"),
        ("await asyncio.wait_for(netqsim.sleep(1), 5)", "asyncio.wait_for()", "netqsim.timeout"),
        ("await asyncio.gather(netqsim.sleep(1))", "asyncio.gather()", "netqsim.gather"),
        ("asyncio.create_task(asyncio.sleep(1))", "asyncio.create_task()", "netqsim.gather"),
        ("await asyncio.Event().wait()", "asyncio.Event.wait()", "netqsim"),
        ("await asyncio.sleep(0)", "asyncio.sleep(0)", "netqsim.sleep"),
    ],
)
def test_asyncio_inside_a_program_raises_an_error_that_names_the_alternative(code, called,
                                                                              instead):
    namespace = {"asyncio": asyncio, "netqsim": netqsim}
    exec(f"async def alice(context):\n    {code}\n", namespace)

    async def bob(context):
        pass

    with pytest.raises(ProcessError) as info:
        run_pair(namespace["alice"], bob)
    assert isinstance(info.value.exception, AsyncioInSimulationError)
    message = str(info.value.exception)
    assert called in message and instead in message


def test_asyncio_in_a_gathered_coroutine_is_refused_too():
    async def helper():
        await asyncio.sleep(1)

    async def alice(context):
        await netqsim.gather(helper())

    with pytest.raises(ProcessError) as info:
        run_pair(alice, lambda context: None)
    assert "asyncio.sleep() cannot run inside a simulated netqsim program" in str(info.value)


def test_the_guard_restores_a_running_event_loop_between_steps():
    # As in Jupyter: a real loop runs while the simulation runs.
    async def notebook_cell():
        outer = asyncio.get_running_loop()
        seen = []

        async def program(context):
            seen.append(asyncio.events._get_running_loop() is outer)
            await netqsim.sleep(1)

        run_pair(program, lambda context: None)
        return seen, asyncio.get_running_loop() is outer

    seen, restored = asyncio.run(notebook_cell())
    assert seen == [False] and restored


def test_the_module_docstring_example_runs():
    import doctest

    from netqsim.host import aio

    result = doctest.testmod(aio)
    assert result.attempted > 0 and result.failed == 0
