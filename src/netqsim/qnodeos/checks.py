"""Rules a subroutine must follow, checked before it runs and while it runs.

netqasm's executor trusts its input: negative indices wrap around Python lists,
a branch past the end ends a subroutine silently, a loop never ends. A node
controller must refuse such subroutines with an error that names the
instruction and the rule, so the checks live here:

* :func:`check_subroutine` -- the static rules, on the decoded instructions
  before the first one runs (branch targets, array addresses, instruction set);
* :class:`RuleViolation` and its subclasses -- what the executor raises when a
  rule that depends on run-time values is broken (register set before it is
  read, array indices and lengths, qubit addresses, the instruction budget);
* :class:`SubroutineLimits` -- the configurable bounds (stack config keys
  ``max_instructions_per_subroutine`` and ``max_array_entries``).
"""

from __future__ import annotations

from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from netqasm.lang.instr import core
from netqasm.lang.operand import Address, ArrayEntry, ArraySlice

from netqsim.config.network import (
    DEFAULT_MAX_ARRAY_ENTRIES,
    DEFAULT_MAX_INSTRUCTIONS_PER_SUBROUTINE,
)

#: Largest d of a rotation angle n * pi / 2**d. The SDK writes angles with d up
#: to about 45 (31-bit numerators, tolerance 1e-4); a d of 2**31 would make the
#: executor compute a number with two billion bits.
MAX_ANGLE_DENOMINATOR = 64


@dataclass(frozen=True)
class SubroutineLimits:
    """Bounds on the work one subroutine may cause on a node."""

    #: Instructions one subroutine may execute (each loop iteration counts).
    max_instructions: int = DEFAULT_MAX_INSTRUCTIONS_PER_SUBROUTINE
    #: Array entries one application may hold, over all its arrays.
    max_array_entries: int = DEFAULT_MAX_ARRAY_ENTRIES

    def __post_init__(self) -> None:
        for name in ("max_instructions", "max_array_entries"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, not {value!r}")


class RuleViolation(Exception):
    """A subroutine broke one of the executor's rules; ``rule`` names it."""

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(f"{message} (rule: {rule})")


class ArrayIndexError(RuleViolation, IndexError):
    """An array index or slice outside the array."""


class QubitAddressError(RuleViolation, IndexError):
    """A virtual qubit address outside the application's unit module."""


class UnsetRegisterError(RuleViolation, ValueError):
    """A register read before anything set it."""


class ArrayLimitError(RuleViolation, MemoryError):
    """An array longer than allowed, or more entries than an application may hold."""


class BudgetExceeded(RuleViolation, RuntimeError):
    """A subroutine ran more instructions than its budget allows."""


class UnfillableWait(RuleViolation, RuntimeError):
    """A ``wait_*`` on entries nothing will ever write."""


class StaticCheckError(RuleViolation, ValueError):
    """A rule broken by the instructions themselves, found before the subroutine runs.

    ``index`` is the position of the offending instruction in the subroutine.
    """

    def __init__(self, index: int, rule: str, message: str) -> None:
        self.index = index
        super().__init__(rule, message)


def _check_constant_length(index: int, previous: Any, array: Any, limit: int) -> None:
    if not (isinstance(previous, core.SetInstruction) and previous.reg == array.size):
        return
    length = previous.imm.value
    if length < 0:
        raise StaticCheckError(
            index, "array-length",
            f"array {array.address} cannot have a negative length ({length})",
        )
    if length > limit:
        raise StaticCheckError(
            index, "array-size",
            f"array {array.address} of {length} entries is longer than the limit of {limit} "
            "array entries per application (stack config key 'max_array_entries')",
        )


def _addresses(instr: Any) -> Iterator[Address]:
    for value in vars(instr).values():
        if isinstance(value, Address):
            yield value
        elif isinstance(value, (ArrayEntry, ArraySlice)):
            yield value.address


def check_subroutine(
    instructions: Sequence[Any],
    supported: Container[type] | None = None,
    limits: SubroutineLimits | None = None,
) -> None:
    """Raise :class:`StaticCheckError` for the first instruction that breaks a static rule.

    Rules: ``branch-target`` (a jump or branch goes to an instruction of the
    subroutine, or to its end: 0 <= target <= number of instructions);
    ``array-address`` (array addresses are >= 0); ``instruction-set`` (every
    instruction's class is in ``supported``, when given); ``array-length`` and
    ``array-size`` for an ``array`` whose length a ``set`` right before it
    fixes (how compiled programs make arrays): not negative, not above
    ``limits.max_array_entries``; ``angle-denominator`` (a rotation angle
    n * pi / 2**d has 0 <= d <= :data:`MAX_ANGLE_DENOMINATOR`).
    """
    end = len(instructions)
    branches = (core.JmpInstruction, core.BranchUnaryInstruction, core.BranchBinaryInstruction)
    targets = {i.line.value for i in instructions if isinstance(i, branches)}
    limit = (limits or SubroutineLimits()).max_array_entries
    for index, instr in enumerate(instructions):
        if isinstance(instr, core.ArrayInstruction) and index not in targets and index > 0:
            _check_constant_length(index, instructions[index - 1], instr, limit)
        if supported is not None and type(instr) not in supported:
            raise StaticCheckError(
                index, "instruction-set", f"this node cannot execute {type(instr).__name__}"
            )
        if isinstance(instr, branches):
            target = instr.line.value
            if not 0 <= target <= end:
                raise StaticCheckError(
                    index, "branch-target",
                    f"branch target {target} is outside the subroutine (instructions 0 to "
                    f"{end - 1}; {end} ends it)",
                )
        denominator = getattr(instr, "angle_denom", None)
        if denominator is not None and not 0 <= denominator.value <= MAX_ANGLE_DENOMINATOR:
            raise StaticCheckError(
                index, "angle-denominator",
                f"angle denominator exponent {denominator.value} is outside 0 to "
                f"{MAX_ANGLE_DENOMINATOR} (angles are n * pi / 2**d)",
            )
        for address in _addresses(instr):
            if not isinstance(address.address, int) or address.address < 0:
                raise StaticCheckError(
                    index, "array-address",
                    f"array address {address.address} is not a non-negative integer",
                )


__all__ = [
    "MAX_ANGLE_DENOMINATOR",
    "ArrayIndexError",
    "ArrayLimitError",
    "BudgetExceeded",
    "QubitAddressError",
    "RuleViolation",
    "StaticCheckError",
    "SubroutineLimits",
    "UnfillableWait",
    "UnsetRegisterError",
    "check_subroutine",
]
