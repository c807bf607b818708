"""The delayed, order-preserving channel."""

import pytest

from netqsim.kernel import Channel, Simulator


def test_message_arrives_exactly_after_the_delay():
    sim = Simulator(seed=0)
    link = Channel(sim, delay=250.0, name="A->B")
    got = []

    def receiver():
        for _ in range(3):
            msg = yield link.recv()
            got.append((sim.now, msg))

    def sender():
        link.send("m1")
        yield sim.timeout(10)
        link.send("m2")
        link.send("m3")

    sim.process(receiver())
    sim.process(sender())
    sim.run()
    assert got == [(250, "m1"), (260, "m2"), (260, "m3")]


def test_messages_never_overtake_each_other():
    sim = Simulator(seed=0)
    delays = iter([100.0, 10.0, 50.0])
    link = Channel(sim, delay=lambda msg: next(delays), name="jitter")
    got = []

    def receiver():
        for _ in range(3):
            got.append(((yield link.recv()), sim.now))

    for msg in ("a", "b", "c"):
        link.send(msg)
    sim.process(receiver())
    sim.run()
    assert got == [("a", 100), ("b", 100), ("c", 100)]


def test_messages_wait_until_received():
    sim = Simulator(seed=0)
    link = Channel(sim, delay=5)
    link.send("early")

    def late_receiver():
        yield sim.timeout(100)
        msg = yield link.recv()
        return sim.now, msg

    p = sim.process(late_receiver())
    sim.run()
    assert p.value == (100, "early") and link.in_transit == 0


def test_cancelled_receive_gives_its_message_back():
    sim = Simulator(seed=0)
    link = Channel(sim, delay=20, name="slow")

    def receiver():
        first = link.recv()
        result = yield first | sim.timeout(5)
        assert first not in result
        link.cancel(first)  # gave up waiting: the message must not be lost
        msg = yield link.recv()
        return sim.now, msg

    p = sim.process(receiver())
    link.send("payload")
    sim.run()
    assert p.value == (20, "payload")


def test_cancel_after_arrival_keeps_message_available():
    sim = Simulator(seed=0)
    link = Channel(sim, delay=1)

    def receiver():
        ev = link.recv()
        yield sim.timeout(5)  # the message arrives meanwhile
        link.cancel(ev)
        msg = yield link.recv()
        return sim.now, msg

    p = sim.process(receiver())
    link.send("x")
    sim.run()
    assert p.value == (5, "x")


def test_negative_delay_is_rejected():
    sim = Simulator(seed=0)
    with pytest.raises(ValueError, match="channel 'bad': delay must be >= 0"):
        Channel(sim, delay=-1, name="bad")
    link = Channel(sim, delay=lambda m: -3.0, name="model")
    with pytest.raises(ValueError, match=r"delay model returned -3\.0"):
        link.send("x")
