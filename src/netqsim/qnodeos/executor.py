"""The node controller's executor: runs NetQASM subroutines on a processor.

Builds on :class:`netqasm.backend.executor.Executor`, which interprets the
classical instruction set, keeps registers, arrays and qubit mappings per
application, and does the EPR bookkeeping. This subclass adds what a
simulated node needs: quantum instructions that run on the node's
:class:`~netqsim.hardware.QuantumProcessor` in simulated time, a per-instruction
processing time, the instructions netqasm leaves out (``meas_basis*``,
``breakpoint``), real waiting (``wait_*``), a bounded qubit supply
(out of qubits is an error), and error reports that name the instruction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from typing import Any

import numpy as np
from netqasm.backend.executor import Executor, inc_program_counter
from netqasm.backend.messages import ReturnArrayMessage, ReturnRegMessage
from netqasm.lang import instr as ins
from netqasm.lang import operand
from netqasm.lang.instr import NetQASMInstruction
from netqasm.lang.operand import Address

from netqsim.hardware.errors import NoQubitError, UnsupportedInstruction
from netqsim.kernel import Event, Simulator
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.wire import check_int32

Gen = Generator[Any, Any, Any]

_PAULI = {
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.array([[1, 0], [0, -1]], dtype=complex),
}
# Axes of the three rotations of each meas_basis variant.
_MEAS_BASIS_AXES = {"meas_basis": "XYX", "meas_basis_yzy": "YZY", "meas_basis_zxz": "ZXZ"}


def _rotation(axis: str, angle: float) -> np.ndarray:
    return math.cos(angle / 2) * np.eye(2) - 1j * math.sin(angle / 2) * _PAULI[axis]


def measurement_basis(axes: str, angles: tuple[float, float, float]) -> np.ndarray:
    """The unitary U whose columns are the basis of a ``meas_basis`` measurement.

    NetQASM rotates by ``axes[0]`` first, then ``axes[1]``, then ``axes[2]``,
    and measures Z: that is a measurement in the basis ``R^dagger |k>``.
    """
    rot = _rotation(axes[2], angles[2]) @ _rotation(axes[1], angles[1]) @ _rotation(
        axes[0], angles[0]
    )
    return rot.conj().T  # type: ignore[no-any-return]


class NodeExecutor(Executor):
    """Executes the subroutines of every application on one node.

    Quantum instructions go to ``processor`` and take its simulated time; every
    instruction also costs ``instr_proc_time`` ns of classical processing.
    Values the host must see (``ret_reg``, ``ret_arr``, and arrays a subroutine
    modified) are collected per application and taken by the controller with
    :meth:`take_returns` when the subroutine ends.
    """

    def __init__(
        self,
        name: str,
        node_id: int,
        sim: Simulator,
        processor: Any,
        instr_proc_time: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        self._node_id = node_id
        self._sim = sim
        self._processor = processor
        self._instr_proc_time = float(instr_proc_time)
        self._returns: dict[int, list[Any]] = {}
        self._returned_arrays: dict[int, set[int]] = {}
        self._dirty_arrays: dict[int, set[int]] = {}
        self._array_waiters: list[Event] = []
        #: Called as ``hook(executor, app_id, action, role)`` on ``breakpoint``.
        self.breakpoint_hook: Callable[[NodeExecutor, int, int, int], None] | None = None

    # -- identity and time -----------------------------------------------------
    @property
    def node_id(self) -> int:
        """The node's id in the network (its index in the config's stacks)."""
        return self._node_id

    @property
    def processor(self) -> Any:
        """The quantum processor this executor drives."""
        return self._processor

    def _get_simulated_time(self) -> int:
        return int(self._sim.now)

    # -- applications -------------------------------------------------------------
    def init_new_application(self, app_id: int, max_qubits: int) -> None:
        if app_id in self._registers:
            raise ValueError(f"application id {app_id} is already registered on this node")
        super().init_new_application(app_id, max_qubits)
        self._returns[app_id] = []
        self._returned_arrays[app_id] = set()
        self._dirty_arrays[app_id] = set()

    def stop_application(self, app_id: int) -> Gen:
        yield from super().stop_application(app_id)
        self._returns.pop(app_id, None)
        self._returned_arrays.pop(app_id, None)
        self._dirty_arrays.pop(app_id, None)

    def has_application(self, app_id: int) -> bool:
        """True if ``app_id`` is registered (between InitNewApp and StopApp)."""
        return app_id in self._registers

    # The host keeps its own shared memory, filled from the return messages.
    def _new_shared_memory(self, app_id: int) -> None:
        pass

    def _clear_shared_memory(self, app_id: int) -> None:
        pass

    def _update_shared_memory(self, app_id: int, entry: Any, value: Any) -> None:
        if isinstance(entry, operand.Register):
            check_int32(value, f"register {entry}")
            self._returns[app_id].append(ReturnRegMessage(register=entry.cstruct, value=value))
        elif isinstance(entry, Address):
            self._returns[app_id].append(ReturnArrayMessage(entry.address, list(value)))
            self._returned_arrays[app_id].add(entry.address)
        else:
            raise TypeError(f"cannot return {entry!r} to the host")

    def take_returns(self, app_id: int) -> list[Any]:
        """The return messages of the subroutine that just ended, in order.

        Arrays the subroutine modified but did not return explicitly are
        returned too: a SquidASM program sees every change to its arrays.
        """
        returns = self._returns.get(app_id, [])
        arrays = self._app_arrays.get(app_id)
        returned = self._returned_arrays.get(app_id, set())
        for address in sorted(self._dirty_arrays.get(app_id, set()) - returned):
            if arrays is not None and arrays.has_array(address):
                returns.append(ReturnArrayMessage(address, list(arrays._get_array(address))))
        self._returns[app_id] = []
        if app_id in self._dirty_arrays:
            self._dirty_arrays[app_id] = set()
            self._returned_arrays[app_id] = set()
        return returns

    # -- arrays: remember what changed, wake up waiters --------------------------
    def _set_array_entry(self, app_id: int, array_entry: Any, value: int | None) -> None:
        if value is not None:  # arrays go to the host as 32-bit integers
            check_int32(value, f"value stored in array entry {array_entry}")
        super()._set_array_entry(app_id, array_entry, value)
        self._dirty_arrays[app_id].add(array_entry.address.address)

    def _initialize_array(self, app_id: int, address: Address, length: int) -> None:
        super()._initialize_array(app_id, address, length)
        self._dirty_arrays[app_id].add(address.address)

    def _store_ent_info(self, epr_cmd_data: Any, response: Any, pair_index: int) -> None:
        super()._store_ent_info(epr_cmd_data, response, pair_index)
        app_id = self._get_app_id(epr_cmd_data.subroutine_id)
        self._dirty_arrays[app_id].add(epr_cmd_data.ent_results_array_address)
        self.notify_arrays_changed()

    def notify_arrays_changed(self) -> None:
        """Wake up every ``wait_*`` instruction so it re-checks its array."""
        waiters, self._array_waiters = self._array_waiters, []
        for event in waiters:
            event.succeed()

    def _do_wait(self) -> Gen:
        event = self._sim.event("array entries to be written (wait_all/wait_any/wait_single)")
        self._array_waiters.append(event)
        yield event

    # -- running subroutines ------------------------------------------------------
    def _execute_commands(self, subroutine_id: int, commands: list[NetQASMInstruction]) -> Gen:
        counters = self._program_counters
        # Without a processing time (the default) instructions run directly,
        # saving a generator layer per instruction.
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

    def _execute_timed(self, subroutine_id: int, command: NetQASMInstruction) -> Gen:
        """One instruction after its classical processing time."""
        yield self._sim.timeout(self._instr_proc_time)
        yield from self._execute_command(subroutine_id, command)

    def _get_instruction_handlers(self) -> dict[str, Callable[..., Any]]:
        handlers = super()._get_instruction_handlers()
        for mnemonic in _MEAS_BASIS_AXES:
            handlers[mnemonic] = self._instr_meas_basis
        handlers["breakpoint"] = self._instr_breakpoint
        return handlers

    # -- qubit allocation ---------------------------------------------------------
    def _get_unused_physical_qubit(self) -> int:
        for position in range(self._processor.num_positions):
            if position not in self._used_physical_qubit_addresses:
                self._used_physical_qubit_addresses.add(position)
                return position
        raise NoQubitError(
            f"all {self._processor.num_positions} qubits of node {self.name!r} are in use"
        )

    def _allocate_physical_qubit(
        self, subroutine_id: int, virtual_address: int, physical_address: int | None = None
    ) -> int:
        if physical_address is None and self._processor.identity_mapping:
            # NV: the transpiled program addresses the electron as qubit 0, so
            # virtual qubit i must live at position i.
            if virtual_address >= self._processor.num_positions:
                raise NoQubitError(
                    f"node {self.name!r} has no qubit position {virtual_address} "
                    f"(it has {self._processor.num_positions})"
                )
            if virtual_address in self._used_physical_qubit_addresses:
                raise NoQubitError(
                    f"qubit position {virtual_address} of node {self.name!r} is in use"
                )
            self._used_physical_qubit_addresses.add(virtual_address)
            physical_address = virtual_address
        position = super()._allocate_physical_qubit(
            subroutine_id, virtual_address, physical_address
        )
        return int(position)

    def _clear_phys_qubit_in_memory(self, physical_address: int) -> Gen:
        self._processor.free(physical_address)
        if self.network_stack is not None:
            self.network_stack.qubit_freed()  # type: ignore[attr-defined]
            # an EPR half held back because its virtual qubit was in use may fit now
            self._handle_pending_epr_responses()
        return
        yield  # a generator, as the base class expects

    # -- positions for the network stack --------------------------------------------
    def position_is_free(self, position: int) -> bool:
        """True if no application qubit and no reservation uses ``position``."""
        return (
            position not in self._used_physical_qubit_addresses
            and not self._processor.is_in_use(position)
        )

    def reserve_position(self, position: int) -> None:
        """Keep ``position`` for an EPR half about to be delivered."""
        self._used_physical_qubit_addresses.add(position)

    def release_position(self, position: int) -> None:
        """Give back a reserved position (its qubit was measured directly)."""
        self._used_physical_qubit_addresses.discard(position)

    def handle_epr_response(self, response: Any) -> None:
        """A link-layer result for one pair: fills the request's result array."""
        self._handle_epr_response(response)

    def _wait_to_handle_epr_responses(self) -> None:
        # netqasm retries at once, recursing forever when a response cannot be
        # placed yet; here the retry happens when a receive or a qfree arrives.
        pass

    # -- quantum instructions -----------------------------------------------------------
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
    def _instr_meas_basis(self, subroutine_id: int, instr: ins.core.MeasBasisInstruction) -> Gen:
        """``meas_basis*``: measure in the basis given by three rotations."""
        app_id = self._get_app_id(subroutine_id)
        address = self._get_register(app_id, instr.qreg)
        position = self._get_position(subroutine_id, address)  # type: ignore[arg-type]
        denominator = 2 ** instr.angle_denom.value
        # imm0..imm2: the three angle numerators, in rotation order. The property
        # names differ per variant (angle_num_x1 / angle_num_y1 / angle_num_z1, ...).
        angles = tuple(
            math.pi * imm.value / denominator for imm in (instr.imm0, instr.imm1, instr.imm2)
        )
        basis = measurement_basis(_MEAS_BASIS_AXES[instr.mnemonic], angles)  # type: ignore[arg-type]
        outcome = yield from self._processor.measure(position, basis=basis)
        self._set_register(app_id, instr.creg, outcome)
        return outcome

    @inc_program_counter
    def _instr_breakpoint(
        self, subroutine_id: int, instr: ins.core.BreakpointInstruction
    ) -> None:
        """``breakpoint``: hand the node's state to the breakpoint hook, if any."""
        if self.breakpoint_hook is not None:
            self.breakpoint_hook(
                self, self._get_app_id(subroutine_id), instr.action.value, instr.role.value
            )

    # -- entanglement without a network stack ------------------------------------------
    def _require_network_stack(self, remote_node_id: int) -> None:
        if self.network_stack is None:
            raise UnsupportedInstruction(
                f"node {self.name!r} has no entanglement link to node id {remote_node_id}"
            )

    def _do_create_epr(self, subroutine_id: int, remote_node_id: int, **kwargs: Any) -> Any:
        self._require_network_stack(remote_node_id)
        return super()._do_create_epr(
            subroutine_id=subroutine_id, remote_node_id=remote_node_id, **kwargs
        )

    def _do_recv_epr(self, subroutine_id: int, remote_node_id: int, **kwargs: Any) -> Any:
        self._require_network_stack(remote_node_id)
        super()._do_recv_epr(subroutine_id=subroutine_id, remote_node_id=remote_node_id, **kwargs)
        purpose_id = self._get_purpose_id(remote_node_id, kwargs["epr_socket_id"])
        # netqasm does not tell the network stack about receives; ours must
        # know, to answer the creator's request.
        self.network_stack.receive_registered(remote_node_id, purpose_id)  # type: ignore[attr-defined]
        self._handle_pending_epr_responses()

    # -- inspection ---------------------------------------------------------------
    def physical_position(self, app_id: int, virtual_address: int) -> int:
        """The processor position of an application's virtual qubit."""
        unit_module = self._qubit_unit_modules.get(app_id)
        if unit_module is None:
            raise KeyError(f"application {app_id} is not running on node {self.name!r}")
        if not 0 <= virtual_address < len(unit_module) or unit_module[virtual_address] is None:
            raise KeyError(
                f"virtual qubit {virtual_address} of application {app_id} is not allocated "
                f"on node {self.name!r}"
            )
        return int(unit_module[virtual_address])  # type: ignore[arg-type]


__all__ = ["NodeExecutor", "measurement_basis"]
