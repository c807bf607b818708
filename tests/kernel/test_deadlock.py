"""A run never hangs and never ends silently with processes still waiting."""

import pytest

from netqsim.kernel import Channel, DeadlockError, Simulator


def test_deadlock_report_lists_each_waiting_process_and_its_event():
    sim = Simulator(seed=0)
    to_bob = Channel(sim, delay=5, name="Alice->Bob")
    never = sim.event("epr pair ready")

    def alice():
        yield sim.timeout(3)
        yield never

    def bob():
        yield to_bob.recv()

    sim.process(alice(), name="Alice")
    sim.process(bob(), name="Bob")
    with pytest.raises(DeadlockError) as info:
        sim.run()
    assert str(info.value) == (
        "simulation stalled at t=3 ns: no events are left but 2 process(es) still wait:\n"
        "  - process 'Alice' waits on event 'epr pair ready'\n"
        "  - process 'Bob' waits on recv() on channel 'Alice->Bob'"
    )
    assert [p.name for p, _ in info.value.waiting] == ["Alice", "Bob"]


def test_deadlock_report_describes_composites_and_processes():
    sim = Simulator(seed=0)
    a, b = sim.event("a"), sim.event("b")

    def inner():
        yield a | b

    def outer():
        yield sim.process(inner(), name="inner")

    sim.process(outer(), name="outer")
    with pytest.raises(DeadlockError) as info:
        sim.run()
    text = str(info.value)
    assert "process 'outer' waits on process 'inner'" in text
    assert "process 'inner' waits on (event 'a' | event 'b')" in text


def test_daemon_processes_are_not_deadlocks():
    sim = Simulator(seed=0)
    inbox = Channel(sim, name="requests")

    def server():
        while True:
            yield inbox.recv()

    sim.process(server(), daemon=True)
    sim.run()  # no error: the server waits by design
    assert sim.now == 0


def test_run_until_event_that_can_never_fire_is_reported():
    sim = Simulator(seed=0)
    never = sim.event("reply")
    with pytest.raises(DeadlockError, match="before event 'reply' fired"):
        sim.run(until=never)


def test_run_until_time_does_not_report_waiting_processes():
    sim = Simulator(seed=0)

    def waiter():
        yield sim.event("later")

    sim.process(waiter())
    sim.run(until=50)
    assert sim.now == 50


def test_stall_reporters_add_unfinished_work_to_the_report():
    sim = Simulator(seed=0)
    sim.add_stall_reporter(lambda: ["request 7 waits for its peer"])

    def waiter():
        yield sim.event("reply")

    sim.process(waiter(), name="client")
    with pytest.raises(DeadlockError) as info:
        sim.run()
    assert info.value.pending == ["request 7 waits for its peer"]
    assert str(info.value).endswith("unfinished work:\n  - request 7 waits for its peer")
