"""Random subroutines against a node controller, checked against a reference interpreter.

Hypothesis draws one or two subroutines per example from a small grammar:
classical instructions (set, add/sub/mul/div/rem, addm/subm, array, store,
load, undef, lea, jumps and branches with any target, so loops too, ret_reg,
ret_arr, wait_*) and quantum ones on a perfect 3-qubit generic device (qalloc,
init, x, h, meas, qfree). Faults are injected by drawing operands from ranges
that include the bad cases: unset registers, negative and out-of-range array
indices and lengths, huge lengths, negative or past-the-end branch targets,
loops that never end, bad qubit addresses, division by zero, int32 overflow;
and by inserting snippets that random operands rarely produce (``FAULTS``).

Every example asserts: one reply (MsgDone, after an ErrorMessage if it failed)
per message, in order; the simulation ends; the controller still answers
(a StopApp after the subroutines). The reference interpreter below states
the executor's semantics; where it says a subroutine succeeds, the returned
registers and arrays must equal its; where it says one fails, the error must
name the same instruction index and rule. Outcomes are deterministic (init, X,
measure) until a qubit in superposition (after H) is measured: from there on
an example checks the replies' shape only.

Budget: ``NETQSIM_FUZZ_EXAMPLES`` examples (default 150, a few seconds).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from netqasm.backend.messages import (
    ErrorMessage,
    MsgDoneMessage,
    ReturnArrayMessage,
    ReturnRegMessage,
)
from netqasm.lang.operand import Register
from tests.qnodeos.harness import instruction_count, make_harness, start_app, stop_app, subroutine

from netqsim.qnodeos.checks import SubroutineLimits

EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "150"))
BUDGET = 300  # instructions per subroutine: loops end quickly
ARRAY_ENTRIES = 64  # per application
MAX_QUBITS = 3
INT32 = (-(2**31), 2**31 - 1)

DATA = ["R0", "R1", "R2", "R3", "R4", "M0", "C0"]
QREGS = ["Q0", "Q1"]
ADDRESSES = [0, 1, 2]


# -- the reference interpreter -------------------------------------------------------------


class Fails(Exception):
    """The reference says the instruction fails, breaking ``rule``."""

    def __init__(self, rule: str) -> None:
        self.rule = rule


class Nondeterministic(Exception):
    """A superposition was measured: the outcome is random."""


@dataclass
class Model:
    """One application's state: registers, arrays, virtual qubits."""

    regs: dict[str, int] = field(default_factory=dict)
    arrays: dict[int, list[int | None]] = field(default_factory=dict)
    #: virtual address -> state: None (allocated, no qubit yet), 0, 1, "+", "-"
    qubits: dict[int, Any] = field(default_factory=dict)

    def read(self, reg: str) -> int:
        if reg not in self.regs:
            raise Fails("register-set")
        return self.regs[reg]

    def array(self, address: int) -> list[int | None]:
        if address not in self.arrays:
            raise Fails("array-exists")
        return self.arrays[address]

    def index(self, address: int, reg: str) -> tuple[list[int | None], int]:
        array = self.array(address)
        i = self.read(reg)
        if not 0 <= i < len(array):
            raise Fails("array-index")
        return array, i

    def qubit(self, reg: str) -> int:
        address = self.read(reg)
        if not 0 <= address < MAX_QUBITS:
            raise Fails("qubit-address")
        if address not in self.qubits:
            raise Fails("qubit-allocated")
        return address

    def state(self, reg: str) -> int:
        address = self.qubit(reg)
        if self.qubits[address] is None:
            raise Fails("holds no qubit")  # the processor's error, not a rule
        return address


def run_model(model: Model, ops: list[tuple]) -> tuple[list, dict, Any]:
    """(returned registers, returned arrays, None) or ([], {}, (index, rule))."""
    failure = static_failure(ops)
    if failure is not None:
        return [], {}, failure
    n = len(ops)
    regs: list[tuple[str, int]] = []
    snapshots: dict[int, list] = {}
    dirty: set[int] = set()
    pc = executed = 0
    try:
        while pc < n:
            if executed == BUDGET:
                raise Fails("instruction-budget")
            executed += 1
            pc = step(model, ops[pc], pc, regs, snapshots, dirty)
    except Fails as failure:
        return [], {}, (pc, failure.rule)
    arrays = dict(snapshots)
    for address in dirty - set(snapshots):
        if address in model.arrays:
            arrays[address] = list(model.arrays[address])
    return regs, arrays, None


def static_failure(ops: list[tuple]) -> tuple[int, str] | None:
    """The checks before anything runs: branch targets, and array lengths a
    ``set`` right before the ``array`` fixes (unless a branch lands on it)."""
    n = len(ops)
    targets = {op[-1] for op in ops if op[0] in BRANCHES}
    for index, op in enumerate(ops):
        previous = ops[index - 1] if index else ()
        if op[0] == "array" and index not in targets and previous[:2] == ("set", op[1]):
            if previous[2] < 0:
                return index, "array-length"
            if previous[2] > ARRAY_ENTRIES:
                return index, "array-size"
        if op[0] in BRANCHES and not 0 <= op[-1] <= n:
            return index, "branch-target"
    return None


BINARY = {
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a // b, "rem": lambda a, b: a % b,
}
BRANCHES = {
    "jmp": None, "bez": lambda a: a == 0, "bnz": lambda a: a != 0,
    "beq": lambda a, b: a == b, "bne": lambda a, b: a != b,
    "blt": lambda a, b: a < b, "bge": lambda a, b: a >= b,
}


def step(m: Model, op: tuple, pc: int, regs: list, snapshots: dict, dirty: set) -> int:
    """Run one instruction; the next program counter."""
    kind = op[0]
    if kind == "set":
        m.regs[op[1]] = op[2]
    elif kind in BINARY:
        a, b = m.read(op[2]), m.read(op[3])
        if kind in ("div", "rem") and b == 0:
            raise Fails("ZeroDivisionError")
        m.regs[op[1]] = BINARY[kind](a, b)
    elif kind in ("addm", "subm"):
        mod = m.read(op[4])
        if mod < 1:
            raise Fails("modulus")
        a, b = m.read(op[2]), m.read(op[3])
        m.regs[op[1]] = (a + b if kind == "addm" else a - b) % mod
    elif kind == "array":
        length = m.read(op[1])
        if length < 0:
            raise Fails("array-length")
        held = sum(len(a) for k, a in m.arrays.items() if k != op[2])
        if held + length > ARRAY_ENTRIES:
            raise Fails("array-size")
        m.arrays[op[2]] = [None] * length
        dirty.add(op[2])
    elif kind == "store":
        value = m.read(op[1])
        array, i = m.index(op[2], op[3])
        if not INT32[0] <= value <= INT32[1]:
            raise Fails("OverflowError")
        array[i] = value
        dirty.add(op[2])
    elif kind == "load":
        array, i = m.index(op[2], op[3])
        if array[i] is None:
            raise Fails("array-entry-set")
        m.regs[op[1]] = array[i]
    elif kind == "undef":
        array, i = m.index(op[1], op[2])
        array[i] = None
        dirty.add(op[1])
    elif kind == "lea":
        m.regs[op[1]] = op[2]
    elif kind in BRANCHES:
        test = BRANCHES[kind]
        if test is None or test(*(m.read(r) for r in op[1:-1])):
            return op[-1]  # type: ignore[no-any-return]
    elif kind == "ret_reg":
        value = m.read(op[1])
        if not INT32[0] <= value <= INT32[1]:
            raise Fails("OverflowError")
        regs.append((op[1], value))
    elif kind == "ret_arr":
        snapshots[op[1]] = list(m.array(op[1]))
    elif kind in ("wait_all", "wait_any"):
        array = m.array(op[1])
        first, last = m.read(op[2]), m.read(op[3])
        if not 0 <= first <= last <= len(array):
            raise Fails("array-slice")
        done = all if kind == "wait_all" else any
        if not done(v is not None for v in array[first:last]):
            raise Fails("wait-fillable")  # nothing but entanglement fills arrays
    elif kind == "wait_single":
        array, i = m.index(op[1], op[2])
        if array[i] is None:
            raise Fails("wait-fillable")
    elif kind == "qalloc":
        address = m.read(op[1])
        if not 0 <= address < MAX_QUBITS:
            raise Fails("qubit-address")
        if address in m.qubits:
            raise Fails("already allocated")
        m.qubits[address] = None
    elif kind == "init":
        m.qubits[m.qubit(op[1])] = 0
    elif kind == "x":
        address = m.state(op[1])
        m.qubits[address] = {0: 1, 1: 0, "+": "+", "-": "-"}[m.qubits[address]]
    elif kind == "h":
        address = m.state(op[1])
        m.qubits[address] = {0: "+", 1: "-", "+": 0, "-": 1}[m.qubits[address]]
    elif kind == "meas":
        address = m.state(op[1])
        if m.qubits[address] in ("+", "-"):
            raise Nondeterministic
        m.regs[op[2]] = m.qubits[address]
    elif kind == "qfree":
        del m.qubits[m.qubit(op[1])]
    else:  # pragma: no cover - the grammar has no other kinds
        raise AssertionError(kind)
    return pc + 1


# -- the grammar ---------------------------------------------------------------------------

small = st.integers(-2, 5)
value = st.one_of(small, st.sampled_from([2**31 - 1, -(2**31), 65536, 2**31 - 1]))
data = st.sampled_from(DATA)
address = st.sampled_from(ADDRESSES)


CLASSICAL = [
    "set", "set", "set", "add", "sub", "mul", "div", "rem", "addm", "subm", "array",
    "store", "load", "undef", "lea", "jmp", "bez", "bnz", "beq", "bne", "blt", "bge",
    "ret_reg", "ret_arr", "wait_all", "wait_any", "wait_single",
]
QUANTUM = ["qalloc", "init", "x", "x", "h", "meas", "meas", "qfree", "setq"]


@st.composite
def operation(draw: Any, pc: int, length: int, clean: bool) -> tuple:
    """One instruction at ``pc`` of ``length``; ``clean``: operands that mostly work."""
    if clean:  # registers R0-R4 hold 0..3 from the prologue, @0 has 4 entries, Q0/Q1 live
        regs, addresses, values = st.sampled_from(DATA[:5]), st.just(0), st.integers(0, 3)
        target = st.integers(pc + 1, length)  # forward only: no endless loops
        kinds = [*CLASSICAL, "x", "meas", "init"]
        qregs = st.sampled_from(QREGS)
    else:
        regs, addresses, values = data, address, value
        target = st.integers(-1, length + 1)
        kinds = [*CLASSICAL, *QUANTUM]
        qregs = st.sampled_from(QREGS)
    kind = draw(st.sampled_from(kinds))
    if kind == "set":
        return ("set", draw(regs), draw(values))
    if kind == "setq":
        return ("set", draw(qregs), draw(st.integers(-1, MAX_QUBITS)))
    if kind in BINARY:
        return (kind, draw(regs), draw(regs), draw(regs))
    if kind in ("addm", "subm"):
        return (kind, draw(regs), draw(regs), draw(regs), draw(regs))
    if kind == "array":
        return ("array", draw(regs), draw(addresses))
    if kind in ("store", "load"):
        return (kind, draw(regs), draw(addresses), draw(regs))
    if kind in ("undef", "wait_single"):
        return (kind, draw(addresses), draw(regs))
    if kind == "lea":
        return ("lea", draw(regs), draw(addresses))
    if kind == "jmp":
        return ("jmp", draw(target))
    if kind in ("bez", "bnz"):
        return (kind, draw(regs), draw(target))
    if kind in BRANCHES:
        return (kind, draw(regs), draw(regs), draw(target))
    if kind == "ret_reg":
        return ("ret_reg", draw(regs))
    if kind == "ret_arr":
        return ("ret_arr", draw(addresses))
    if kind in ("wait_all", "wait_any"):
        return (kind, draw(addresses), draw(regs), draw(regs))
    if kind == "meas":
        return ("meas", draw(qregs), "M0")
    return (kind, draw(qregs))


@st.composite
def subroutine_ops(draw: Any, first: bool) -> list[tuple]:
    """Random instructions; half the time after a prologue that sets things up
    and with operands that mostly work (so many examples run to the end).
    Qubits stay allocated between subroutines: only the ``first`` allocates them."""
    length = draw(st.integers(1, 18))
    clean = draw(st.booleans())
    prologue: list[tuple] = []
    if clean:
        prologue += [("set", "R0", 4), ("array", "R0", 0)]
        prologue += [("set", r, draw(st.integers(0, 3))) for r in DATA[:5]]
        for q, address in (("Q0", 0), ("Q1", 1)):
            prologue += [("set", q, address)]
            prologue += [("qalloc", q), ("init", q)] if first else []
    n = len(prologue) + length
    ops = prologue + [draw(operation(len(prologue) + i, n, clean)) for i in range(length)]
    if not clean:  # injected faults that random operands rarely hit
        for snippet in draw(st.lists(st.sampled_from(FAULTS), max_size=2)):
            at = draw(st.integers(0, len(ops)))
            ops[at:at] = snippet
    return ops


FAULTS = [
    [("set", "R1", -1), ("array", "R1", 1)],  # negative length, refused before running
    [("set", "R1", 2**31 - 1), ("array", "R1", 1)],  # huge, refused before running
    [("set", "R1", 40), ("add", "R1", "R1", "R1"), ("array", "R1", 2)],  # 80 > 64, running
    [("set", "R2", 65536), ("mul", "R2", "R2", "R2"), ("ret_reg", "R2")],  # int32 overflow
    [("set", "R2", 65536), ("mul", "R3", "R2", "R2"), ("set", "R4", 0),
     ("set", "R1", 1), ("array", "R1", 2), ("store", "R3", 2, "R4")],  # overflow in store
    [("set", "Q0", 0), ("qalloc", "Q0"), ("x", "Q0")],  # a gate on a qubit never initialised
    [("set", "Q1", 1), ("qalloc", "Q1"), ("init", "Q1"), ("h", "Q1"), ("meas", "Q1", "M0")],
    [("set", "R1", 0), ("jmp", -1)],  # a negative branch target
    [("set", "R1", 0), ("bez", "R1", 0)],  # loops until the budget runs out
]


def text(op: tuple) -> str:
    kind = op[0]
    if kind in ("array", "lea"):
        return f"{kind} {op[1]} @{op[2]}"
    if kind in ("store", "load"):
        return f"{kind} {op[1]} @{op[2]}[{op[3]}]"
    if kind in ("undef", "wait_single"):
        return f"{kind} @{op[1]}[{op[2]}]"
    if kind == "ret_arr":
        return f"ret_arr @{op[1]}"
    if kind in ("wait_all", "wait_any"):
        return f"{kind} @{op[1]}[{op[2]}:{op[3]}]"
    return " ".join(str(part) for part in op)


# -- the property ----------------------------------------------------------------------------

# the error kinds the processor and Python raise, as they appear in the error text
_NAMED = {
    "ZeroDivisionError": "ZeroDivisionError", "OverflowError": "OverflowError",
    "already allocated": "already allocated", "holds no qubit": "holds no qubit",
}


@settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.tuples(subroutine_ops(True), st.lists(subroutine_ops(False), max_size=1)))
def test_random_subroutines_get_one_reply_each_and_match_the_reference(drawn):
    programs = [drawn[0], *drawn[1]]
    h = make_harness(cfg=None)  # perfect generic device, 3 qubits, no decoherence
    h.controller.executor.limits = SubroutineLimits(BUDGET, ARRAY_ENTRIES)
    start_app(h, max_qubits=MAX_QUBITS)
    bodies = ["".join(text(op) + "\n" for op in ops) for ops in programs]
    for body, ops in zip(bodies, programs, strict=True):
        assert instruction_count(body) == len(ops)  # no instruction added by the parser
        h.send(subroutine(body))
    stop_app(h)
    h.run()  # ends: nothing waits forever

    # One reply per message, in order, each a MsgDone; ErrorMessage only right before one.
    replies = [m for _, m in h.replies]
    done = [m.msg_id for m in replies if isinstance(m, MsgDoneMessage)]
    assert done == list(range(len(programs) + 2))
    assert not isinstance(replies[-1], ErrorMessage) and 0 not in h.controller.errors
    assert len(programs) + 1 not in h.controller.errors  # StopApp still served

    per_message = split_replies(replies)
    model = Model()
    for msg_id, ops in enumerate(programs, start=1):
        try:
            expected_regs, expected_arrays, failure = run_model(model, ops)
        except Nondeterministic:
            event("a superposition is measured")
            return  # from here on, outcomes are random: the shape checks above hold
        regs, arrays, failed = per_message[msg_id]
        event("fault-free" if failure is None else f"fails: {failure[1]}")
        if failure is None:
            assert not failed, str(h.controller.errors.get(msg_id))
            assert (regs, arrays) == (expected_regs, expected_arrays), bodies[msg_id - 1]
        else:
            index, rule = failure
            assert failed and regs == [] and arrays == {}
            error = str(h.controller.errors[msg_id])
            assert re.search(rf", instruction {index} '", error), (error, failure)
            assert f"(rule: {rule})" in error or _NAMED.get(rule, "-") in error, (error, rule)


def split_replies(replies: list[Any]) -> dict[int, tuple[list, dict, bool]]:
    """message id -> (registers, arrays, failed) as the host sees them."""
    out: dict[int, tuple[list, dict, bool]] = {}
    regs: list[tuple[str, int]] = []
    arrays: dict[int, list] = {}
    failed = False
    for message in replies:
        if isinstance(message, ReturnRegMessage):
            regs.append((str(Register.from_raw(message.register)), message.value))
        elif isinstance(message, ReturnArrayMessage):
            arrays[message.address] = message.values
        elif isinstance(message, ErrorMessage):
            failed = True
        else:
            out[message.msg_id] = (regs, arrays, failed)
            regs, arrays, failed = [], {}, False
    return out
