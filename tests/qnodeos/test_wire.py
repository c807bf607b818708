"""Hand-built message bytes into a node controller; the reply bytes checked."""

from netqasm.backend.messages import (
    ErrorCode,
    ErrorMessage,
    MsgDoneMessage,
    OpenEPRSocketMessage,
    ReturnArrayMessage,
    ReturnRegMessage,
    Signal,
    SignalMessage,
)
from netqasm.lang.instr.flavour import NVFlavour
from tests.qnodeos.harness import make_harness, start_app, stop_app, subroutine


def done(msg):
    assert isinstance(msg, MsgDoneMessage)
    return msg.msg_id


def test_init_new_app_is_answered_with_msg_done():
    h = make_harness()
    start_app(h)
    replies = h.run()
    assert [(t, done(m)) for t, m in replies] == [(0.0, 0)]


def test_subroutine_returns_registers_then_arrays_then_done():
    h = make_harness()
    start_app(h)
    h.send(subroutine(
        "set R0 7\nset R1 3\nmul R2 R0 R1\ndiv R3 R0 R1\nrem R4 R0 R1\n"
        "array 2 @0\nstore R2 @0[0]\nstore R4 @0[1]\nret_reg R3\nret_arr @0\n"
    ))
    h.run()
    assert h.kinds() == ["MsgDoneMessage", "ReturnRegMessage", "ReturnArrayMessage",
                         "MsgDoneMessage"]
    reg, arr, fin = (m for _, m in h.replies[1:])
    assert isinstance(reg, ReturnRegMessage) and (reg.register.register_index, reg.value) == (3, 2)
    assert isinstance(arr, ReturnArrayMessage) and (arr.address, arr.values) == (0, [21, 1])
    assert done(fin) == 1


def test_undefined_array_entries_stay_undefined_on_the_wire():
    h = make_harness()
    start_app(h)
    h.send(subroutine("array 3 @4\nset R0 9\nstore R0 @4[1]\nret_arr @4\n"))
    h.run()
    arrays = [m for _, m in h.replies if isinstance(m, ReturnArrayMessage)]
    assert [(a.address, a.values) for a in arrays] == [(4, [None, 9, None])]


def test_open_epr_socket_and_stop_app_are_acknowledged():
    h = make_harness()
    start_app(h)
    h.send(OpenEPRSocketMessage(app_id=0, epr_socket_id=0, remote_node_id=1,
                                remote_epr_socket_id=0, min_fidelity=100))
    stop_app(h)
    h.run()
    assert [done(m) for _, m in h.replies] == [0, 1, 2]
    assert not h.controller.executor.has_application(0)


def test_stop_signal_is_answered_then_later_messages_get_an_error():
    h = make_harness()
    h.send(SignalMessage(signal=Signal.STOP))
    start_app(h)
    h.run()
    assert h.kinds() == ["MsgDoneMessage", "ErrorMessage", "MsgDoneMessage"]
    assert done(h.replies[0][1]) == 0
    error = h.replies[1][1]
    assert ErrorCode(error.err_code) is ErrorCode.GENERAL and done(h.replies[2][1]) == 1
    assert h.controller.stopped
    assert "was stopped by a STOP signal" in str(h.controller.errors[1])


def error_reply(h, msg_id):
    kinds = [(type(m).__name__, getattr(m, "msg_id", None)) for _, m in h.replies]
    index = kinds.index(("MsgDoneMessage", msg_id))
    error = h.replies[index - 1][1]
    assert isinstance(error, ErrorMessage), kinds
    return ErrorCode(error.err_code), str(h.controller.errors[msg_id])


def test_undecodable_bytes_give_a_general_error():
    h = make_harness()
    h.send(b"\xff\x01\x02")
    h.run()
    code, text = error_reply(h, 0)
    assert code is ErrorCode.GENERAL
    assert "undecodable message" in text and "node 'Alice'" in text


def test_subroutine_for_unknown_app_gives_a_general_error_naming_the_app():
    h = make_harness()
    start_app(h, app_id=0)
    h.send(subroutine("set R0 1\n", app_id=7))
    h.run()
    code, text = error_reply(h, 1)
    assert code is ErrorCode.GENERAL
    assert "no application with id 7 is running on node 'Alice' (running: [0])" in text


def test_out_of_range_array_index_names_node_app_time_and_instruction():
    h = make_harness(instr_time=10.0)
    start_app(h)
    h.send(subroutine("array 2 @0\nset R0 5\nstore R0 @0[5]\n"))
    h.run()
    code, text = error_reply(h, 1)
    assert code is ErrorCode.GENERAL
    assert text.startswith("node 'Alice', app 0, t=")
    assert "'store R0 @0[R1]'" in text or "store" in text
    assert "IndexError" in text


def test_running_out_of_qubits_gives_no_qubit():
    h = make_harness()  # a 3-qubit device
    start_app(h, max_qubits=5)
    body = "".join(f"set Q0 {i}\nqalloc Q0\ninit Q0\n" for i in range(4))
    h.send(subroutine(body))
    h.run()
    code, text = error_reply(h, 1)
    assert code is ErrorCode.NO_QUBIT
    assert "all 3 qubits of node 'Alice' are in use" in text


def test_entanglement_without_a_link_is_unsupported():
    h = make_harness()
    start_app(h)
    h.send(subroutine(
        "set R0 1\nset R1 0\narray 10 @0\narray 22 @1\narray 1 @2\n"
        "lea R2 @2\nlea R3 @1\nlea R4 @0\ncreate_epr R0 R1 R2 R3 R4\n"
    ))
    h.run()
    code, text = error_reply(h, 1)
    assert code is ErrorCode.UNSUPP
    assert "no entanglement link to node id 1" in text


def test_nv_topology_violation_is_unsupported():
    h = make_harness(device="nv")
    start_app(h)
    h.send(subroutine(
        "set Q0 1\nqalloc Q0\ninit Q0\nset Q1 2\nqalloc Q1\ninit Q1\ncrot_x Q0 Q1 1 1\n",
        flavour=NVFlavour(),
    ))
    h.run()
    code, text = error_reply(h, 1)
    assert code is ErrorCode.UNSUPP
    assert "crot_x" in text


def test_replies_arrive_after_two_latencies_and_instruction_times():
    h = make_harness(latency=100.0, instr_time=7.0)
    start_app(h)
    h.send(subroutine("set R0 1\nset R1 2\nadd R2 R0 R1\nret_reg R2\n"))
    h.run()
    times = [(t, type(m).__name__) for t, m in h.replies]
    # InitNewApp: 100 there + 100 back. The subroutine arrives at 100, is
    # queued behind nothing, runs 4 instructions x 7 ns, replies take 100.
    assert times == [(200.0, "MsgDoneMessage"), (228.0, "ReturnRegMessage"),
                     (228.0, "MsgDoneMessage")]


def test_two_applications_are_isolated():
    h = make_harness()
    start_app(h, app_id=0)
    start_app(h, app_id=1)
    h.send(subroutine("set R0 10\nret_reg R0\n", app_id=0))
    h.send(subroutine("set R0 20\nret_reg R0\n", app_id=1))
    h.send(subroutine("ret_reg R0\n", app_id=0))
    h.run()
    values = [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)]
    assert values == [10, 20, 10]


def test_repeated_subroutine_bodies_keep_each_messages_app_id():
    h = make_harness()
    start_app(h, app_id=0)
    start_app(h, app_id=1)
    h.send(subroutine("set R0 10\nret_reg R0\n", app_id=0))
    h.send(subroutine("set R0 10\nret_reg R0\n", app_id=1))  # same body, other app
    h.send(subroutine("set R0 10\nret_reg R0\n", app_id=5))  # same body, unknown app
    h.run()
    assert [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)] == [10, 10]
    code, text = error_reply(h, 4)
    assert code is ErrorCode.GENERAL and "no application with id 5" in text
