"""Every classical instruction of the vanilla NetQASM set, checked through the wire.

Values come back as ReturnRegMessage / ReturnArrayMessage bytes; errors as
ErrorMessage(code) with the details in ``controller.errors``. Arithmetic follows
netqasm's ``Executor`` (Python integers: ``div`` is floor division and ``rem``
takes the sign of the divisor). The quantum instructions are in
``test_generic_gates.py`` (vanilla) and ``test_nv_gates.py`` (NV flavour).
"""

import numpy as np
import pytest
from netqasm.backend.messages import ErrorCode, MsgDoneMessage
from tests.qnodeos.harness import instruction_count, run_subroutine

from netqsim.config import GenericQDeviceConfig


def value(body, reg="R2", **kw):
    out = run_subroutine(body, **kw)
    assert out.error is None, out.error
    return out.reg(reg)


def failure(body, **kw):
    out = run_subroutine(body, **kw)
    assert out.error is not None, f"no error; returned {out.regs} {out.arrays}"
    assert out.regs == [] and out.arrays == {}  # nothing of a failed subroutine is kept
    return out.error


# -- set and arithmetic -------------------------------------------------------------


@pytest.mark.parametrize("imm", [0, 7, -7, 2**31 - 1, -(2**31)])
def test_set_returns_the_immediate(imm):
    assert value(f"set R2 {imm}\nret_reg R2\n") == imm


def binop(op, a, b):
    return f"set R0 {a}\nset R1 {b}\n{op} R2 R0 R1\nret_reg R2\n"


CASES = [(7, 3), (-7, 2), (7, -2), (-7, -2), (6, 3), (0, 5), (-1, 1)]


@pytest.mark.parametrize(("a", "b"), CASES)
def test_add_sub_mul(a, b):
    assert value(binop("add", a, b)) == a + b
    assert value(binop("sub", a, b)) == a - b
    assert value(binop("mul", a, b)) == a * b


@pytest.mark.parametrize(
    ("a", "b", "quotient", "remainder"),
    # netqasm: a // b and a % b on Python ints (floor division; the remainder
    # has the sign of the divisor), not C's truncation.
    [(7, 3, 2, 1), (-7, 2, -4, 1), (7, -2, -4, -1), (-7, -2, 3, -1), (6, 3, 2, 0),
     (0, 5, 0, 0), (-1, 5, -1, 4)],
)
def test_div_and_rem_follow_python_floor_semantics(a, b, quotient, remainder):
    assert value(binop("div", a, b)) == quotient
    assert value(binop("rem", a, b)) == remainder


@pytest.mark.parametrize("op", ["div", "rem"])
def test_division_by_zero_is_a_general_error_naming_the_instruction(op):
    code, text = failure(binop(op, 7, 0))
    assert code is ErrorCode.GENERAL
    assert f"'{op} R2 R0 R1'" in text and "ZeroDivisionError" in text
    assert text.startswith("node 'Alice', app 0, t=0 ns, instruction 2 ")


def modop(op, a, b, m):
    return f"set R0 {a}\nset R1 {b}\nset R3 {m}\n{op} R2 R0 R1 R3\nret_reg R2\n"


@pytest.mark.parametrize(
    ("op", "a", "b", "m", "expected"),
    [("addm", 5, 4, 7, 2), ("addm", 3, 3, 7, 6), ("addm", -5, 1, 3, 2), ("addm", 9, 0, 1, 0),
     ("subm", 2, 5, 7, 4), ("subm", 9, 2, 7, 0), ("subm", -5, 1, 4, 2)],
)
def test_addm_subm(op, a, b, m, expected):
    assert value(modop(op, a, b, m)) == expected


@pytest.mark.parametrize(("op", "m"), [("addm", 0), ("subm", -3)])
def test_modulus_below_one_is_a_general_error(op, m):
    code, text = failure(modop(op, 1, 2, m))
    assert code is ErrorCode.GENERAL
    assert f"'{op} R2 R0 R1 R3'" in text and "Modulus needs to be greater or equal to 1" in text


def test_register_values_beyond_int32_cannot_be_returned():
    # 2^16 squared is 2^32: fine inside the executor, not on the 32-bit wire.
    code, text = failure("set R0 65536\nmul R2 R0 R0\nret_reg R2\n")
    assert code is ErrorCode.GENERAL
    assert "OverflowError" in text and "'ret_reg R2'" in text
    assert "R2 = 4294967296 does not fit in a 32-bit" in text


def test_repeated_mul_overflows_on_return_but_not_in_between():
    # 3^20 = 3486784401 > 2^31 - 1; 3^19 = 1162261467 still fits.
    loop = (
        "set R0 1\nset R1 3\nset R4 0\nset R5 {n}\nset R6 1\n"
        "LOOP:\nmul R0 R0 R1\nadd R4 R4 R6\nblt R4 R5 LOOP\nret_reg R0\n"
    )
    assert value(loop.format(n=19), reg="R0") == 3**19
    code, text = failure(loop.format(n=20))
    assert code is ErrorCode.GENERAL and "OverflowError" in text and str(3**20) in text
    # Wrapping back into range before returning is fine: the check is on the value sent.
    body = "set R0 65536\nmul R2 R0 R0\ndiv R2 R2 R0\nret_reg R2\n"
    assert value(body) == 65536


def test_array_values_beyond_int32_are_an_error_not_silently_wrapped():
    # A stored 2^32 must not reach the host as 0 (ReturnArrayMessage packs int32).
    out = run_subroutine("set R0 65536\nmul R1 R0 R0\narray 1 @0\nstore R1 @0[0]\nret_arr @0\n")
    assert out.arrays.get(0) != [0], "2^32 was silently sent as 0"
    assert out.error is not None and out.error[0] is ErrorCode.GENERAL
    assert "OverflowError" in out.error[1] and "'store R1 @0[" in out.error[1]
    assert "4294967296 does not fit in a 32-bit" in out.error[1]


# -- arrays -----------------------------------------------------------------------


def test_array_creates_undefined_entries_and_ret_arr_returns_them():
    out = run_subroutine("array 4 @1\nret_arr @1\n")
    assert out.error is None and out.arrays == {1: [None] * 4}


def test_array_size_from_a_register():
    out = run_subroutine("set R0 3\narray R0 @2\nret_arr @2\n")
    assert out.arrays == {2: [None, None, None]}


def test_store_and_load_with_immediate_and_register_indices():
    body = (
        "array 3 @0\nset R0 11\nset R1 2\nstore R0 @0[R1]\nset R0 -5\nstore R0 @0[0]\n"
        "load R2 @0[2]\nload R3 @0[R1]\nload R4 @0[0]\nret_reg R2\nret_reg R3\nret_reg R4\n"
        "ret_arr @0\n"
    )
    out = run_subroutine(body)
    assert out.error is None
    assert out.regs == [("R2", 11), ("R3", 11), ("R4", -5)]
    assert out.arrays == {0: [-5, None, 11]}


def test_load_of_an_undefined_entry_is_a_general_error():
    code, text = failure("array 2 @0\nload R0 @0[1]\n")
    assert code is ErrorCode.GENERAL and "load R0 @0[" in text and "not defined" in text


def test_store_of_an_undefined_register_is_a_general_error():
    code, text = failure("array 2 @0\nstore R7 @0[1]\n")
    assert code is ErrorCode.GENERAL and "store R7 @0[" in text and "not defined" in text


def test_undef_clears_one_entry():
    body = "array 2 @0\nset R0 3\nstore R0 @0[0]\nstore R0 @0[1]\nundef @0[0]\nret_arr @0\n"
    assert run_subroutine(body).arrays == {0: [None, 3]}


def test_lea_loads_the_address_of_an_array():
    body = "array 3 @5\narray 1 @9\nlea R2 @5\nlea R3 @9\nret_reg R2\nret_reg R3\n"
    assert run_subroutine(body).regs == [("R2", 5), ("R3", 9)]


def test_modified_arrays_are_returned_without_ret_arr():
    # A SquidASM program sees every array its subroutine changed.
    out = run_subroutine("array 2 @3\nset R0 8\nstore R0 @3[1]\n")
    assert out.arrays == {3: [None, 8]}


def test_ret_arr_and_ret_reg_keep_program_order_per_kind():
    body = "set R0 1\nset R1 2\narray 1 @0\nstore R0 @0[0]\nret_reg R1\nret_arr @0\nret_reg R0\n"
    out = run_subroutine(body)
    assert out.regs == [("R1", 2), ("R0", 1)] and out.arrays == {0: [1]}


def test_ret_reg_of_an_undefined_register_is_a_general_error():
    code, text = failure("ret_reg R9\n")
    assert code is ErrorCode.GENERAL and "'ret_reg R9'" in text


# -- jumps and branches -----------------------------------------------------------


def test_jmp_skips_forward():
    body = "set R2 1\njmp END\nset R2 2\nEND:\nret_reg R2\n"
    assert value(body) == 1


BRANCHES = [
    ("bez", 0, None, True), ("bez", 3, None, False), ("bez", -1, None, False),
    ("bnz", 3, None, True), ("bnz", -1, None, True), ("bnz", 0, None, False),
    ("beq", 4, 4, True), ("beq", 4, 5, False),
    ("bne", 4, 5, True), ("bne", 4, 4, False),
    ("blt", -3, 2, True), ("blt", 2, 2, False), ("blt", 3, 2, False),
    ("bge", 2, 2, True), ("bge", 3, -2, True), ("bge", 1, 2, False),
]


@pytest.mark.parametrize(("op", "a", "b", "taken"), BRANCHES)
def test_branch_taken_or_not(op, a, b, taken):
    operands = "R0" if b is None else "R0 R1"
    body = (
        f"set R0 {a}\nset R1 {0 if b is None else b}\nset R2 0\n{op} {operands} SKIP\n"
        "set R2 1\nSKIP:\nret_reg R2\n"
    )
    # R2 stays 0 if the branch jumped over "set R2 1".
    assert value(body) == (0 if taken else 1)


def test_blt_loop_sums_one_to_ten():
    body = (
        "set R0 0\nset R1 10\nset R2 0\nset R3 1\n"
        "LOOP:\nadd R0 R0 R3\nadd R2 R2 R0\nblt R0 R1 LOOP\nret_reg R2\nret_reg R0\n"
    )
    out = run_subroutine(body)
    assert out.regs == [("R2", 55), ("R0", 10)]


def test_bnz_countdown_and_bge_loop_and_backward_jmp():
    countdown = (
        "set R0 5\nset R1 1\nset R2 0\n"
        "LOOP:\nadd R2 R2 R0\nsub R0 R0 R1\nbnz R0 LOOP\nret_reg R2\n"
    )
    assert value(countdown) == 15
    # do { R2 *= 2; R0 += 1 } while not (R0 >= R1): 2^4
    bge_loop = (
        "set R0 0\nset R1 4\nset R2 1\nset R3 2\nset R4 1\n"
        "LOOP:\nmul R2 R2 R3\nadd R0 R0 R4\nbge R0 R1 END\njmp LOOP\nEND:\nret_reg R2\n"
    )
    assert value(bge_loop) == 16
    # beq/bne loop: count until equal.
    bne_loop = "set R0 0\nset R1 7\nset R3 1\nLOOP:\nadd R0 R0 R3\nbne R0 R1 LOOP\nret_reg R0\n"
    assert value(bne_loop, reg="R0") == 7


def test_loop_costs_the_executed_instructions():
    # 3 sets; add, beq, jmp in 9 iterations; add, beq (taken) in the 10th;
    # ret_reg: 3 + 27 + 2 + 1 = 33 instructions.
    body = "set R0 0\nset R1 10\nset R3 1\nLOOP:\nadd R0 R0 R3\nbeq R0 R1 END\njmp LOOP\n"
    body += "END:\nret_reg R0\n"
    out = run_subroutine(body, instr_time=5.0)
    assert out.reg("R0") == 10
    assert out.time == 33 * 5.0


# -- waits ------------------------------------------------------------------------


FILLED = "array 3 @0\nset R0 1\nstore R0 @0[0]\nstore R0 @0[1]\nstore R0 @0[2]\n"


@pytest.mark.parametrize(
    "wait", ["wait_all @0[0:3]", "wait_any @0[0:3]", "wait_single @0[1]", "wait_all @0[1:2]"]
)
def test_wait_on_filled_entries_returns_at_once(wait):
    body = FILLED + wait + "\nset R2 42\nret_reg R2\n"
    out = run_subroutine(body, instr_time=3.0)
    assert out.error is None and out.reg("R2") == 42
    assert out.time == instruction_count(body) * 3.0  # the wait costs one instruction time
    assert out.harness.controller.executor._array_waiters == []


def test_wait_any_needs_only_one_entry():
    body = "array 3 @0\nset R0 1\nstore R0 @0[2]\nwait_any @0[0:3]\nset R2 1\nret_reg R2\n"
    assert value(body) == 1


@pytest.mark.parametrize(
    "wait",
    ["wait_all @0[0:3]", "wait_any @0[0:2]", "wait_single @0[1]"],
)
def test_wait_on_entries_nobody_fills_is_an_error_at_once_naming_the_array(wait):
    # Issue 11, finding 6: this used to park the subroutine forever (no reply).
    # Only entanglement results fill arrays behind a subroutine's back; with no
    # pending request of the application writing @0, the wait can never end.
    body = "array 3 @0\nset R0 1\nstore R0 @0[2]\n" + wait + "\nset R2 1\nret_reg R2\n"
    out = run_subroutine(body, instr_time=2.0)
    code, text = out.error
    n = instruction_count(body) - 2  # the wait is the last instruction that runs
    assert code is ErrorCode.GENERAL and out.time == n * 2.0  # at the wait, not later
    assert f"instruction {n - 1} '{wait.split()[0]} " in text
    assert "array @0 has undefined entries that nothing will write" in text
    assert "(rule: wait-fillable)" in text
    assert out.harness.controller.executor._array_waiters == []


@pytest.mark.parametrize("wait", ["wait_all @7[0:1]", "wait_any @7[0:1]", "wait_single @7[0]"])
def test_wait_on_an_array_that_does_not_exist_is_an_error_at_once(wait):
    code, text = failure(wait + "\n")
    assert code is ErrorCode.GENERAL
    assert "there is no array at address @7 (rule: array-exists)" in text


def test_wait_keeps_waiting_while_a_pending_request_of_the_app_can_fill_the_array():
    from netqasm.backend.executor import EprCmdData
    from tests.qnodeos.harness import make_harness

    h = make_harness()
    ex = h.controller.executor
    # The subroutine of message 1 gets subroutine id 0: a receive request of it
    # that will write array @0 (as recv_epr registers one).
    pending = EprCmdData(0, 0, None, None, tot_pairs=1, pairs_left=1)
    ex._epr_recv_requests[1, 0].append(pending)
    ex._request_apps[0] = 0  # recv_epr records the application of its request
    out = run_subroutine("array 2 @0\nset R0 1\nstore R0 @0[0]\nwait_all @0[0:2]\n", harness=h)
    assert out.time is None and out.error is None and len(ex._array_waiters) == 1
    ex.notify_arrays_changed()  # a spurious wake-up: nothing changed, it waits again
    h.sim.run()
    assert len(ex._array_waiters) == 1
    assert not any(isinstance(m, MsgDoneMessage) and m.msg_id == 1 for _, m in h.replies)
    # The request goes away unfulfilled: the next wake-up is an error, not a hang.
    ex._epr_recv_requests[1, 0].clear()
    ex.notify_arrays_changed()
    h.sim.run()
    assert isinstance(h.replies[-1][1], MsgDoneMessage) and h.replies[-1][1].msg_id == 1
    assert "rule: wait-fillable" in str(h.controller.errors[1])


# -- breakpoint -------------------------------------------------------------------


def test_breakpoint_calls_the_hook_with_app_action_role_and_a_state_snapshot():
    from tests.qnodeos.harness import make_harness

    cfg = GenericQDeviceConfig.perfect_config(num_qubits=3, T1=0, T2=0)
    h = make_harness(cfg=cfg)
    calls = []

    def hook(executor, app_id, action, role):
        position = executor.physical_position(app_id, 0)
        calls.append((app_id, action, role, executor.processor.state(position), h.sim.now))

    h.controller.executor.breakpoint_hook = hook
    body = (
        "set Q0 0\nqalloc Q0\ninit Q0\nx Q0\nbreakpoint 1 0\nbreakpoint 2 1\nset R2 5\n"
        "ret_reg R2\n"
    )
    out = run_subroutine(body, harness=h)
    assert out.error is None and out.reg("R2") == 5
    assert [c[:3] for c in calls] == [(0, 1, 0), (0, 2, 1)]
    one = np.array([[0, 0], [0, 1]])
    init_and_x = cfg.init_time + cfg.single_qubit_gate_time
    for _, _, _, state, now in calls:
        assert np.allclose(state, one) and now == init_and_x


def test_breakpoint_without_a_hook_is_a_no_op():
    out = run_subroutine("breakpoint 0 0\nset R2 1\nret_reg R2\n", instr_time=2.0)
    assert out.reg("R2") == 1 and out.time == 3 * 2.0


# -- timing -----------------------------------------------------------------------


def test_classical_subroutine_takes_instructions_times_instr_time_plus_two_latencies():
    body = binop("mul", 6, 7) + "array 1 @0\nlea R3 @0\nret_reg R3\n"
    n = instruction_count(body)
    assert n == 8  # "array 1 @0" becomes "set Rx 1; array Rx @0"
    out = run_subroutine(body, latency=250.0, instr_time=4.0)
    assert out.reg("R2") == 42
    # Init arrives at 250, is answered at once; the subroutine also arrives at
    # 250 and its reply takes another 250.
    assert out.time == 250.0 + n * 4.0 + 250.0


def test_failing_instruction_reports_the_time_it_failed_at():
    body = "set R0 1\nset R1 0\nset R3 0\ndiv R2 R0 R1\n"
    out = run_subroutine(body, latency=10.0, instr_time=3.0)
    code, text = out.error
    # div is the 4th instruction: it fails after its own processing time.
    assert code is ErrorCode.GENERAL and "t=22 ns" in text and "instruction 3 'div" in text
    assert out.time == 10.0 + 4 * 3.0 + 10.0
