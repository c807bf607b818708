"""The baton: blocking user threads run one at a time, driven by the simulator."""

from __future__ import annotations

import doctest
import threading
import traceback

import pytest

import netqsim.compat.threads as threads_module
from netqsim.compat.threads import Baton, ThreadAbandoned, call, in_user_thread
from netqsim.kernel import DeadlockError, ProcessError, Simulator


def _sleep(sim: Simulator, ns: float):
    yield sim.timeout(ns)
    return sim.now


def _netqsim_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("netqsim:")]


def test_module_example_runs() -> None:
    result = doctest.testmod(threads_module)
    assert result.attempted > 0 and result.failed == 0


def test_threads_interleave_in_simulated_time_order() -> None:
    sim = Simulator(seed=0)
    log: list[tuple[float, str]] = []

    def user(name: str, period: float) -> int:
        for _ in range(3):
            call(_sleep(sim, period))
            log.append((sim.now, name))
        return len(name)

    with Baton(sim) as baton:
        a = baton.spawn("a", user, "a", 2.0)
        b = baton.spawn("bbb", user, name="bbb", period=3.0)
        sim.run()
    assert log == [(2, "a"), (3, "bbb"), (4, "a"), (6, "bbb"), (6, "a"), (9, "bbb")]
    assert (a.value, b.value) == (1, 3)
    assert not _netqsim_threads()


def test_exactly_one_thread_runs_at_a_time() -> None:
    sim = Simulator(seed=0)
    running = []
    overlaps = []

    def user(name: str) -> None:
        for i in range(50):
            running.append(name)
            if len(running) > 1:
                overlaps.append(list(running))
            # Busy work that would let another thread in if it were runnable.
            sum(range(2000))
            running.remove(name)
            call(sim.timeout(i % 3))

    with Baton(sim) as baton:
        for name in "abcd":
            baton.spawn(name, user, name)
        sim.run()
    assert overlaps == []


def test_call_accepts_events_and_awaitables_and_returns_values() -> None:
    sim = Simulator(seed=0)

    async def coro() -> str:
        await sim.timeout(4.0)
        return "awaited"

    def user() -> list:
        return [call(sim.timeout(1.0, value="event")), call(coro()), sim.now]

    with Baton(sim) as baton:
        proc = baton.spawn("u", user)
        sim.run()
    assert proc.value == ["event", "awaited", 5.0]


def test_exception_of_the_awaitable_is_raised_at_call() -> None:
    sim = Simulator(seed=0)

    def failing():
        yield sim.timeout(2.0)
        raise ValueError("peer went away")

    def user() -> str:
        try:
            call(failing())
        except ValueError as exc:
            return f"caught {exc} at {sim.now:g}"
        return "not raised"

    with Baton(sim) as baton:
        proc = baton.spawn("u", user)
        sim.run()
    assert proc.value == "caught peer went away at 2"


def test_user_exception_fails_the_process_with_the_users_traceback() -> None:
    sim = Simulator(seed=0)

    def app_main() -> None:
        call(sim.timeout(7.0))
        raise KeyError("missing input")

    with Baton(sim) as baton:
        baton.spawn("alice", app_main)
        with pytest.raises(ProcessError, match=r"process 'alice' failed at t=7 ns: KeyError"):
            sim.run()
    assert not _netqsim_threads()


def test_user_traceback_names_the_users_line() -> None:
    sim = Simulator(seed=0)

    def app_main() -> None:
        call(sim.timeout(1.0))
        raise KeyError("missing input")

    with Baton(sim) as baton:
        baton.spawn("alice", app_main)
        with pytest.raises(ProcessError) as info:
            sim.run()
    exc = info.value.exception
    assert isinstance(exc, KeyError)
    names = [frame.name for frame in traceback.extract_tb(exc.__traceback__)]
    assert "app_main" in names
    assert not _netqsim_threads()


def test_waiting_on_the_process_catches_the_failure() -> None:
    sim = Simulator(seed=0)

    def app_main() -> None:
        raise RuntimeError("bad")

    def supervisor(proc):
        try:
            yield proc
        except RuntimeError as exc:
            return f"saw {exc}"

    with Baton(sim) as baton:
        proc = baton.spawn("alice", app_main)
        watcher = sim.process(supervisor(proc))
        sim.run()
    assert watcher.value == "saw bad"


def test_keyboard_interrupt_in_a_user_thread_leaves_run_unwrapped() -> None:
    sim = Simulator(seed=0)
    unwound = []

    def interrupted() -> None:
        call(sim.timeout(1.0))
        raise KeyboardInterrupt

    def other() -> None:
        try:
            call(sim.timeout(100.0))
        finally:
            unwound.append(sim.now)

    with pytest.raises(KeyboardInterrupt), Baton(sim) as baton:
        baton.spawn("a", interrupted)
        baton.spawn("b", other)
        sim.run()
    # The other thread was abandoned at its call (its finally ran) and joined.
    assert unwound == [1.0]
    assert not _netqsim_threads()


def test_deadlock_report_names_each_thread_and_its_line() -> None:
    sim = Simulator(seed=0)

    def waiter(event) -> None:
        call(event)  # the line the report names

    never_a, never_b = sim.event("message from bob"), sim.event("message from alice")
    with Baton(sim) as baton:
        baton.spawn("alice", waiter, never_a)
        baton.spawn("bob", waiter, never_b)
        with pytest.raises(DeadlockError) as info:
            sim.run()
    text = str(info.value)
    assert "process 'alice' waits on" in text and "process 'bob' waits on" in text
    line = waiter.__code__.co_firstlineno + 1
    assert (f"thread 'alice' blocks in test_threads.py line {line} (waiter) on "
            "event 'message from bob'") in info.value.pending
    assert (f"thread 'bob' blocks in test_threads.py line {line} (waiter) on "
            "event 'message from alice'") in info.value.pending
    assert not _netqsim_threads()


def test_abandoned_thread_cannot_call_again() -> None:
    sim = Simulator(seed=0)
    seen = []

    def stubborn() -> None:
        try:
            call(sim.event("never"))
        except ThreadAbandoned:
            try:
                call(sim.timeout(1.0))
            except ThreadAbandoned as exc:
                seen.append(str(exc))
            raise

    with Baton(sim) as baton:
        baton.spawn("s", stubborn)
        with pytest.raises(DeadlockError):
            sim.run()
    assert seen == ["the simulation of thread 's' has ended"]
    assert not _netqsim_threads()


def test_call_outside_a_user_thread_is_an_error() -> None:
    sim = Simulator(seed=0)
    assert not in_user_thread()
    with pytest.raises(RuntimeError, match=r"call\(\) works only in a thread started by "
                                           r"Baton.spawn"):
        call(sim.timeout(1.0))


def test_call_with_a_non_awaitable_raises_type_error_in_the_thread() -> None:
    sim = Simulator(seed=0)

    def user() -> str:
        assert in_user_thread()
        try:
            call(42)
        except TypeError as exc:
            return str(exc)
        return "accepted"

    with Baton(sim) as baton:
        proc = baton.spawn("u", user)
        sim.run()
    assert proc.value == ("call() needs a generator, an awaitable or a kernel event to run in "
                          "simulated time, got 42")


def test_spawn_after_close_and_non_callable_are_errors() -> None:
    baton = Baton(Simulator(seed=0))
    with pytest.raises(TypeError, match=r"spawn\(\) needs a callable for thread 'x', got 3"):
        baton.spawn("x", 3)
    baton.close()
    with pytest.raises(RuntimeError, match=r"this Baton is closed: cannot spawn thread 'y'"):
        baton.spawn("y", print)


def test_threads_may_spawn_threads_and_use_the_simulator() -> None:
    sim = Simulator(seed=0)
    baton = Baton(sim)

    def child() -> float:
        call(sim.timeout(2.0))
        return sim.now

    def parent() -> float:
        call(sim.timeout(1.0))
        proc = baton.spawn("child", child)
        return call(proc)

    with baton:
        proc = baton.spawn("parent", parent)
        sim.run()
    assert proc.value == 3.0


def test_context_variables_of_the_spawner_are_seen() -> None:
    import contextvars

    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    sim = Simulator(seed=0)
    var.set("from spawner")
    with Baton(sim) as baton:
        proc = baton.spawn("reader", var.get)
        sim.run()
    assert proc.value == "from spawner"


def test_same_seed_same_interleaving() -> None:
    def run(seed: int) -> list[tuple[str, float]]:
        sim = Simulator(seed=seed)
        rng = sim.rng_stream("delays")
        log: list[tuple[str, float]] = []

        def user(name: str) -> None:
            for _ in range(20):
                call(sim.timeout(float(rng.integers(0, 5))))
                log.append((name, sim.now))

        with Baton(sim) as baton:
            for name in ("a", "b", "c"):
                baton.spawn(name, user, name)
            sim.run()
        return log

    assert run(5) == run(5)
    assert run(5) != run(6)


def test_ctrl_c_while_a_user_thread_runs_stops_the_run_and_the_thread() -> None:
    import signal
    import time

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach only the main thread")
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        pytest.skip("Ctrl-C does not raise KeyboardInterrupt in this process")
    sim = Simulator(seed=0)
    spins = []

    def endless() -> None:
        call(sim.timeout(1.0))
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        for _ in range(10_000):  # user code that does not give the baton back (10 s at most)
            spins.append(1)
            time.sleep(0.001)

    with pytest.raises(KeyboardInterrupt), Baton(sim) as baton:
        baton.spawn("spinner", endless)
        sim.run()
    assert not _netqsim_threads()
    assert spins and sim.now == 1.0
