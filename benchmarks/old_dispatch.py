"""The executor's previous dispatch path, kept as a baseline for the benchmarks.

Until issue 11, ``NodeExecutor`` ran every instruction through netqasm's
``Executor._execute_command``: an isinstance chain, a per-instruction
``inc_program_counter`` generator wrapper and debug messages formatted for
every instruction. :class:`NetqasmDispatchExecutor` restores that path on top
of today's ``NodeExecutor`` (same processor, same EPR bookkeeping), without
the subroutine checks, so a benchmark can time old and new in one process:

    with old_dispatch():
        netqsim.run(...)   # every node runs the old path
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from netqasm.backend.executor import inc_program_counter
from netqasm.backend.messages import ReturnArrayMessage, ReturnRegMessage
from netqasm.lang import operand
from netqasm.lang.operand import Address
from netqasm.lang.subroutine import Subroutine

from netqsim.qnodeos.controller import NodeController
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.executor import NodeExecutor
from netqsim.qnodeos.measure import MEAS_BASIS_AXES, measurement_basis
from netqsim.qnodeos.wire import check_int32

Gen = Generator[Any, Any, Any]


class NetqasmDispatchExecutor(NodeExecutor):
    """``NodeExecutor`` running instructions through netqasm's handlers (the old path)."""

    def execute(self, app_id: int, instructions: list[Any]) -> Gen:
        # As before: the controller wrapped every body in a netqasm Subroutine.
        yield from self.execute_subroutine(Subroutine(instructions=list(instructions),
                                                      app_id=app_id))

    def _execute_commands(self, subroutine_id: int, commands: list[Any]) -> Gen:
        counters = self._program_counters
        execute = self._execute_timed if self._instr_proc_time else self._execute_command
        while counters[subroutine_id] < len(commands):
            pc = counters[subroutine_id]
            command = commands[pc]
            try:
                yield from execute(subroutine_id, command)
            except InstructionError:
                raise
            except Exception as exc:
                app_id = self._subroutines[subroutine_id].app_id
                self._clear_subroutine(subroutine_id)
                raise InstructionError(
                    self.name, app_id, self._sim.now, f"instruction {pc} '{command}'", exc
                ) from exc

    def _execute_timed(self, subroutine_id: int, command: Any) -> Gen:
        yield self._sim.timeout(self._instr_proc_time)
        yield from self._execute_command(subroutine_id, command)

    def _get_instruction_handlers(self) -> dict[str, Callable[..., Any]]:
        handlers = super()._get_instruction_handlers()
        for mnemonic in MEAS_BASIS_AXES:
            handlers[mnemonic] = self._instr_meas_basis
        handlers["breakpoint"] = self._instr_breakpoint
        return handlers

    def _update_shared_memory(self, app_id: int, entry: Any, value: Any) -> None:
        if isinstance(entry, operand.Register):
            check_int32(value, f"register {entry}")
            self._returns[app_id].append(ReturnRegMessage(register=entry.cstruct, value=value))
        else:
            self._returns[app_id].append(ReturnArrayMessage(entry.address, list(value)))
            self._returned_arrays[app_id].add(entry.address)

    def _set_array_entry(self, app_id: int, array_entry: Any, value: int | None) -> None:
        if value is not None:
            check_int32(value, f"value stored in array entry {array_entry}")
        super()._set_array_entry(app_id, array_entry, value)
        self._dirty_arrays[app_id].add(array_entry.address.address)

    def _initialize_array(self, app_id: int, address: Address, length: int) -> None:
        super()._initialize_array(app_id, address, length)
        self._dirty_arrays[app_id].add(address.address)

    def _do_single_qubit_instr(self, instr: Any, subroutine_id: int, address: int) -> Gen:
        position = self._get_position(subroutine_id, address)
        if instr.mnemonic == "init":
            yield from self._processor.init(position)
        else:
            yield from self._processor.gate(instr.mnemonic, (position,))

    def _do_single_qubit_rotation(
        self, instr: Any, subroutine_id: int, address: int, angle: float
    ) -> Gen:
        position = self._get_position(subroutine_id, address)
        yield from self._processor.gate(instr.mnemonic, (position,), angle=angle)

    def _do_controlled_qubit_rotation(
        self, instr: Any, subroutine_id: int, address1: int, address2: int, angle: float
    ) -> Gen:
        positions = (
            self._get_position(subroutine_id, address1),
            self._get_position(subroutine_id, address2),
        )
        yield from self._processor.gate(instr.mnemonic, positions, angle=angle)

    def _do_two_qubit_instr(
        self, instr: Any, subroutine_id: int, address1: int, address2: int
    ) -> Gen:
        positions = (
            self._get_position(subroutine_id, address1),
            self._get_position(subroutine_id, address2),
        )
        yield from self._processor.gate(instr.mnemonic, positions)

    def _do_meas(self, subroutine_id: int, q_address: int) -> Gen:
        position = self._get_position(subroutine_id, q_address)
        outcome = yield from self._processor.measure(position)
        return outcome

    @inc_program_counter
    def _instr_meas_basis(self, subroutine_id: int, instr: Any) -> Gen:
        app_id = self._get_app_id(subroutine_id)
        address = self._get_register(app_id, instr.qreg)
        position = self._get_position(subroutine_id, address)  # type: ignore[arg-type]
        denominator = 2 ** instr.angle_denom.value
        angles = tuple(
            math.pi * imm.value / denominator for imm in (instr.imm0, instr.imm1, instr.imm2)
        )
        basis = measurement_basis(MEAS_BASIS_AXES[instr.mnemonic], angles)  # type: ignore[arg-type]
        outcome = yield from self._processor.measure(position, basis=basis)
        self._set_register(app_id, instr.creg, outcome)
        return outcome

    @inc_program_counter
    def _instr_breakpoint(self, subroutine_id: int, instr: Any) -> None:
        if self.breakpoint_hook is not None:
            self.breakpoint_hook(
                self, self._get_app_id(subroutine_id), instr.action.value, instr.role.value
            )


@contextmanager
def old_dispatch() -> Iterator[None]:
    """Every node controller built inside the block uses :class:`NetqasmDispatchExecutor`."""
    original = NodeController.__dict__["_get_executor_class"]
    NodeController._get_executor_class = classmethod(  # type: ignore[method-assign,assignment]
        lambda cls, flavour=None: NetqasmDispatchExecutor
    )
    try:
        yield
    finally:
        NodeController._get_executor_class = original  # type: ignore[method-assign]
