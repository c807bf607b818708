"""How each NetQASM instruction executes: netqsim's dispatch table.

A subroutine is translated once into a *plan*: one step per instruction,
``(kind, handler, args)``, where ``handler`` is a bound method of the
executor and ``args`` holds what the instruction's operands mean, decoded
ahead of time (register slots, array addresses, rotation angles, measurement
bases). Running a step is then a call, without netqasm's per-instruction
wrappers, isinstance chains and debug-message formatting. ``kind`` says how
the run loop calls the handler:

* ``PLAIN``: ``handler(frame, args)``, then the next instruction;
* ``JUMP``: ``handler(frame, args, pc)`` returns the next program counter;
* ``GEN``: ``yield from handler(frame, args)`` (takes simulated time), then the next.

Registers of an application are one flat list (:data:`REGISTER_SLOTS` slots;
``R``, ``C``, ``Q`` and ``M`` registers of 16 each). Reading a register that
was never set, indexing outside an array, or addressing a qubit outside the
application's unit module raise the :mod:`~netqsim.qnodeos.checks` rule
errors instead of netqasm's wrap-around behaviour.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from netqasm.backend.messages import ReturnArrayMessage, ReturnRegMessage
from netqasm.lang.encoding import REG_INDEX_BITS, RegisterName
from netqasm.lang.instr import core
from netqasm.lang.operand import Register

from netqsim.qnodeos.checks import (
    ArrayIndexError,
    ArrayLimitError,
    QubitAddressError,
    RuleViolation,
    UnfillableWait,
    UnsetRegisterError,
)
from netqsim.qnodeos.measure import MEAS_BASIS_AXES, measurement_basis
from netqsim.qnodeos.wire import check_int32

Gen = Generator[Any, Any, Any]

PLAIN, JUMP, GEN = 0, 1, 2
_GROUP = 1 << REG_INDEX_BITS
#: Registers per application: every (group, index) pair the encoding allows.
REGISTER_SLOTS = len(RegisterName) * _GROUP


def slot(register: Register) -> int:
    """The position of ``register`` in an application's register list."""
    return int(register.name.value) * _GROUP + int(register.index)


def new_registers() -> list[int | None]:
    """A fresh register list: every register unset."""
    return [None] * REGISTER_SLOTS


@dataclass
class Frame:
    """What the instructions of one running subroutine act on."""

    subroutine_id: int
    app_id: int
    regs: list[int | None]
    arrays: Any  # netqasm's Arrays of the application
    unit_module: list[int | None]


Step = tuple[int, Callable[..., Any], tuple[Any, ...]]
Decoder = Callable[[Any], tuple[Any, ...]]
#: Told ``(frame, pc, instr)`` after an instruction has executed (see :func:`observed_plan`).
InstructionObserver = Callable[[Frame, int, Any], None]

_BINARY = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "div": operator.floordiv, "rem": operator.mod,
}
_MODULAR = {"addm": operator.add, "subm": operator.sub}
_UNARY_BRANCH = {"bez": operator.eq, "bnz": operator.ne}
_BINARY_BRANCH = {"beq": operator.eq, "bne": operator.ne, "blt": operator.lt, "bge": operator.ge}


def _unset(register: Register) -> UnsetRegisterError:
    return UnsetRegisterError(
        "register-set", f"register {register} is not defined (it is read before it is set)"
    )


class InstructionHandlers:
    """The executor's instruction handlers and the plan compiler (a mixin of NodeExecutor).

    Relies on the executor for ``_dispatch_cache`` (a dict, filled here),
    ``_processor``, ``_limits``, ``_returns``,
    ``_returned_arrays``, ``_dirty_arrays``, ``_array_entries``,
    ``breakpoint_hook``, the qubit bookkeeping (``_allocate_physical_qubit``,
    ``_free_physical_qubit``), the EPR entry points (``_do_create_epr``,
    ``_do_recv_epr``), ``_can_fill`` and ``_do_wait``.
    """

    _dispatch_cache: dict[type, tuple[int, Callable[..., Any], Decoder]]

    # -- the table ----------------------------------------------------------------------
    def _rules(self) -> list[tuple[type, int, Callable[..., Any], Decoder]]:
        """(instruction base class, kind, handler, operand decoder), most specific first."""
        c = core
        return [
            (c.SetInstruction, PLAIN, self._op_set, lambda i: (slot(i.reg), i.imm.value)),
            (c.QAllocInstruction, PLAIN, self._op_qalloc, lambda i: (slot(i.reg), i.reg)),
            (c.QFreeInstruction, GEN, self._op_qfree, lambda i: (slot(i.reg), i.reg)),
            (c.InitInstruction, GEN, self._op_init, lambda i: (slot(i.reg), i.reg)),
            (c.ArrayInstruction, PLAIN, self._op_array,
             lambda i: (slot(i.size), i.size, i.address.address)),
            (c.StoreInstruction, PLAIN, self._op_store, lambda i: (slot(i.reg), i.reg, *_entry(i))),
            (c.LoadInstruction, PLAIN, self._op_load, lambda i: (slot(i.reg), *_entry(i))),
            (c.UndefInstruction, PLAIN, self._op_undef, lambda i: _entry(i)),
            (c.LeaInstruction, PLAIN, self._op_lea, lambda i: (slot(i.reg), i.address.address)),
            (c.JmpInstruction, JUMP, self._op_jmp, lambda i: (i.line.value,)),
            (c.BranchUnaryInstruction, JUMP, self._op_branch1,
             lambda i: (i.line.value, _UNARY_BRANCH[i.mnemonic], slot(i.reg), i.reg)),
            (c.BranchBinaryInstruction, JUMP, self._op_branch2,
             lambda i: (i.line.value, _BINARY_BRANCH[i.mnemonic], slot(i.reg0), i.reg0,
                        slot(i.reg1), i.reg1)),
            (c.ClassicalOpModInstruction, PLAIN, self._op_modular,
             lambda i: (_MODULAR[i.mnemonic], *_regs(i.regout, i.regin0, i.regin1, i.regmod))),
            (c.ClassicalOpInstruction, PLAIN, self._op_binary,
             lambda i: (_BINARY[i.mnemonic], *_regs(i.regout, i.regin0, i.regin1))),
            (c.MeasBasisInstruction, GEN, self._op_meas_basis, _meas_basis_args),
            (c.MeasBasisYZYInstruction, GEN, self._op_meas_basis, _meas_basis_args),
            (c.MeasBasisZXZInstruction, GEN, self._op_meas_basis, _meas_basis_args),
            (c.MeasInstruction, GEN, self._op_meas,
             lambda i: (slot(i.qreg), i.qreg, slot(i.creg))),
            (c.SingleQubitInstruction, GEN, self._op_gate1,
             lambda i: (slot(i.reg), i.reg, i.mnemonic)),
            (c.RotationInstruction, GEN, self._op_rotation,
             lambda i: (slot(i.reg), i.reg, i.mnemonic, _angle(i))),
            (c.ControlledRotationInstruction, GEN, self._op_controlled_rotation,
             lambda i: (slot(i.reg0), i.reg0, slot(i.reg1), i.reg1, i.mnemonic, _angle(i))),
            (c.TwoQubitInstruction, GEN, self._op_gate2,
             lambda i: (slot(i.reg0), i.reg0, slot(i.reg1), i.reg1, i.mnemonic)),
            (c.CreateEPRInstruction, PLAIN, self._op_create_epr,
             lambda i: _regs(i.remote_node_id, i.epr_socket_id, i.qubit_addr_array,
                             i.arg_array, i.ent_results_array)),
            (c.RecvEPRInstruction, PLAIN, self._op_recv_epr,
             lambda i: _regs(i.remote_node_id, i.epr_socket_id, i.qubit_addr_array,
                             i.ent_results_array)),
            (c.WaitAllInstruction, GEN, self._op_wait, lambda i: (all, *_slice(i.slice))),
            (c.WaitAnyInstruction, GEN, self._op_wait, lambda i: (any, *_slice(i.slice))),
            (c.WaitSingleInstruction, GEN, self._op_wait_single, lambda i: _entry(i)),
            (c.RetRegInstruction, PLAIN, self._op_ret_reg, lambda i: (slot(i.reg), i.reg)),
            (c.RetArrInstruction, PLAIN, self._op_ret_arr, lambda i: (i.address.address,)),
            (c.BreakpointInstruction, PLAIN, self._op_breakpoint,
             lambda i: (i.action.value, i.role.value)),
        ]

    def _entry_for(self, cls: type) -> tuple[int, Callable[..., Any], Decoder] | None:
        cache = self._dispatch_cache
        if cls not in cache:
            for base, kind, handler, decode in self._rules():
                if issubclass(cls, base):
                    cache[cls] = (kind, handler, decode)
                    break
            else:
                return None
        return cache[cls]  # type: ignore[no-any-return]

    def supports(self, cls: type) -> bool:
        """True if this executor has a handler for instruction class ``cls``."""
        return self._entry_for(cls) is not None

    def compile_plan(self, instructions: list[Any]) -> list[Step]:
        """One ``(kind, handler, args)`` step per instruction (see the module docstring)."""
        plan: list[Step] = []
        for instr in instructions:
            entry = self._entry_for(type(instr))
            assert entry is not None, "check_subroutine refuses unsupported instructions"
            kind, handler, decode = entry
            plan.append((kind, handler, decode(instr)))
        return plan

    # -- registers, arrays, qubits --------------------------------------------------------
    @staticmethod
    def _read(f: Frame, index: int, register: Register) -> int:
        value = f.regs[index]
        if value is None:
            raise _unset(register)
        return value

    @staticmethod
    def _array(f: Frame, address: int) -> list[int | None]:
        if not f.arrays.has_array(address):
            raise RuleViolation("array-exists", f"there is no array at address @{address}")
        return f.arrays._get_array(address)  # type: ignore[no-any-return]

    def _index(self, f: Frame, address: int, index_slot: int, index_reg: Register) -> tuple[
        list[int | None], int
    ]:
        array = self._array(f, address)
        index = self._read(f, index_slot, index_reg)
        if not 0 <= index < len(array):
            raise ArrayIndexError(
                "array-index",
                f"index {index} (register {index_reg}) is outside array @{address} of length "
                f"{len(array)}",
            )
        return array, index

    def _virtual_address(self, f: Frame, index: int, register: Register) -> int:
        """The virtual qubit address in ``register``, checked against the unit module."""
        address = self._read(f, index, register)
        unit = f.unit_module
        if not 0 <= address < len(unit):
            raise QubitAddressError(
                "qubit-address",
                f"virtual qubit address {address} (register {register}) is outside the unit "
                f"module of application {f.app_id}, which has {len(unit)} qubits",
            )
        return address

    def _position(self, f: Frame, index: int, register: Register) -> int:
        address = self._virtual_address(f, index, register)
        position = f.unit_module[address]
        if position is None:
            raise RuleViolation(
                "qubit-allocated",
                f"the qubit with address {address} was not allocated for app ID {f.app_id} "
                f"on node {self.name!r}",  # type: ignore[attr-defined]
            )
        return position

    def _dirty(self, f: Frame, address: int) -> None:
        self._dirty_arrays[f.app_id].add(address)  # type: ignore[attr-defined]

    # -- classical instructions ----------------------------------------------------------
    def _op_set(self, f: Frame, a: tuple[Any, ...]) -> None:
        f.regs[a[0]] = a[1]

    def _op_binary(self, f: Frame, a: tuple[Any, ...]) -> None:
        op, out, _, x, rx, y, ry = a
        f.regs[out] = op(self._read(f, x, rx), self._read(f, y, ry))

    def _op_modular(self, f: Frame, a: tuple[Any, ...]) -> None:
        op, out, _, x, rx, y, ry, m, rm = a
        mod = self._read(f, m, rm)
        if mod < 1:
            raise RuleViolation(
                "modulus", f"Modulus needs to be greater or equal to 1, not {mod} (register {rm})"
            )
        f.regs[out] = op(self._read(f, x, rx), self._read(f, y, ry)) % mod

    def _op_jmp(self, f: Frame, a: tuple[Any, ...], pc: int) -> int:
        return a[0]  # type: ignore[no-any-return]

    def _op_branch1(self, f: Frame, a: tuple[Any, ...], pc: int) -> int:
        target, test, x, rx = a
        return target if test(self._read(f, x, rx), 0) else pc + 1  # type: ignore[no-any-return]

    def _op_branch2(self, f: Frame, a: tuple[Any, ...], pc: int) -> int:
        target, test, x, rx, y, ry = a
        taken = test(self._read(f, x, rx), self._read(f, y, ry))
        return target if taken else pc + 1  # type: ignore[no-any-return]

    def _op_array(self, f: Frame, a: tuple[Any, ...]) -> None:
        size_slot, size_reg, address = a
        length = self._read(f, size_slot, size_reg)
        if length < 0:
            raise ArrayLimitError(
                "array-length", f"array @{address} cannot have a negative length ({length})"
            )
        limit = self._limits.max_array_entries  # type: ignore[attr-defined]
        held = self._array_entries[f.app_id]  # type: ignore[attr-defined]
        if f.arrays.has_array(address):  # replaced: its entries are given back
            held -= len(f.arrays._get_array(address))
        if held + length > limit:
            raise ArrayLimitError(
                "array-size",
                f"array @{address} of {length} entries would make application {f.app_id} hold "
                f"{held + length} array entries; the limit is {limit} (stack config key "
                "'max_array_entries')",
            )
        f.arrays.init_new_array(address, length)
        self._array_entries[f.app_id] = held + length  # type: ignore[attr-defined]
        self._dirty(f, address)

    def _op_store(self, f: Frame, a: tuple[Any, ...]) -> None:
        value_slot, value_reg, address, index_slot, index_reg = a
        value = self._read(f, value_slot, value_reg)
        array, index = self._index(f, address, index_slot, index_reg)
        check_int32(value, f"value stored in array entry @{address}[{index_reg}]")
        array[index] = value
        self._dirty(f, address)

    def _op_load(self, f: Frame, a: tuple[Any, ...]) -> None:
        out, address, index_slot, index_reg = a
        array, index = self._index(f, address, index_slot, index_reg)
        value = array[index]
        if value is None:
            raise RuleViolation(
                "array-entry-set", f"array value at @{address}[{index}] is not defined"
            )
        f.regs[out] = value

    def _op_undef(self, f: Frame, a: tuple[Any, ...]) -> None:
        array, index = self._index(f, *a)
        array[index] = None
        self._dirty(f, a[0])

    def _op_lea(self, f: Frame, a: tuple[Any, ...]) -> None:
        f.regs[a[0]] = a[1]

    def _op_ret_reg(self, f: Frame, a: tuple[Any, ...]) -> None:
        index, register = a
        value = check_int32(self._read(f, index, register), f"register {register}")
        self._returns[f.app_id].append(  # type: ignore[attr-defined]
            ReturnRegMessage(register=register.cstruct, value=value)
        )

    def _op_ret_arr(self, f: Frame, a: tuple[Any, ...]) -> None:
        address = a[0]
        values = list(self._array(f, address))
        self._returns[f.app_id].append(ReturnArrayMessage(address, values))  # type: ignore[attr-defined]
        self._returned_arrays[f.app_id].add(address)  # type: ignore[attr-defined]

    def _op_breakpoint(self, f: Frame, a: tuple[Any, ...]) -> None:
        hook = self.breakpoint_hook  # type: ignore[attr-defined]
        if hook is not None:
            hook(self, f.app_id, a[0], a[1])

    # -- qubits -----------------------------------------------------------------------
    def _op_qalloc(self, f: Frame, a: tuple[Any, ...]) -> None:
        index, register = a
        address = self._read(f, index, register)
        # netqasm's wording for qalloc, which SquidASM users know from its errors
        if not 0 <= address < len(f.unit_module):
            raise QubitAddressError(
                "qubit-address",
                f"Virtual address {address} is outside the unit module (app ID {f.app_id}) "
                f"which has length {len(f.unit_module)}",
            )
        self._allocate_physical_qubit(f.subroutine_id, address)  # type: ignore[attr-defined]

    def _op_qfree(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        address = self._virtual_address(f, *a)
        if f.unit_module[address] is None:
            raise RuleViolation(
                "qubit-allocated",
                f"the qubit with address {address} is not allocated for app ID {f.app_id}, "
                "so it cannot be freed",
            )
        yield from self._free_physical_qubit(f.subroutine_id, address)  # type: ignore[attr-defined]

    def _op_init(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        yield from self._processor.init(self._position(f, a[0], a[1]))  # type: ignore[attr-defined]

    def _op_gate1(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        index, register, mnemonic = a
        position = self._position(f, index, register)
        yield from self._processor.gate(mnemonic, (position,))  # type: ignore[attr-defined]

    def _op_rotation(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        index, register, mnemonic, angle = a
        position = self._position(f, index, register)
        yield from self._processor.gate(mnemonic, (position,), angle=angle)  # type: ignore[attr-defined]

    def _op_controlled_rotation(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        i0, r0, i1, r1, mnemonic, angle = a
        positions = (self._position(f, i0, r0), self._position(f, i1, r1))
        yield from self._processor.gate(mnemonic, positions, angle=angle)  # type: ignore[attr-defined]

    def _op_gate2(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        i0, r0, i1, r1, mnemonic = a
        positions = (self._position(f, i0, r0), self._position(f, i1, r1))
        yield from self._processor.gate(mnemonic, positions)  # type: ignore[attr-defined]

    def _op_meas(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        index, register, out = a
        position = self._position(f, index, register)
        f.regs[out] = yield from self._processor.measure(position)  # type: ignore[attr-defined]

    def _op_meas_basis(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        index, register, out, basis = a
        position = self._position(f, index, register)
        f.regs[out] = yield from self._processor.measure(position, basis=basis)  # type: ignore[attr-defined]

    # -- entanglement --------------------------------------------------------------------
    def _epr_arrays(self, f: Frame, *addresses: int | None) -> None:
        """The arrays an EPR instruction names exist (netqasm would fail a bare assert)."""
        for address in addresses:
            if address is not None:
                self._array(f, address)

    def _op_create_epr(self, f: Frame, a: tuple[Any, ...]) -> None:
        node, rn, socket, rs, qarr, _, args, ra, results, rr = a
        q_array = f.regs[qarr]  # unset: a request without qubits (measure directly)
        arg_array, result_array = self._read(f, args, ra), self._read(f, results, rr)
        self._epr_arrays(f, q_array, arg_array, result_array)
        self._do_create_epr(  # type: ignore[attr-defined]
            subroutine_id=f.subroutine_id,
            remote_node_id=self._read(f, node, rn),
            epr_socket_id=self._read(f, socket, rs),
            q_array_address=q_array,
            arg_array_address=arg_array,
            ent_results_array_address=result_array,
        )

    def _op_recv_epr(self, f: Frame, a: tuple[Any, ...]) -> None:
        node, rn, socket, rs, qarr, _, results, rr = a
        q_array, result_array = f.regs[qarr], self._read(f, results, rr)
        self._epr_arrays(f, q_array, result_array)
        self._do_recv_epr(  # type: ignore[attr-defined]
            subroutine_id=f.subroutine_id,
            remote_node_id=self._read(f, node, rn),
            epr_socket_id=self._read(f, socket, rs),
            q_array_address=q_array,
            ent_results_array_address=result_array,
        )

    def _waitable(self, f: Frame, address: int, done: Callable[[], bool]) -> Gen:
        """Wait until ``done()``; an error if nothing pending can make it true."""
        while not done():
            if not self._can_fill(f.app_id, address):  # type: ignore[attr-defined]
                raise UnfillableWait(
                    "wait-fillable",
                    f"array @{address} has undefined entries that nothing will write: no "
                    f"pending entanglement request of application {f.app_id} fills it",
                )
            yield from self._do_wait()  # type: ignore[attr-defined]

    def _op_wait(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        test, address, start, rstart, stop, rstop = a
        array = self._array(f, address)
        first, last = self._read(f, start, rstart), self._read(f, stop, rstop)
        if not 0 <= first <= last <= len(array):
            raise ArrayIndexError(
                "array-slice",
                f"slice {first}:{last} is not within array @{address} of length {len(array)}",
            )

        if test is all:
            # Pairs fill the slice entry by entry while the subroutine waits, and
            # nothing empties an entry meanwhile: remember how far it is filled, so
            # a request for n pairs costs O(n) checks in all, not O(n^2).
            filled = first

            def done() -> bool:
                nonlocal filled
                values = self._array(f, address)
                while filled < last and values[filled] is not None:
                    filled += 1
                return filled == last
        else:
            def done() -> bool:
                values = self._array(f, address)[first:last]
                return bool(test(value is not None for value in values))

        yield from self._waitable(f, address, done)

    def _op_wait_single(self, f: Frame, a: tuple[Any, ...]) -> Gen:
        address, index_slot, index_reg = a
        _, index = self._index(f, address, index_slot, index_reg)

        def done() -> bool:
            return self._array(f, address)[index] is not None

        yield from self._waitable(f, address, done)


def observed_plan(
    instructions: list[Any], plan: list[Step], observer: InstructionObserver
) -> list[Step]:
    """``plan`` with ``observer(frame, pc, instr)`` called after each of its steps completes.

    A step that raises reports nothing. The plan keeps its kinds, so the run
    loop is the same with or without an observer: only observed plans pay.
    """
    return [_observed(pc, instr, step, observer)
            for pc, (instr, step) in enumerate(zip(instructions, plan, strict=True))]


def _observed(pc: int, instr: Any, step: Step, observer: InstructionObserver) -> Step:
    kind, handler, args = step
    if kind == PLAIN:
        def plain(frame: Frame, arguments: Any) -> None:
            handler(frame, arguments)
            observer(frame, pc, instr)
        return (kind, plain, args)
    if kind == JUMP:
        def jump(frame: Frame, arguments: Any, at: int) -> int:
            target: int = handler(frame, arguments, at)
            observer(frame, pc, instr)
            return target
        return (kind, jump, args)

    def generator(frame: Frame, arguments: Any) -> Gen:
        result = yield from handler(frame, arguments)
        observer(frame, pc, instr)
        return result
    return (kind, generator, args)


def _regs(*registers: Register) -> tuple[Any, ...]:
    """(slot, register) pairs, flattened."""
    out: list[Any] = []
    for register in registers:
        out += (slot(register), register)
    return tuple(out)


def _entry(instr: Any) -> tuple[int, int, Register]:
    entry = instr.entry
    return entry.address.address, slot(entry.index), entry.index


def _slice(s: Any) -> tuple[Any, ...]:
    return (s.address.address, slot(s.start), s.start, slot(s.stop), s.stop)


def _angle(instr: Any) -> float:
    # the same expression as netqasm's executor, so angles are bit-identical
    return float(instr.angle_num.value * math.pi / 2 ** instr.angle_denom.value)


def _meas_basis_args(instr: Any) -> tuple[Any, ...]:
    denominator = 2 ** instr.angle_denom.value
    # imm0..imm2: the three angle numerators, in rotation order (the property
    # names differ per variant)
    numerators = (instr.imm0, instr.imm1, instr.imm2)
    angles = tuple(math.pi * imm.value / denominator for imm in numerators)
    basis = measurement_basis(MEAS_BASIS_AXES[instr.mnemonic], angles)  # type: ignore[arg-type]
    return (slot(instr.qreg), instr.qreg, slot(instr.creg), basis)


__all__ = [
    "GEN",
    "JUMP",
    "PLAIN",
    "REGISTER_SLOTS",
    "Frame",
    "InstructionHandlers",
    "InstructionObserver",
    "Step",
    "new_registers",
    "observed_plan",
    "slot",
]
