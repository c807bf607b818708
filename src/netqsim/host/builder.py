"""The NetQASM SDK's Builder, with the receiver's Bell-state correction on the right qubit.

After ``recv_keep``, the SDK compiles, per pair, a correction that turns the
heralded Bell state into the one the program expects. netqasm 2.x loads the
pair's virtual qubit id and then overwrites it with 0, so the correction hits
virtual qubit 0 whatever qubit received the pair -- right only on devices
with a single communication qubit (NV), where the pair always lands in
qubit 0. This builder applies the correction to the qubit that received it.

It also waits for the pairs of a program that registered a single qubit
(``max_qubits=1``, common in SquidASM programs): netqasm then assumes one
communication qubit and no memory, and emits neither a wait for the pair nor
its correction, so the program would use a qubit that has not arrived yet.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from netqasm.lang.encoding import REG_INDEX_BITS, RegisterName
from netqasm.lang.ir import BranchLabel, ICmd
from netqasm.lang.operand import Register
from netqasm.qlink_compat import EPRRole, EPRType
from netqasm.sdk.builder import Builder
from netqasm.sdk.futures import RegFuture
from netqasm.sdk.memmgr import MemoryManager
from netqasm.sdk.qubit import FutureQubit
from netqasm.typedefs import T_Cmd

from netqsim.host.correction_memo import corrections


class CorrectingBuilder(Builder):
    """A Builder whose receive-side Bell corrections target the received qubit."""

    # The SDK re-adds every pending command one by one each time an if-context
    # or loop closes (the receiver's corrections close many), asking the line
    # tracker for a line each time; with line tracking off that only appends.
    def subrt_add_pending_commands(self, commands: list[T_Cmd]) -> None:
        if self._track_lines:
            super().subrt_add_pending_commands(commands)
            return
        for command in commands:
            if type(command) is not ICmd and not isinstance(command, (ICmd, BranchLabel)):
                raise AssertionError(f"not a pending command: {command!r}")
        self._pending_commands.extend(commands)

    def subrt_add_pending_command(self, command: T_Cmd) -> None:
        if self._track_lines:
            super().subrt_add_pending_command(command)
            return
        if type(command) is not ICmd and not isinstance(command, (ICmd, BranchLabel)):
            raise AssertionError(f"not a pending command: {command!r}")
        self._pending_commands.append(command)

    def pop_pending_commands(self) -> list[T_Cmd] | None:
        """The commands :meth:`subrt_pop_pending_subroutine` would return wrapped, or None.

        Array set-up and register returns added, pending commands taken, as
        the SDK does; without the ``ProtoSubroutine``, whose constructor scans
        every operand (the compile cache builds it only when it compiles).
        """
        self._build_cmds_allocated_arrays()
        self._build_cmds_return_registers()
        if not self._pending_commands:
            return None
        return self.subrt_pop_all_pending_commands()

    def _single_comm_qubit(self) -> bool:
        return self._hardware_config.comm_qubit_count == 1  # type: ignore[union-attr]

    def _wait_for_pairs(self, wait_all: bool, params: Any) -> bool:
        only_one_qubit = (
            self._single_comm_qubit()
            and self._hardware_config.mem_qubit_count == 0  # type: ignore[union-attr]
        )
        return wait_all or (only_one_qubit and params.post_routine is None)

    def _build_cmds_epr_create_keep(
        self, create_args_array: Any, qubit_ids_array: Any, ent_results_array: Any,
        wait_all: bool, params: Any,
    ) -> None:
        super()._build_cmds_epr_create_keep(
            create_args_array, qubit_ids_array, ent_results_array,
            self._wait_for_pairs(wait_all, params), params,
        )

    def _build_cmds_epr_recv_keep(
        self, qubit_ids_array: Any, ent_results_array: Any, wait_all: bool, params: Any
    ) -> None:
        super()._build_cmds_epr_recv_keep(
            qubit_ids_array, ent_results_array, self._wait_for_pairs(wait_all, params), params
        )

    def _build_cmds_epr_keep_corrections(
        self, qubit_ids_array: Any, ent_results_array: Any, params: Any
    ) -> None:
        # The SDK's construction is costly and its result a function of these
        # inputs (and of the builder's registers and labels): recorded once.
        inputs = self._correction_inputs(qubit_ids_array, ent_results_array, params)
        if inputs is None:
            self._build_corrections_with_sdk(qubit_ids_array, ent_results_array, params)
            return
        corrections.run(
            self, inputs,
            lambda: self._build_corrections_with_sdk(qubit_ids_array, ent_results_array, params),
        )

    def _correction_inputs(
        self, qubit_ids_array: Any, ent_results_array: Any, params: Any
    ) -> tuple[Any, ...] | None:
        """What the correction commands depend on besides registers and labels, or None."""
        values = (
            qubit_ids_array._address, qubit_ids_array._length,
            ent_results_array._address, ent_results_array._length, params.number,
        )
        if any(type(v) is not int for v in values) or not (
            qubit_ids_array._connection is self._connection
            and ent_results_array._connection is self._connection
            and type(params.expect_phi_plus) is bool
            and type(params.expect_psi_plus) is bool
            and isinstance(params.axes_local, Enum)
        ):
            return None
        return (
            self._single_comm_qubit(), *values,
            params.expect_phi_plus, params.expect_psi_plus, params.axes_local,
        )

    def _build_corrections_with_sdk(
        self, qubit_ids_array: Any, ent_results_array: Any, params: Any
    ) -> None:
        if self._single_comm_qubit():
            super()._build_cmds_epr_keep_corrections(qubit_ids_array, ent_results_array, params)
            return
        qubit_reg = self._mem_mgr.get_inactive_register(activate=True)
        bell_state_reg = self._mem_mgr.get_inactive_register(activate=True)
        loop_register = self._mem_mgr.get_inactive_register()

        def correct_pair(conn: Any, index: Any) -> None:
            load = qubit_ids_array.get_future_index(index).get_load_commands(qubit_reg)
            self.subrt_add_pending_commands(load)
            bell_state = self._get_raw_bell_state(ent_results_array, index, bell_state_reg)
            self._build_cmds_epr_keep_corrections_single_pair(bell_state, qubit_reg, params)

        self._build_cmds_loop_body(correct_pair, stop=params.number, loop_register=loop_register)
        self._mem_mgr.remove_active_register(qubit_reg)
        self._mem_mgr.remove_active_register(bell_state_reg)

    def _build_cmds_post_epr(
        self, qubit_ids: Any, params: Any, ent_results_array: Any, tp: EPRType, role: EPRRole
    ) -> None:
        """Per pair: wait for it, correct it (receiver), then run the post routine."""
        if self._single_comm_qubit():
            super()._build_cmds_post_epr(qubit_ids, params, ent_results_array, tp, role)
            return
        loop_register = self._mem_mgr.get_inactive_register(activate=True)
        qubit_reg = self._mem_mgr.get_inactive_register(activate=True)
        bell_state_reg = self._mem_mgr.get_inactive_register(activate=True)
        correct = (params.expect_phi_plus or params.expect_psi_plus) and role == EPRRole.RECV

        def each_pair(conn: Any, index: Any) -> None:
            conn.builder._add_wait_for_ent_info_cmd(
                ent_results_array=ent_results_array, pair=loop_register
            )
            qubit_id = qubit_ids.get_future_index(loop_register)
            if correct:
                self.subrt_add_pending_commands(qubit_id.get_load_commands(qubit_reg))
                bell_state = self._get_raw_bell_state(ent_results_array, index, bell_state_reg)
                self._build_cmds_epr_keep_corrections_single_pair(bell_state, qubit_reg, params)
            params.post_routine(
                self, FutureQubit(conn=conn, future_id=qubit_id),
                RegFuture(self._connection, loop_register),
            )

        self._build_cmds_loop_body(each_pair, stop=params.number, loop_register=loop_register)
        self._mem_mgr.remove_active_register(loop_register)
        self._mem_mgr.remove_active_register(qubit_reg)
        self._mem_mgr.remove_active_register(bell_state_reg)


#: All measurement registers unused; copying a dict reuses its keys' hashes.
_M_UNUSED = dict.fromkeys((Register(RegisterName.M, i) for i in range(16)), False)
_R_REGISTERS = tuple(Register(RegisterName.R, i) for i in range(2**REG_INDEX_BITS))


class LeanMemoryManager(MemoryManager):
    """netqasm's MemoryManager with its per-flush bookkeeping done without re-parsing.

    The SDK's manager parses ``"R0"``, ``"R1"``, ... to find a free register and
    builds 16 ``M`` registers at every reset; registers are frozen values, so
    prebuilt ones are equal in every respect. Same choices, same order.
    """

    def reset_used_meas_registers(self) -> None:
        self._used_meas_registers = _M_UNUSED.copy()

    def get_inactive_register(self, activate: bool = False) -> Register:
        active = self._active_registers
        for register in _R_REGISTERS:
            if register not in active:
                if activate:
                    active.add(register)
                return register
        raise RuntimeError("could not find an available loop register")



#: The attributes netqasm's MemoryManager constructor sets (renewed below).
MEMORY_MANAGER_STATE = frozenset({
    "_active_qubits", "_active_registers", "_used_meas_registers", "_registers_to_return",
    "_used_array_addresses", "_arrays_to_return",
})


def fresh_memory_manager(kind: type[MemoryManager]) -> MemoryManager:
    """A memory manager of class ``kind`` in the state netqasm's constructor gives it."""
    manager = object.__new__(kind)
    manager.__dict__.update(
        _active_qubits=[],
        _active_registers=set(),
        _used_meas_registers=_M_UNUSED.copy(),
        _registers_to_return=[],
        _used_array_addresses=[],
        _arrays_to_return=[],
    )
    return manager
