"""The key of a pending subroutine: everything that determines its compiled bytes.

The SDK turns a program's pending commands (a ``ProtoSubroutine``) into wire
bytes in three steps, each a deterministic function of its input:

1. ``assemble_subroutine`` (netqasm's text assembler): moves ``args`` into the
   operands, replaces integer operands by registers that the commands do not
   use (inserting ``set`` instructions), and resolves branch labels to
   instruction indices. It reads the commands (instruction, args, operands,
   label names), the ``arguments`` and the NetQASM version; it does not read
   line numbers (debug information only) or the application id (copied into
   the subroutine untouched).
2. the compiler (``None``, or netqasm's NV transpiler): rewrites the assembled
   instructions into the node's flavour, reading nothing but those.
3. serialization: a metadata header (NetQASM version, application id) and one
   fixed-size record per instruction.

So the bytes after the header are a function of the command list, the
NetQASM version and the compiler, and the header is a function of the version
and the application id. Whatever shaped the commands (the builder's memory
manager allocating registers and array addresses, the hardware config, loop
bounds, angles, futures) is visible in the commands themselves.

One more thing shapes the result: the assembler rewrites commands and array
operands in place, so an object that occurs twice is rewritten once and then
seen rewritten (the SDK adds the same correction command in two branches of
its Bell-state corrections). The key therefore writes a repeated command or
array operand as a reference to its first occurrence.

:func:`subroutine_key` writes all this as nested tuples of ``int`` and ``str``
(and the classes of ``IntEnum`` operands), so a stored key never changes
afterwards. It gives up (returns ``None``: compile as usual, do not cache) on
anything it cannot write exactly: operand types it does not know, ``bool`` or
numpy integers where ``int`` is expected, and template arguments.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from netqasm.lang.encoding import RegisterName
from netqasm.lang.ir import BranchLabel, GenericInstr, ICmd, ProtoSubroutine
from netqasm.lang.operand import Address, ArrayEntry, ArraySlice, Label, Register, Template

#: A subroutine's key: nested tuples of ``int`` and ``str`` (hashable, immutable).
SubroutineKey = tuple[Any, ...]


class _Unkeyable(Exception):
    """An operand or command :func:`subroutine_key` cannot write exactly."""


def _register(reg: Any) -> tuple[int, int]:
    """A register as ``(name value, index)``; the only 2-tuple of two ints in a key."""
    if type(reg) is not Register:
        raise _Unkeyable
    name, index = reg.name, reg.index
    if type(name) is not RegisterName or type(index) is not int:
        raise _Unkeyable
    return (name._value_, index)


def _address(address: Any) -> int:
    if type(address) is not Address or type(address.address) is not int:
        raise _Unkeyable
    return address.address


def _index(value: Any) -> Any:
    """An array index or slice bound: an int, or a register."""
    return value if type(value) is int else _register(value)


def _other_operand(op: Any, kind: type, arrays: dict[int, int]) -> Any:
    """Any operand but an int or a register; ``arrays``: id -> ordinal of array operands."""
    if kind is ArrayEntry or kind is ArraySlice:
        first = arrays.get(id(op))
        if first is not None:
            return ("=@", first)
        arrays[id(op)] = len(arrays)
        if kind is ArrayEntry:
            return ("@[]", _address(op.address), _index(op.index))
        return ("@[:]", _address(op.address), _index(op.start), _index(op.stop))
    if kind is Address:
        return ("@", _address(op))
    if kind is Label and type(op.name) is str:
        return ("label", op.name)
    if (  # the SDK's result indices
        isinstance(op, IntEnum) and type(op._value_) is int and not isinstance(op, Template)
    ):
        return ("enum", kind, op._value_)
    raise _Unkeyable  # Template (an argument to fill in) or anything unknown


def _body(commands: list[Any]) -> tuple[Any, ...]:
    """The commands as tuples, in one loop (it is most of a key's cost)."""
    firsts: dict[int, int] = {}  # id of a command -> position of its first occurrence
    arrays: dict[int, int] = {}
    body: list[Any] = []
    for position, cmd in enumerate(commands):
        kind = type(cmd)
        if kind is BranchLabel and type(cmd.name) is str:
            body.append(cmd.name)  # the only plain str at command level
            continue
        if kind is not ICmd:
            raise _Unkeyable
        first = firsts.setdefault(id(cmd), position)
        if first != position:
            body.append(("=", first))
            continue
        instruction = cmd.instruction
        if type(instruction) is not GenericInstr:
            raise _Unkeyable
        args = tuple(cmd.args)
        for arg in args:
            if type(arg) is not int:
                raise _Unkeyable
        operands: list[Any] = []
        for op in cmd.operands:
            op_kind = type(op)
            if op_kind is int:
                operands.append(op)
            elif op_kind is Register:
                operands.append(_register(op))
            else:
                operands.append(_other_operand(op, op_kind, arrays))
        body.append((instruction._value_, args, tuple(operands)))
    return tuple(body)


def subroutine_key(proto: ProtoSubroutine) -> SubroutineKey | None:
    """What determines ``proto``'s compiled bytes (header aside), or ``None`` if unsure.

    Two pending subroutines with equal keys compile, with the same compiler,
    to the same instructions; ``None`` means: compile it, do not cache it.
    """
    if proto.arguments:
        return None
    return commands_key(proto.commands, proto.netqasm_version)


def commands_key(commands: list[Any], netqasm_version: Any) -> SubroutineKey | None:
    """:func:`subroutine_key` of ``ProtoSubroutine(commands, netqasm_version=...)``.

    Without building the ``ProtoSubroutine``: a key is never given to commands
    with a template operand (the only thing that gives one arguments).
    """
    if type(netqasm_version) is not tuple or any(type(v) is not int for v in netqasm_version):
        return None
    try:
        return (netqasm_version, _body(commands))
    except (_Unkeyable, TypeError):  # TypeError: args or operands that are not lists
        return None
