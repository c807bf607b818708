"""Issue 11, findings 4 and 7: subroutines that netqasm's executor ran to a wrong
result, or without end, are refused with an error naming the instruction and the rule.

Each test states what the old executor did. Errors reach the host as
``ErrorMessage(GENERAL)`` + ``MsgDoneMessage``; the details (``controller.errors``)
read "node 'Alice', app 0, t=... ns, instruction <index> '<text>': <Error>:
<what> (rule: <rule>) [GENERAL]".
"""

import re

import pytest
from netqasm.backend.messages import ErrorCode, ErrorMessage, MsgDoneMessage
from netqasm.sdk.qubit import Qubit
from tests.qnodeos.harness import make_harness, run_subroutine, start_app, subroutine

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.config import ConfigError, GenericQDeviceConfig, StackConfig, StackNetworkConfig
from netqsim.qnodeos.checks import SubroutineLimits


def refused(body, **kw):
    """(error text) of a subroutine that must fail and return nothing."""
    out = run_subroutine(body, **kw)
    assert out.error is not None, f"no error; returned {out.regs} {out.arrays}"
    assert out.regs == [] and out.arrays == {}
    code, text = out.error
    assert code is ErrorCode.GENERAL
    return text


# -- finding 4: silent wrong results ------------------------------------------------------


def test_negative_array_index_is_refused_not_wrapped_to_the_last_entry():
    # old: stored 5 in @0[2] and returned [None, None, 5]
    text = refused("array 3 @0\nset R0 -1\nset R1 5\nstore R1 @0[R0]\nret_arr @0\n")
    assert "instruction 4 'store R1 @0[R0]'" in text
    assert "ArrayIndexError: index -1 (register R0) is outside array @0 of length 3" in text
    assert "(rule: array-index)" in text


def test_negative_index_in_load_and_wait_slice_is_refused():
    text = refused("array 2 @0\nset R0 7\nstore R0 @0[1]\nset R1 -1\nload R2 @0[R1]\nret_reg R2\n")
    assert "'load R2 @0[R1]'" in text and "(rule: array-index)" in text
    text = refused("array 2 @0\nset R0 -1\nset R1 2\nwait_all @0[R0:R1]\n")
    assert "slice -1:2 is not within array @0 of length 2 (rule: array-slice)" in text


def test_negative_qubit_address_is_refused_not_applied_to_the_last_slot():
    # old: "x Q0" with Q0 = -1 flipped virtual qubit 2 (the last of 3): M0 = 1
    body = "set Q0 2\nqalloc Q0\ninit Q0\nset Q0 -1\nx Q0\nset Q0 2\nmeas Q0 M0\nret_reg M0\n"
    text = refused(body, max_qubits=3)
    assert "instruction 4 'x Q0'" in text
    assert "virtual qubit address -1 (register Q0) is outside the unit module" in text
    assert "(rule: qubit-address)" in text


def test_qalloc_of_a_negative_address_is_refused():
    # old: allocated the last slot of the unit module
    text = refused("set Q0 -1\nqalloc Q0\n", max_qubits=3)
    assert "Virtual address -1 is outside the unit module" in text
    assert "(rule: qubit-address)" in text


def test_negative_branch_target_is_refused_before_anything_runs():
    # old: jumping to -1 ran the last instruction and restarted at 0: with R5
    # kept from the first subroutine, the host got R5 = 1, 2, 3 and no error.
    h = make_harness()
    start_app(h)
    h.send(subroutine("set R5 0\n"))
    loop = "set R6 1\nset R7 3\nadd R5 R5 R6\nblt R5 R7 -1\nret_reg R5\n"
    h.send(subroutine(loop))
    h.run()
    kinds = [type(m).__name__ for _, m in h.replies]
    assert kinds == ["MsgDoneMessage", "MsgDoneMessage", "ErrorMessage", "MsgDoneMessage"]
    text = str(h.controller.errors[2])
    assert "t=0 ns, instruction 3 'blt R5 R7 -1'" in text
    assert "branch target -1 is outside the subroutine (instructions 0 to 4; 5 ends it)" in text
    assert "(rule: branch-target)" in text
    assert h.controller.executor._registers[0][5] == 0  # nothing ran: R5 unchanged


def test_branch_past_the_end_is_refused_not_a_silent_end():
    # old: "jmp 9" ended the subroutine; the host got MsgDone and no R0
    text = refused("set R0 1\njmp 9\nret_reg R0\n")
    assert "instruction 1 'jmp 9'" in text and "(rule: branch-target)" in text


def test_branch_to_the_end_ends_the_subroutine():
    out = run_subroutine("set R0 1\nret_reg R0\njmp 3\nset R0 2\n")
    assert out.error is None and out.regs == [("R0", 1)]


@pytest.mark.parametrize("branch", ["bez R9 SKIP", "bnz R9 SKIP", "beq R9 R10 SKIP"])
def test_branch_on_an_unset_register_is_refused(branch):
    # old: compared None with 0 (bez: no jump, bnz: jump) or with None (beq: jump)
    text = refused(f"set R2 1\n{branch}\nset R2 2\nSKIP:\nret_reg R2\n")
    assert f"instruction 1 '{branch.replace('SKIP', '3')}'" in text
    assert "UnsetRegisterError: register R9 is not defined (it is read before it is set)" in text
    assert "(rule: register-set)" in text


def test_negative_array_length_is_refused_not_an_empty_array():
    # old: "array R0 @0" with R0 = -3 made an empty array; ret_arr returned []
    text = refused("set R0 -3\narray R0 @0\nret_arr @0\n")
    assert "instruction 1 'array R0 @0': StaticCheckError" in text  # found before running
    assert "array @0 cannot have a negative length (-3) (rule: array-length)" in text
    # a length computed while running is checked when the array instruction runs
    text = refused("set R0 3\nset R1 -1\nmul R2 R0 R1\narray R2 @0\nret_arr @0\n")
    assert "instruction 3 'array R2 @0': ArrayLimitError" in text
    assert "array @0 cannot have a negative length (-3) (rule: array-length)" in text


def test_negative_array_address_is_refused():
    h = make_harness()
    start_app(h)
    message = subroutine("array 2 @0\nret_arr @0\n")
    from netqasm.lang.operand import Address
    from netqasm.lang.parsing import deserialize
    from netqasm.lang.subroutine import Subroutine

    from netqsim.qnodeos.checks import StaticCheckError, check_subroutine

    instructions = deserialize(message.subroutine).instructions
    instructions[1].address = Address(-4)
    with pytest.raises(StaticCheckError, match=r"array address -4 .*\(rule: array-address\)"):
        check_subroutine(instructions)
    from netqasm.backend.messages import SubroutineMessage

    h.send(SubroutineMessage(Subroutine(instructions=instructions, app_id=0)))
    h.run()
    assert "instruction 1 'array R0 @-4'" in str(h.controller.errors[1])


# -- finding 7: unbounded work ------------------------------------------------------------


def test_looping_subroutine_fails_at_its_instruction_budget():
    # old: "jmp 0" ran forever; with 1 ns per instruction no reply came in 10 us
    h = make_harness(instr_time=1.0)
    h.controller.executor.limits = SubroutineLimits(max_instructions=1000)
    start_app(h)
    h.send(subroutine("set R0 0\nLOOP:\njmp LOOP\n"))
    h.sim.run(until=10_000)
    assert [type(m) for _, m in h.replies][-2:] == [ErrorMessage, MsgDoneMessage]
    time, done = h.replies[-1]
    assert done.msg_id == 1 and time == 1000.0
    text = str(h.controller.errors[1])
    assert "instruction 1 'jmp 1'" in text
    assert "the subroutine has run 1000 instructions, its budget" in text
    assert "'max_instructions_per_subroutine'" in text and "(rule: instruction-budget)" in text


def test_budget_counts_instructions_not_subroutines():
    h = make_harness()
    h.controller.executor.limits = SubroutineLimits(max_instructions=4)
    out = run_subroutine("set R0 1\nset R1 2\nadd R2 R0 R1\nret_reg R2\n", harness=h)
    assert out.error is None and out.reg("R2") == 3  # exactly the budget
    h = make_harness()
    h.controller.executor.limits = SubroutineLimits(max_instructions=3)
    out = run_subroutine("set R0 1\nset R1 2\nadd R2 R0 R1\nret_reg R2\n", harness=h)
    assert "instruction 3 'ret_reg R2'" in out.error[1]


def test_huge_array_is_refused_naming_the_limit_without_allocating():
    # old: [None] * (2**31 - 1) -- 16 GiB -- and a bare "MemoryError:"
    text = refused(f"set R0 {2**31 - 1}\narray R0 @0\n")
    assert "instruction 1 'array R0 @0': StaticCheckError: array @0 of 2147483647 entries " in text
    assert "longer than the limit of 4194304 array entries per application" in text
    assert "'max_array_entries') (rule: array-size)" in text
    # the same length computed while running: refused when the array instruction runs
    text = refused("set R0 65536\nset R1 32767\nmul R2 R0 R1\narray R2 @0\n")
    assert "instruction 3 'array R2 @0': ArrayLimitError: array @0 of 2147418112 entries" in text
    assert "would make application 0 hold 2147418112 array entries; the limit is 4194304 " in text
    assert "(stack config key 'max_array_entries') (rule: array-size)" in text


def test_array_limit_counts_all_arrays_of_the_application_and_replacements_give_back():
    h = make_harness()
    h.controller.executor.limits = SubroutineLimits(max_array_entries=10)
    body = "array 6 @0\narray 4 @1\narray 3 @0\narray 7 @1\nret_reg R0\n"  # 6+4, 3+4, 3+7
    out = run_subroutine("set R0 1\n" + body, harness=h)
    assert out.error is None and out.reg("R0") == 1
    h = make_harness()
    h.controller.executor.limits = SubroutineLimits(max_array_entries=10)
    out = run_subroutine("array 6 @0\narray 5 @1\n", harness=h)
    assert "hold 11 array entries; the limit is 10" in out.error[1]


class Spin(Program):
    """One subroutine that allocates and frees a qubit ``stop`` times in a loop."""

    def __init__(self, stop: int) -> None:
        self.stop = stop

    @property
    def meta(self):
        return ProgramMeta(name="spin", max_qubits=1)

    def run(self, context):
        conn = context.connection
        with conn.loop(self.stop):
            Qubit(conn).free()
        m = Qubit(conn).measure()
        yield from conn.flush()
        return {"m": int(m)}


def _network(**stack_fields):
    cfg = GenericQDeviceConfig.perfect_config(num_qubits=1, T1=0, T2=0)
    stack = StackConfig(name="Alice", qdevice_typ="generic", qdevice_cfg=cfg, **stack_fields)
    return StackNetworkConfig(stacks=[stack], links=[])


def _instruction_error(exc):
    while exc is not None and not isinstance(exc, InstructionError):
        exc = getattr(exc, "exception", None) or exc.__cause__
    return exc


def test_stack_config_sets_the_budget_of_every_subroutine_of_a_run():
    assert netqsim.run(_network(max_instructions_per_subroutine=1000), {"Alice": Spin(10)},
                       seed=1)["Alice"] == [{"m": 0}]
    with pytest.raises(Exception) as info:
        netqsim.run(_network(max_instructions_per_subroutine=1000), {"Alice": Spin(10**9)},
                    seed=1)
    err = _instruction_error(info.value)
    assert err is not None and err.node == "Alice" and "(rule: instruction-budget)" in str(err)


def test_stack_config_limits_are_positive_integers():
    assert StackConfig.perfect_generic_config("A").max_instructions_per_subroutine == 10_000_000
    assert StackConfig.perfect_generic_config("A").max_array_entries == 4_194_304
    for field in ("max_instructions_per_subroutine", "max_array_entries"):
        with pytest.raises(ConfigError, match=field):
            _network(**{field: 0})


@pytest.mark.parametrize(
    ("instruction", "missing"),
    [("create_epr R0 R1 R2 R3 R4", 7), ("recv_epr R0 R1 R2 R4", 8)],
)
def test_epr_instruction_naming_a_missing_array_is_refused(instruction, missing):
    # old: a bare AssertionError from netqasm's request builder, or a request
    # whose results had nowhere to go
    body = "set R0 1\nset R1 0\narray 1 @2\nlea R2 @2\nset R3 7\nset R4 8\n"
    body += "" if missing == 7 else "array 1 @7\n"  # recv_epr names no argument array
    text = refused(body + instruction + "\n")
    assert f"there is no array at address @{missing} (rule: array-exists)" in text


def test_limits_are_positive_integers_and_set_as_a_whole():
    for bad in (0, -1, 1.5, True):
        message = f"max_instructions must be a positive integer, not {bad!r}"
        with pytest.raises(ValueError, match=re.escape(message)):
            SubroutineLimits(max_instructions=bad)
        with pytest.raises(ValueError, match="max_array_entries must be a positive integer"):
            SubroutineLimits(max_array_entries=bad)
    executor = make_harness().controller.executor
    with pytest.raises(TypeError, match="limits must be a SubroutineLimits, not int"):
        executor.limits = 1000


@pytest.mark.parametrize("denominator", [65, 255])
def test_rotation_angle_denominator_outside_its_range_is_refused(denominator):
    # The wire holds d in one byte; an angle of pi / 2**255 is no rotation a device can make.
    text = refused(f"set Q0 0\nqalloc Q0\ninit Q0\nrot_z Q0 1 {denominator}\n")
    assert f"instruction 3 'rot_z Q0 1 {denominator}'" in text
    assert f"angle denominator exponent {denominator} is outside 0 to 64" in text
    assert "(rule: angle-denominator)" in text


def test_rotation_angle_denominators_the_sdk_writes_are_accepted():
    out = run_subroutine("set Q0 0\nqalloc Q0\ninit Q0\nrot_x Q0 16 4\nrot_z Q0 3 64\n"
                         "meas Q0 M0\nret_reg M0\n")
    assert out.error is None and out.regs == [("M0", 1)]
