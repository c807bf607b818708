"""Two nodes joined only by a classical link."""

from tests.runtime.programs import Receiver, Sender

import netqsim
from netqsim.config import (
    CLinkConfig,
    DefaultCLinkConfig,
    GenericQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
)


def two_nodes(delay=None):
    stacks = [
        StackConfig(name=n, qdevice_typ="generic",
                    qdevice_cfg=GenericQDeviceConfig.perfect_config(num_qubits=1))
        for n in ("Alice", "Bob")
    ]
    clinks = None
    if delay is not None:
        clinks = [CLinkConfig(stack1="Alice", stack2="Bob", typ="default",
                              cfg=DefaultCLinkConfig(delay=delay))]
    return StackNetworkConfig(stacks=stacks, links=[], clinks=clinks)


def test_messages_arrive_exactly_after_the_delay_and_in_order():
    messages = ["hello", 42, 2.5, "bye"]
    results = netqsim.run(
        two_nodes(delay=1234.0),
        {"Alice": Sender("Bob", messages, gap=100.0),
         "Bob": Receiver("Alice", ["str", "int", "float", "str"])},
        seed=1,
    )
    sent = results["Alice"][0]["sent_at"]
    got = results["Bob"][0]["got"]
    assert [v for _, v in got] == messages
    # Both programs start after their InitNewApp round trip (0 ns latency).
    assert [t for t, _ in got] == [s + 1234.0 for s in sent]


def test_without_clinks_every_pair_has_an_instant_link():
    results = netqsim.run(
        two_nodes(), {"Alice": Sender("Bob", ["x"]), "Bob": Receiver("Alice", ["str"])}, seed=1
    )
    assert results["Bob"][0]["got"] == [(0.0, "x")]
