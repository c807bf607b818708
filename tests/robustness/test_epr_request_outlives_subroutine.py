"""An EPR request outlives the subroutine that made it (raw NetQASM messages).

The SDK always waits for its pairs in the subroutine that asked for them, but
the protocol does not require it: a subroutine may issue ``create_epr`` and end,
and a later subroutine waits on the result array. netqasm's executor finds a
request's application through its subroutine, which has ended by then, so the
pair's arrival crashed the simulation ("Unknown subroutine with ID 0"). The
request now remembers its application; an application that stops first drops
its requests, and every message still gets its one reply.
"""

from netqasm.backend.messages import InitNewAppMessage, OpenEPRSocketMessage, StopAppMessage
from tests.epr.programs import device
from tests.qnodeos.harness import subroutine

from netqsim.config import PerfectLinkConfig, two_nodes
from netqsim.kernel import Simulator
from netqsim.runtime.network import Network

#: Alice: a create_keep of one pair (results in @0), without waiting for it.
CREATE_NO_WAIT = """
set R0 10
array R0 @0
set R0 1
array R0 @1
set R0 0
set R1 0
store R0 @1[R1]
set R0 22
array R0 @2
set R0 0
set R1 0
store R0 @2[R1]
set R0 1
set R1 1
store R0 @2[R1]
set R0 1
set R1 0
set R2 1
set R3 2
set R4 0
create_epr R0 R1 R2 R3 R4
"""
#: Alice, later: wait for the pair's results and return them.
WAIT_AND_RETURN = "set R0 0\nset R1 10\nwait_all @0[R0:R1]\nret_arr @0\n"
#: Bob: receive one pair, wait for it, return its results.
RECV_AND_WAIT = """
set R5 10
array R5 @0
set R5 1
array R5 @1
set R5 0
set R6 0
store R5 @1[R6]
set R5 0
set R6 0
set R7 1
set R8 0
recv_epr R5 R6 R7 R8
set R5 0
set R6 10
wait_all @0[R5:R6]
ret_arr @0
"""


def _subroutine(text: str) -> bytes:
    return bytes(subroutine(text.strip() + "\n", app_id=0))


def _open(remote: int) -> list[bytes]:
    return [bytes(InitNewAppMessage(app_id=0, max_qubits=2)),
            bytes(OpenEPRSocketMessage(app_id=0, epr_socket_id=0, remote_node_id=remote,
                                       remote_epr_socket_id=0, min_fidelity=0))]


def _run(alice_messages: list[bytes], bob_messages: list[bytes]):
    sim = Simulator(seed=3)
    network = Network(two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig()), sim)
    replies = {}
    for node, messages in (("Alice", alice_messages), ("Bob", bob_messages)):
        endpoint = network.node(node).host.endpoint
        replies[node] = []
        for raw in messages:
            event = endpoint.send_raw(raw)
            event.callbacks.append(
                lambda ev, out=replies[node]: (setattr(ev, "defused", True), out.append(ev))
            )
    sim.run()
    return network, replies


def test_a_later_subroutine_receives_the_pair_of_an_ended_one():
    network, replies = _run(
        [*_open(1), _subroutine(CREATE_NO_WAIT), _subroutine(WAIT_AND_RETURN)],
        [*_open(0), _subroutine(RECV_AND_WAIT)],
    )
    assert [ev.ok for ev in replies["Alice"]] == [True] * 4
    assert [ev.ok for ev in replies["Bob"]] == [True] * 3
    alice, bob = (network.node(n).controller.executor for n in ("Alice", "Bob"))
    assert not alice._pending_epr_responses and not bob._pending_epr_responses
    # the pair sits in each node's first qubit, entangled with the other's
    assert network.node("Alice").processor.is_in_use(0)
    assert network.node("Bob").processor.is_in_use(0)


def test_an_application_that_stops_before_its_pair_arrives_drops_the_request():
    network, replies = _run(
        [*_open(1), _subroutine(CREATE_NO_WAIT), bytes(StopAppMessage(app_id=0))],
        [*_open(0), _subroutine(RECV_AND_WAIT)],
    )
    assert [ev.ok for ev in replies["Alice"]] == [True] * 4
    assert [ev.ok for ev in replies["Bob"]] == [True] * 3  # Bob still gets his half
    alice = network.node("Alice").controller.executor
    assert not any(alice._epr_create_requests.values())
    # Alice's half arrived after the stop: discarded, its qubit free for the next app
    assert not alice._pending_epr_responses
    assert alice.position_is_free(0) and alice.position_is_free(1)
