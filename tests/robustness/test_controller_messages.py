"""Issue 11, findings 2, 5 and 6: every message to a node controller gets exactly one reply.

Each test drives one controller with hand-built message bytes (tests/qnodeos/harness.py)
and checks the reply of every message: ``MsgDoneMessage(msg_id)``, preceded by an
``ErrorMessage`` when the message failed.
"""

from netqasm.backend.messages import (
    ErrorCode,
    ErrorMessage,
    InitNewAppMessage,
    MsgDoneMessage,
    ReturnRegMessage,
)
from tests.qnodeos.harness import make_harness, start_app, stop_app, subroutine


def outcomes(h):
    """msg_id -> "ok" or the error text, for every MsgDone; fails on a second reply."""
    result = {}
    previous = None
    for _, msg in h.replies:
        if isinstance(msg, MsgDoneMessage):
            assert msg.msg_id not in result, f"message {msg.msg_id} answered twice"
            if isinstance(previous, ErrorMessage):
                assert ErrorCode(previous.err_code) is ErrorCode.GENERAL
                result[msg.msg_id] = str(h.controller.errors[msg.msg_id])
            else:
                result[msg.msg_id] = "ok"
        previous = msg
    return result


def test_unknown_signal_gets_an_error_and_the_controller_keeps_serving():
    h = make_harness()
    h.send(b"\x04\x01")  # SignalMessage with signal 1, which does not exist
    start_app(h)
    h.run()
    result = outcomes(h)
    assert sorted(result) == [0, 1]
    assert "SignalMessage: ValueError: unknown signal 1 (known signals: STOP = 0)" in result[0]
    assert result[1] == "ok" and not h.controller.stopped


def test_a_second_stop_app_is_answered_with_an_error():
    h = make_harness()
    start_app(h)
    stop_app(h)
    stop_app(h)
    h.run()
    result = outcomes(h)
    assert sorted(result) == [0, 1, 2]
    assert result[0] == result[1] == "ok"
    assert "application 0 on node 'Alice' was stopped by the StopApp of message 1, sent " \
        "before this StopApp" in result[2]


def test_a_subroutine_after_stop_app_is_answered_with_an_error():
    h = make_harness(instr_time=5.0)
    start_app(h)
    h.send(subroutine("set R0 1\nset R1 2\n"))  # still running when the rest arrives
    stop_app(h)
    h.send(subroutine("set R0 3\nret_reg R0\n"))
    h.run()
    result = outcomes(h)
    assert sorted(result) == [0, 1, 2, 3]
    assert [result[i] for i in (0, 1, 2)] == ["ok"] * 3
    assert "was stopped by the StopApp of message 2, sent before this subroutine" in result[3]
    assert not any(isinstance(m, ReturnRegMessage) for _, m in h.replies)


def test_init_new_app_of_a_stopping_id_starts_it_again_after_the_stop():
    h = make_harness(instr_time=5.0)
    start_app(h)
    h.send(subroutine("set R0 7\nset R1 2\n"))  # keeps app 0 busy while the rest arrives
    stop_app(h)
    start_app(h)  # the same id again: runs after the StopApp, in message order
    h.send(subroutine("set R0 9\nret_reg R0\n"))
    stop_app(h)
    h.run()
    assert outcomes(h) == dict.fromkeys(range(6), "ok")
    regs = [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)]
    assert regs == [9]
    done = [m.msg_id for _, m in h.replies if isinstance(m, MsgDoneMessage)]
    assert done == [0, 1, 2, 3, 4, 5]
    assert not h.controller.executor.has_application(0)


def test_init_new_app_of_a_running_id_is_answered_in_the_applications_order():
    h = make_harness(instr_time=5.0)
    start_app(h)
    h.send(subroutine("set R0 1\nset R1 2\n"))
    start_app(h)
    h.run()
    result = outcomes(h)
    assert result[0] == result[1] == "ok"
    assert "application id 0 is already running on node 'Alice'" in result[2]
    done = [m.msg_id for _, m in h.replies if isinstance(m, MsgDoneMessage)]
    assert done == [0, 1, 2]


def test_application_ids_beyond_the_subroutine_header_are_refused():
    # A subroutine header holds 16 bits: app 65536 would run as app 0.
    h = make_harness()
    start_app(h, app_id=0)
    h.send(InitNewAppMessage(app_id=65536, max_qubits=1))
    h.send(subroutine("set R0 5\nret_reg R0\n", app_id=0))
    h.run()
    result = outcomes(h)
    assert result[0] == result[2] == "ok"
    assert "application id 65536 does not fit the 16-bit application id of a subroutine " \
        "header (at most 65535)" in result[1]
    assert not h.controller.executor.has_application(65536)


def test_a_stopped_id_can_be_started_again():
    h = make_harness()
    for _ in range(3):
        start_app(h, app_id=0)
        h.send(subroutine("set R0 4\nret_reg R0\n"))
        stop_app(h, app_id=0)
    h.run()
    assert outcomes(h) == dict.fromkeys(range(9), "ok")
    assert [m.value for _, m in h.replies if isinstance(m, ReturnRegMessage)] == [4, 4, 4]
