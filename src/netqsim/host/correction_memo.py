"""The receiver's Bell-state correction commands, built by the SDK once and then replayed.

After ``recv_keep`` the SDK emits, per request, a loop that loads each pair's
Bell state and applies X and/or Z in three if-branches: some 90 commands,
built through loop and if contexts that re-add every pending command each
time one closes. What it emits is a deterministic function of a few inputs:
the two arrays' addresses and lengths, the request's pair count, expected
Bell state and rotation axes, which registers are active, which branch labels
the builder has handed out, and whether the device has one communication
qubit. :class:`CorrectionMemo` runs the SDK once per such input, records the
commands it appended and what it changed in the builder (labels handed out,
active registers, if-context counter), and for equal inputs later appends a
fresh copy of those commands and makes the same changes.

Recording checks that nothing else changed (the builder's other attributes,
the memory manager's other bookkeeping, commands pending before the call) and
that the commands hold only operands it can copy exactly; otherwise the call
is not kept and runs through the SDK every time. Copies are deep where the
assembler rewrites in place (commands, array entries and slices) and keep
sharing: a command the SDK appends twice is one object appended twice, as
the SDK does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from netqasm.lang.ir import BranchLabel, ICmd
from netqasm.lang.operand import Address, ArrayEntry, ArraySlice, Label, Register

#: Operand types that are immutable values (shared between copies).
_VALUES = (int, Register, Address, Label)
#: Operand types the assembler rewrites in place (copied, keeping sharing).
_MUTABLE = (ArrayEntry, ArraySlice)
#: Builder attributes a correction call may change; the memo replays these.
_REPLAYED = frozenset(
    {"_pending_commands", "_label_mgr", "_mem_mgr", "_next_context_id", "_pre_context_commands"}
)


class _Unrecordable(Exception):
    """A correction call whose effect the memo cannot copy exactly."""


class _Recording:
    """What one correction call appended and changed."""

    __slots__ = ("active_after", "commands", "context_ids", "labels")

    def __init__(
        self, commands: CommandTemplate, labels: tuple[str, ...], active_after: frozenset[Register],
        context_ids: int,
    ) -> None:
        self.commands = commands
        self.labels = labels
        self.active_after = active_after
        self.context_ids = context_ids


_ICMD_FIELDS = frozenset({"instruction", "args", "operands", "lineno"})


class CommandTemplate:
    """Pending commands kept as a recipe; :meth:`copy` makes a fresh list of them.

    Commands and array operands (which the assembler rewrites in place) are
    made anew at each copy; registers, ints, labels, addresses and enum
    operands are immutable values and shared. An object that occurs more than
    once occurs as one new object as many times. Raises ``_Unrecordable`` on
    anything it cannot copy exactly.
    """

    def __init__(self, commands: list[Any]) -> None:
        firsts: dict[int, int] = {}
        arrays: dict[int, int] = {}
        self._arrays: list[tuple[type, dict[str, Any]]] = []
        self._steps: list[Any] = []
        for position, cmd in enumerate(commands):
            first = firsts.setdefault(id(cmd), position)
            if first != position:
                self._steps.append(first)
                continue
            kind = type(cmd)
            if kind is BranchLabel and type(cmd.name) is str and vars(cmd).keys() == {
                "name", "lineno"
            }:
                self._steps.append((BranchLabel, cmd.name, cmd.lineno))
                continue
            if kind is not ICmd or vars(cmd).keys() != _ICMD_FIELDS:
                raise _Unrecordable
            args = tuple(cmd.args)
            if any(type(arg) is not int for arg in args):
                raise _Unrecordable
            operands: list[Any] = []
            renewed: list[tuple[int, int]] = []
            for index, op in enumerate(cmd.operands):
                op_kind = type(op)
                if op_kind in _MUTABLE:
                    ordinal = arrays.get(id(op))
                    if ordinal is None:
                        fields = dict(vars(op))
                        if any(type(v) not in _VALUES for v in fields.values()):
                            raise _Unrecordable
                        ordinal = arrays[id(op)] = len(self._arrays)
                        self._arrays.append((op_kind, fields))
                    renewed.append((index, ordinal))
                    operands.append(None)
                elif op_kind in _VALUES or (isinstance(op, IntEnum) and type(op._value_) is int):
                    operands.append(op)
                else:
                    raise _Unrecordable
            self._steps.append(
                (ICmd, cmd.instruction, args, tuple(operands), tuple(renewed), cmd.lineno)
            )

    def copy(self) -> list[Any]:
        """The commands, made anew."""
        arrays: list[Any] = []
        for kind, fields in self._arrays:
            array: Any = object.__new__(kind)
            array.__dict__.update(fields)
            arrays.append(array)
        made: list[Any] = []
        append = made.append
        new = object.__new__
        for step in self._steps:
            if type(step) is int:
                append(made[step])
            elif step[0] is ICmd:
                _, instruction, args, operands, renewed, lineno = step
                cmd = new(ICmd)
                ops = list(operands)
                for index, ordinal in renewed:
                    ops[index] = arrays[ordinal]
                cmd.__dict__ = {
                    "instruction": instruction, "args": list(args), "operands": ops,
                    "lineno": lineno,
                }
                append(cmd)
            else:
                label = new(BranchLabel)
                label.__dict__ = {"name": step[1], "lineno": step[2]}
                append(label)
        return made


def _snapshot(builder: Any) -> dict[str, Any]:
    """The builder state a correction call must leave as it is (shallow copies)."""
    others = {k: v for k, v in vars(builder).items() if k not in _REPLAYED}
    memory = {
        k: (v.copy() if isinstance(v, (list, dict, set)) else v)
        for k, v in vars(builder._mem_mgr).items()
        if k != "_active_registers"
    }
    return {
        "others": others,
        "memory": memory,
        "pre_context": dict(builder._pre_context_commands),
    }


def _unchanged(before: dict[str, Any], builder: Any) -> bool:
    others = {k: v for k, v in vars(builder).items() if k not in _REPLAYED}
    if others.keys() != before["others"].keys():
        return False
    if any(others[k] is not v for k, v in before["others"].items()):
        return False
    memory = {k: v for k, v in vars(builder._mem_mgr).items() if k != "_active_registers"}
    if memory != before["memory"]:
        return False
    pre_context = builder._pre_context_commands
    return pre_context.keys() == before["pre_context"].keys() and all(
        pre_context[k] is v for k, v in before["pre_context"].items()
    )


class CorrectionMemo:
    """Recorded correction calls by their inputs (bounded; oldest dropped first)."""

    def __init__(self, max_entries: int = 256, max_labels: int = 64) -> None:
        self.max_entries = max_entries
        self.max_labels = max_labels
        self._entries: dict[Any, _Recording] = {}
        self._lock = threading.Lock()
        #: Calls replayed, recorded, and run through the SDK without recording.
        self.hits = self.misses = self.unrecorded = 0

    def run(self, builder: Any, inputs: tuple[Any, ...], build: Callable[[], None]) -> None:
        """Append what ``build()`` would append to ``builder``'s pending commands.

        ``inputs`` must hold everything besides the builder's registers,
        labels and class that ``build`` reads.
        """
        labels = builder._label_mgr._labels
        active = builder._mem_mgr._active_registers
        if builder._track_lines or len(labels) > self.max_labels:
            self.unrecorded += 1
            build()
            return
        key = (type(builder), inputs, frozenset(labels), frozenset(active))
        found = self._entries.get(key)
        if found is not None:
            self.hits += 1
            builder._pending_commands.extend(found.commands.copy())
            labels.update(found.labels)
            active.clear()
            active.update(found.active_after)
            builder._next_context_id += found.context_ids
            return
        recording = self._record(builder, build)
        if recording is None:
            self.unrecorded += 1
            return
        self.misses += 1
        with self._lock:
            if len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = recording

    @staticmethod
    def _record(builder: Any, build: Callable[[], None]) -> _Recording | None:
        pending = list(builder._pending_commands)
        labels = set(builder._label_mgr._labels)
        context_id = builder._next_context_id
        before = _snapshot(builder)
        label_mgr, mem_mgr = builder._label_mgr, builder._mem_mgr
        build()
        after = builder._pending_commands
        if (
            builder._label_mgr is not label_mgr
            or builder._mem_mgr is not mem_mgr
            or len(after) < len(pending)
            or any(a is not b for a, b in zip(after, pending, strict=False))
            or not _unchanged(before, builder)
        ):
            return None
        appended = after[len(pending):]
        # A copy must not cut links to objects the call did not make.
        seen_before = {id(c) for c in pending}
        seen_before.update(id(op) for c in pending if type(c) is ICmd for op in c.operands
                           if type(op) in _MUTABLE)
        if any(
            id(c) in seen_before
            or (type(c) is ICmd and any(id(op) in seen_before for op in c.operands))
            for c in appended
        ):
            return None
        try:
            commands = CommandTemplate(appended)
        except _Unrecordable:
            return None
        return _Recording(
            commands,
            tuple(sorted(builder._label_mgr._labels - labels)),
            frozenset(mem_mgr._active_registers),
            builder._next_context_id - context_id,
        )


#: The memo all CorrectingBuilders share (recordings depend on nothing per simulation).
corrections = CorrectionMemo()
