"""Fuzzing the node controller with messages (issue 11): every message gets one reply.

Sequences of messages go to one controller through its real channel (bytes in,
bytes out; tests/qnodeos/harness.py): random bytes, real serialized messages with
bits flipped, cut short or extended, and valid message types with nonsense fields.
For every sequence:

* the simulation ends, without an exception (no input crashes the controller);
* every message gets exactly one ``MsgDoneMessage`` with its id, and an
  ``ErrorMessage`` is always followed directly by a ``MsgDoneMessage``;
* the messages of one application id are answered in the order they were sent
  (applications run side by side, so only that order is promised).

One more test sends through a host endpoint to a controller with a real network
stack and a linked peer (OpenEPRSocket to known and unknown nodes).

The default budget is small (the file runs in seconds); ``make fuzz`` sets
``NETQSIM_FUZZ_EXAMPLES=2000``.

Subroutines that would run without bound -- loops, ``wait_*`` on arrays nothing
fills, huge arrays -- are fuzzed too: the executor bounds them (instruction budget,
``wait_*`` checks, array limit; issue 11 findings 4, 6 and 7). The controllers here
get small limits (LIMITS) so that a looping subroutine fails in milliseconds.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from netqasm.backend.messages import (
    ErrorMessage,
    InitNewAppMessage,
    MsgDoneMessage,
    OpenEPRSocketMessage,
    Signal,
    SignalMessage,
    StopAppMessage,
    deserialize_host_msg,
)
from tests.qnodeos.harness import make_harness, subroutine

from netqsim.qnodeos.checks import SubroutineLimits
from netqsim.qnodeos.wire import message_app_id

#: Small bounds, so that fuzzed loops and huge arrays fail fast.
LIMITS = SubroutineLimits(max_instructions=5_000, max_array_entries=4_096)
EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "0")) or 40
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # The default budget runs the same examples every time (a failure reproduces);
    # `make fuzz` explores.
    derandomize="NETQSIM_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                           HealthCheck.data_too_large],
)

BODIES = [
    "set Q0 0\nqalloc Q0\ninit Q0\nh Q0\nmeas Q0 M0\nqfree Q0\nret_reg M0\n",
    "set R0 7\nset R1 3\nmul R2 R0 R1\narray 2 @0\nstore R2 @0[0]\nload R3 @0[0]\n"
    "ret_reg R3\nret_arr @0\n",
    "set Q0 1\nqalloc Q0\ninit Q0\nx Q0\nset Q1 0\nqalloc Q1\ninit Q1\ncnot Q0 Q1\n"
    "rot_z Q1 1 2\nmeas Q1 M1\nret_reg M1\n",
    "set Q0 0\nqalloc Q0\ninit Q0\n",  # leaves a qubit for StopApp to free
    "set R0 1\nset R1 0\narray 10 @0\narray 22 @1\narray 1 @2\nlea R2 @2\nlea R3 @1\n"
    "lea R4 @0\ncreate_epr R0 R1 R2 R3 R4\n",  # no link: UNSUPP
]

#: Real serialized messages of every type, the seeds of the mutations.
CORPUS = [
    bytes(InitNewAppMessage(app_id=0, max_qubits=2)),
    bytes(InitNewAppMessage(app_id=1, max_qubits=3)),
    bytes(OpenEPRSocketMessage(app_id=0, epr_socket_id=0, remote_node_id=1,
                               remote_epr_socket_id=0, min_fidelity=100)),
    *(bytes(subroutine(body, app_id=app)) for body in BODIES for app in (0, 1)),
    bytes(StopAppMessage(app_id=0)),
    bytes(StopAppMessage(app_id=1)),
    bytes(SignalMessage(Signal.STOP)),
]

random_bytes = st.binary(max_size=48)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A real message with bits flipped, cut short, extended, or two spliced."""
    raw = bytearray(draw(st.sampled_from(CORPUS)))
    how = draw(st.sampled_from(["flip", "truncate", "extend", "splice"]))
    if how == "flip":
        for _ in range(draw(st.integers(1, 4))):
            raw[draw(st.integers(0, len(raw) - 1))] ^= 1 << draw(st.integers(0, 7))
    elif how == "truncate":
        raw = raw[: draw(st.integers(0, len(raw) - 1))]
    elif how == "extend":
        raw += draw(st.binary(min_size=1, max_size=16))
    else:
        other = draw(st.sampled_from(CORPUS))
        raw = raw[: draw(st.integers(0, len(raw)))] + other[draw(st.integers(0, len(other))):]
    return bytes(raw)


app_ids = st.one_of(st.integers(0, 3), st.integers(0, 2**32 - 1))
int32 = st.integers(-(2**31), 2**31 - 1)
uint32 = st.integers(0, 2**32 - 1)

nonsense = st.one_of(
    st.builds(lambda a, q: bytes(InitNewAppMessage(app_id=a, max_qubits=q)),
              app_ids, st.integers(0, 255)),
    st.builds(lambda a, s, r, rs, f: bytes(OpenEPRSocketMessage(
        app_id=a, epr_socket_id=s, remote_node_id=r, remote_epr_socket_id=rs, min_fidelity=f)),
        app_ids, uint32, uint32, uint32, st.integers(0, 255)),
    st.builds(lambda a: bytes(StopAppMessage(app_id=a)), app_ids),
    st.builds(lambda s: bytes([4, s]), st.integers(0, 255)),  # SignalMessage, any signal
    st.builds(  # valid instructions, operands out of every range
        lambda app, q, n, i: bytes(subroutine(
            f"set Q0 {q}\nqalloc Q0\ninit Q0\nset R0 {i}\narray {n} @0\nstore R0 @0[{n // 2}]\n"
            f"set R1 {i}\nload R2 @0[R1]\nmeas Q0 M0\nret_reg M0\nret_arr @0\n",
            app_id=app)),
        st.integers(0, 3), int32, st.integers(0, 1024), int32),
)

any_message = st.one_of(random_bytes, mutated(), nonsense)


def check_replies(messages: list[bytes], instr_time: float = 1.0) -> None:
    """Send ``messages``, run to the end, and check one well-formed reply per message."""
    h = make_harness(instr_time=instr_time)
    h.controller.executor.limits = LIMITS
    for raw in messages:
        h.send(raw)
    h.run()  # returns: nothing crashed, nothing left scheduled
    done = []
    for index, (_, msg) in enumerate(h.replies):
        if isinstance(msg, MsgDoneMessage):
            done.append(msg.msg_id)
        if isinstance(msg, ErrorMessage):
            following = h.replies[index + 1][1] if index + 1 < len(h.replies) else None
            assert isinstance(following, MsgDoneMessage), f"ErrorMessage followed by {following}"
            assert following.msg_id in h.controller.errors
    assert sorted(done) == list(range(len(messages))), (
        f"replies {done} for {len(messages)} messages {[m.hex() for m in messages]}"
    )
    app_of = {}
    for msg_id, raw in enumerate(messages):
        try:
            app_of[msg_id] = message_app_id(deserialize_host_msg(raw))
        except Exception:
            app_of[msg_id] = None
    for app in {a for a in app_of.values() if a is not None}:
        order = [msg_id for msg_id in done if app_of[msg_id] == app]
        assert order == sorted(order), f"application {app} answered out of order: {order}"


# Each sequence starts two applications, so later messages find something to act on.
STARTS = [bytes(InitNewAppMessage(app_id=0, max_qubits=2)),
          bytes(InitNewAppMessage(app_id=1, max_qubits=2))]


@FUZZ
@given(st.lists(random_bytes, min_size=1, max_size=8))
def test_random_bytes_each_get_one_reply(messages):
    check_replies(STARTS + messages)


@FUZZ
@given(st.lists(mutated(), min_size=1, max_size=8))
def test_mutated_messages_each_get_one_reply(messages):
    check_replies(STARTS + messages)


@FUZZ
@given(st.lists(nonsense, min_size=1, max_size=8))
def test_valid_types_with_nonsense_fields_each_get_one_reply(messages):
    check_replies(STARTS + messages)


@FUZZ
@given(st.lists(any_message, min_size=1, max_size=12), st.sampled_from([0.0, 1.0, 25.0]))
def test_mixed_sequences_each_get_one_reply(messages, instr_time):
    check_replies(STARTS + messages, instr_time)


def test_the_fuzzed_inputs_reach_every_kind_of_reply():
    """The check above is not vacuous: successes, errors and return values all occur."""
    # CORPUS in its order (start, work, stop), then rubbish after the STOP
    messages = [*STARTS, *CORPUS, b"\x04\x01", b"\xff", bytes(StopAppMessage(app_id=9))]
    h = make_harness(instr_time=1.0)
    for raw in messages:
        h.send(raw)
    h.run()
    kinds = {type(m).__name__ for _, m in h.replies}
    assert {"MsgDoneMessage", "ErrorMessage", "ReturnRegMessage", "ReturnArrayMessage"} <= kinds
    check_replies(messages)


def _linked_pair():
    """Alice and Bob with an entanglement link: Alice's controller has a real network stack."""
    from tests.epr.programs import device

    from netqsim.config import PerfectLinkConfig, two_nodes
    from netqsim.kernel import Simulator
    from netqsim.runtime.network import Network

    sim = Simulator(seed=5)
    network = Network(two_nodes(qdevice=device(num_qubits=2), link=PerfectLinkConfig()), sim)
    alice = network.node("Alice")
    alice.controller.executor.limits = LIMITS
    return sim, alice


open_sockets = st.builds(
    lambda a, s, r, rs: bytes(OpenEPRSocketMessage(
        app_id=a, epr_socket_id=s, remote_node_id=r, remote_epr_socket_id=rs, min_fidelity=0)),
    st.integers(0, 2), uint32, st.sampled_from([0, 1, 2, 2**32 - 1]), uint32,
)


@FUZZ
@given(st.lists(st.one_of(open_sockets, mutated(), nonsense),
                min_size=1, max_size=10))
def test_a_controller_with_a_network_stack_answers_each_message_once(messages):
    sim, alice = _linked_pair()
    endpoint = alice.host.endpoint
    replies = []
    for raw in [*STARTS, *messages]:
        event = endpoint.send_raw(raw)
        # the endpoint fails a message's event on an ErrorMessage; both are an answer
        event.callbacks.append(lambda ev: (setattr(ev, "defused", True), replies.append(ev)))
    sim.run()
    assert len(replies) == len(STARTS) + len(messages)
    assert all(event.processed for event in replies)
