"""The FIFO lock: order, interrupted waiters, deadlock text."""

import pytest

from netqsim.kernel import DeadlockError, Interrupt, Lock, Simulator


def test_waiters_get_the_lock_in_arrival_order():
    sim = Simulator(seed=0)
    lock = Lock(sim, "device")
    log = []

    def user(name, arrive, hold):
        yield sim.timeout(arrive)
        yield from lock.acquire(name)
        log.append((sim.now, name))
        yield sim.timeout(hold)
        lock.release()

    for name, arrive in (("a", 0), ("c", 2), ("b", 1)):
        sim.process(user(name, arrive, 10))
    sim.run()
    assert log == [(0, "a"), (10, "b"), (20, "c")] and not lock.locked


def test_an_interrupted_waiter_leaves_the_queue():
    sim = Simulator(seed=0)
    lock = Lock(sim, "link")
    log = []

    def holder():
        yield from lock.acquire()
        yield sim.timeout(10)
        lock.release()

    def impatient():
        try:
            yield from lock.acquire("impatient")
        except Interrupt:
            log.append(("gave up", sim.now))

    def patient():
        yield from lock.acquire("patient")
        log.append(("patient", sim.now))
        lock.release()

    sim.process(holder())
    waiter = sim.process(impatient())
    sim.process(patient())
    sim.timeout(3).callbacks.append(lambda _: waiter.interrupt())
    sim.run()
    assert log == [("gave up", 3), ("patient", 10)] and not lock.locked


def test_a_waiter_that_never_gets_the_lock_is_named():
    sim = Simulator(seed=0)
    lock = Lock(sim, "device 'Alice'")

    def hog():
        yield from lock.acquire()
        yield sim.event("forever")

    def user():
        yield from lock.acquire("measure 0")

    sim.process(hog(), name="hog")
    sim.process(user(), name="user")
    with pytest.raises(DeadlockError) as info:
        sim.run()
    assert "process 'user' waits on event \"device 'Alice' to be free for measure 0\"" in str(
        info.value
    )
