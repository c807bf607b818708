"""The node controller's executor: runs NetQASM subroutines on a processor.

Builds on :class:`netqasm.backend.executor.Executor` for the application and
EPR bookkeeping (qubit unit modules, arrays, pending entanglement requests).
Instructions run through netqsim's own dispatch table
(:mod:`netqsim.qnodeos.dispatch`), after the static checks of
:mod:`netqsim.qnodeos.checks`, with an instruction budget per subroutine.
Quantum instructions run on the node's :class:`~netqsim.hardware.QuantumProcessor`
in simulated time; every instruction also costs a per-instruction processing
time; ``wait_*`` really waits, for entanglement results only; the qubit
supply is bounded (out of qubits is an error); errors name the instruction.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from netqasm.backend.executor import Executor
from netqasm.backend.messages import ReturnArrayMessage
from netqasm.lang.instr.base import NetQASMInstruction
from netqasm.lang.operand import Register
from netqasm.qlink_compat import LinkLayerCreate, ReturnType, get_creator_node_id

from netqsim.hardware.errors import NoQubitError, UnsupportedInstruction
from netqsim.kernel import Event, Simulator
from netqsim.logs import StackLog
from netqsim.network.pair_observer import PairObserver, check_pair_observer
from netqsim.qnodeos.checks import (
    BudgetExceeded,
    StaticCheckError,
    SubroutineLimits,
    check_subroutine,
)
from netqsim.qnodeos.create_args import create_request
from netqsim.qnodeos.dispatch import (
    GEN,
    PLAIN,
    Frame,
    InstructionHandlers,
    InstructionObserver,
    Step,
    new_registers,
    observed_plan,
    slot,
)
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.measure import measurement_basis

Gen = Generator[Any, Any, Any]

# Distinct subroutine bodies whose checked plans are remembered per node.
_PLAN_CACHE_SIZE = 256


class NodeExecutor(InstructionHandlers, Executor):
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
        self._array_entries: dict[int, int] = {}
        # The application of each subroutine that made EPR requests: a request
        # may outlive its subroutine (a later one waits for the pairs), and
        # netqasm finds a request's application only through its subroutine.
        self._request_apps: dict[int, int] = {}
        #: Pairs still to come for requests of stopped applications, by
        #: (created here?, (remote node id, purpose id)): discarded on arrival.
        self._orphans: dict[tuple[bool, tuple[int, int]], int] = {}
        self._limits = SubroutineLimits()
        self._plans: dict[tuple[int, ...], tuple[list[Any], list[Step]]] = {}
        self._dispatch_cache = {}
        #: Called as ``hook(executor, app_id, action, role)`` on ``breakpoint``.
        self.breakpoint_hook: Callable[[NodeExecutor, int, int, int], None] | None = None
        self._stack_log = StackLog("qnodeos", name, sim)
        # Pairs reach the executor whichever way the network made them.
        self._pair_log = StackLog("netstack", name, sim)
        self._instruction_observer: InstructionObserver | None = None
        self._pair_observer: PairObserver | None = None

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

    @property
    def limits(self) -> SubroutineLimits:
        """The instruction budget and array bound every subroutine runs under."""
        return self._limits

    @limits.setter
    def limits(self, limits: SubroutineLimits) -> None:
        if not isinstance(limits, SubroutineLimits):
            raise TypeError(f"limits must be a SubroutineLimits, not {type(limits).__name__}")
        self._limits = limits
        self._plans.clear()  # plans were checked against the old limits

    # -- applications -------------------------------------------------------------
    def init_new_application(self, app_id: int, max_qubits: int) -> None:
        if app_id in self._registers:
            raise ValueError(f"application id {app_id} is already registered on this node")
        super().init_new_application(app_id, max_qubits)
        self._returns[app_id] = []
        self._returned_arrays[app_id] = set()
        self._dirty_arrays[app_id] = set()

    def stop_application(self, app_id: int) -> Gen:
        self._drop_epr_requests(app_id)
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

    # Registers are one flat list per application (see netqsim.qnodeos.dispatch).
    def _setup_registers(self, app_id: int) -> None:
        self._registers[app_id] = new_registers()  # type: ignore[assignment]

    def _get_register(self, app_id: int, register: Register) -> int | None:
        return self._registers[app_id][slot(register)]  # type: ignore[index]

    def _set_register(self, app_id: int, register: Register, value: int) -> None:
        self._registers[app_id][slot(register)] = value  # type: ignore[index]

    def _setup_arrays(self, app_id: int) -> None:
        super()._setup_arrays(app_id)
        self._array_entries[app_id] = 0

    def _clear_arrays(self, app_id: int) -> None:
        super()._clear_arrays(app_id)
        self._array_entries.pop(app_id, None)

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

    def _can_fill(self, app_id: int, address: int) -> bool:
        """True if a pending entanglement request of ``app_id`` writes array ``address``."""
        for requests in (self._epr_create_requests, self._epr_recv_requests):
            for pending in requests.values():
                for data in pending:
                    if (data.ent_results_array_address == address
                            and self._request_apps.get(data.subroutine_id) == app_id):
                        return True
        return False

    # -- observers ----------------------------------------------------------------
    def observe_instructions(self, observer: InstructionObserver | None) -> None:
        """Call ``observer(frame, pc, instr)`` after each instruction this executor runs.

        ``frame`` is the running subroutine's :class:`~netqsim.qnodeos.dispatch.Frame`
        (its application, registers, arrays and qubit unit module, as the
        instruction left them) and ``pc`` the instruction's index in the
        subroutine. Applies from the next subroutine on; None stops it.
        """
        if observer is not None and not callable(observer):
            raise TypeError(
                f"executor of node {self.name!r}: the instruction observer must be callable "
                f"as observer(frame, pc, instr), got {type(observer).__name__}"
            )
        self._instruction_observer = observer
        self._plans.clear()  # the cached plans were made for the previous observer

    def observe_pairs(self, observer: PairObserver | None) -> None:
        """Tell ``observer`` of every pair half this node gets (None: stop telling).

        Halves of requests whose application stopped are told too: the pair
        was made, even if no program keeps it.
        """
        self._pair_observer = check_pair_observer(observer, f"executor of node {self.name!r}")

    # -- running subroutines ------------------------------------------------------
    def plan(self, instructions: list[NetQASMInstruction]) -> list[Step]:
        """The checked dispatch plan of a subroutine body (StaticCheckError if a rule fails).

        Plans are cached by the identity of the instruction objects: the
        controller hands out the same decoded instructions for a body it has
        seen, so a program that loops checks and compiles its body once. The
        cache keeps the instructions alive, so their ids stay unique.
        """
        key = tuple(map(id, instructions))
        cached = self._plans.get(key)
        if cached is not None:
            return cached[1]
        check_subroutine(instructions, supported=_Supported(self), limits=self._limits)
        plan = self.compile_plan(instructions)
        if self._instruction_observer is not None:
            plan = observed_plan(instructions, plan, self._instruction_observer)
        if len(self._plans) >= _PLAN_CACHE_SIZE:
            del self._plans[next(iter(self._plans))]  # drop the oldest
        self._plans[key] = (list(instructions), plan)
        return plan

    def execute(self, app_id: int, instructions: list[NetQASMInstruction]) -> Gen:
        """Run a decoded subroutine body for application ``app_id``.

        What netqasm's ``execute_subroutine`` does, without needing a
        ``Subroutine`` object (whose constructor scans every operand): a
        controller that caches decoded bodies can pass the cached list as it is.
        """
        subroutine_id = self._get_new_subroutine_id()
        self._subroutines[subroutine_id] = _Running(app_id)  # type: ignore[assignment]
        log = self._stack_log
        if log.on:
            start = self._sim.now
            log.info("running subroutine %d of app %d (%d instructions)", subroutine_id, app_id,
                     len(instructions))
        yield from self._execute_commands(subroutine_id, instructions)
        self._clear_subroutine(subroutine_id)
        if log.on:
            log.info("subroutine %d of app %d done after %s ns", subroutine_id, app_id,
                     self._sim.now - start)

    def _execute_commands(self, subroutine_id: int, commands: list[NetQASMInstruction]) -> Gen:
        app_id = self._subroutines[subroutine_id].app_id
        assert app_id is not None
        pc = 0
        try:
            steps = self.plan(commands)
            frame = Frame(
                subroutine_id, app_id, self._registers[app_id],  # type: ignore[arg-type]
                self._app_arrays[app_id], self._qubit_unit_modules[app_id],
            )
            end = len(steps)
            budget = self._limits.max_instructions
            delay = self._instr_proc_time
            timeout = self._sim.timeout
            executed = 0
            while pc < end:
                if executed == budget:
                    raise BudgetExceeded(
                        "instruction-budget",
                        f"the subroutine has run {budget} instructions, its budget (stack "
                        "config key 'max_instructions_per_subroutine'): does it loop forever?",
                    )
                executed += 1
                if delay:
                    yield timeout(delay)
                kind, handler, args = steps[pc]
                if kind is PLAIN:
                    handler(frame, args)
                    pc += 1
                elif kind is GEN:
                    yield from handler(frame, args)
                    pc += 1
                else:
                    pc = handler(frame, args, pc)
        except InstructionError:
            raise
        except Exception as exc:
            if isinstance(exc, StaticCheckError):
                pc = exc.index
            self._clear_subroutine(subroutine_id)
            raise InstructionError(
                self.name, app_id, self._sim.now, f"instruction {pc} '{commands[pc]}'", exc
            ) from exc

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
        self._free_position(physical_address)
        return
        yield  # a generator, as the base class expects

    def _free_position(self, position: int) -> None:
        """Empty a qubit position; waiting entanglement work may use it now."""
        self._processor.free(position)
        if self.network_stack is not None:
            self.network_stack.qubit_freed()  # type: ignore[attr-defined]
            # an EPR half held back because its virtual qubit was in use may fit now
            self._handle_pending_epr_responses()

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
        """A link-layer result for one pair: fills the request's result array.

        A pair for a request whose application has stopped is discarded.
        The pair observer (:meth:`observe_pairs`), if any, is told either way.
        """
        if not (self._orphans and self._discard_orphan(response)):
            if self._pair_log.on:
                self._pair_log.info("pair %d of request %d with node id %d delivered: %s",
                                    response.sequence_number, response.create_id,
                                    response.remote_node_id, _delivered(response))
            self._handle_epr_response(response)
        if self._pair_observer is not None:
            self._pair_observer.pair_delivered(self.name, response)

    def _wait_to_handle_epr_responses(self) -> None:
        # netqasm retries at once, recursing forever when a response cannot be
        # placed yet; here the retry happens when a receive or a qfree arrives.
        pass

    # -- entanglement without a network stack ------------------------------------------
    def _require_network_stack(self, remote_node_id: int) -> None:
        if self.network_stack is None:
            raise UnsupportedInstruction(
                f"node {self.name!r} has no entanglement link to node id {remote_node_id}"
            )

    def _get_app_id(self, subroutine_id: int) -> int:
        running = self._subroutines.get(subroutine_id)
        if running is not None:
            return running.app_id  # type: ignore[return-value]
        app_id = self._request_apps.get(subroutine_id)
        if app_id is None:
            raise ValueError(f"no running subroutine or EPR request has id {subroutine_id}")
        return app_id

    def _drop_epr_requests(self, app_id: int) -> None:
        """Forget the EPR requests of a stopping application (their pairs have no home)."""
        mine = {sid for sid, app in self._request_apps.items() if app == app_id}
        for created, requests in ((True, self._epr_create_requests),
                                  (False, self._epr_recv_requests)):
            for key, pending in requests.items():
                for data in pending:
                    if data.subroutine_id in mine:
                        orphan = (created, key)
                        self._orphans[orphan] = self._orphans.get(orphan, 0) + data.pairs_left
                pending[:] = [data for data in pending if data.subroutine_id not in mine]
        for sid in mine:
            del self._request_apps[sid]

    def _discard_orphan(self, response: Any) -> bool:
        """Discard a pair of a dropped request (freeing its qubit); False if it is not one.

        The link layer delivers the pairs of one socket in request order, so
        the pairs still owed to a dropped request come before any of a newer one.
        """
        created = get_creator_node_id(self.node_id, response) == self.node_id
        orphan = (created, (response.remote_node_id, response.purpose_id))
        left = self._orphans.get(orphan, 0)
        if not left:
            return False
        if left == 1:
            del self._orphans[orphan]
        else:
            self._orphans[orphan] = left - 1
        if response.type == ReturnType.OK_K:  # a kept half: give its position back
            self.release_position(response.logical_qubit_id)
            self._free_position(response.logical_qubit_id)
        return True

    def _do_create_epr(self, subroutine_id: int, remote_node_id: int, **kwargs: Any) -> Any:
        self._require_network_stack(remote_node_id)
        self._request_apps[subroutine_id] = self._get_app_id(subroutine_id)
        return super()._do_create_epr(
            subroutine_id=subroutine_id, remote_node_id=remote_node_id, **kwargs
        )

    def _get_create_request(self, subroutine_id: int, remote_node_id: int,
                            epr_socket_id: int, arg_array_address: int) -> LinkLayerCreate:
        # netqasm insists on its own array length; SquidASM reads by position,
        # and NetQASM files for older netqasm write fewer fields (see create_args).
        purpose_id = self._get_purpose_id(remote_node_id=remote_node_id,
                                          epr_socket_id=epr_socket_id)
        app_id = self._get_app_id(subroutine_id=subroutine_id)
        args = self._app_arrays[app_id][arg_array_address, :]
        return create_request(remote_node_id, purpose_id, args)

    def _do_recv_epr(self, subroutine_id: int, remote_node_id: int, **kwargs: Any) -> Any:
        self._require_network_stack(remote_node_id)
        self._request_apps[subroutine_id] = self._get_app_id(subroutine_id)
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


def _delivered(result: Any) -> str:
    """What a node got of a pair, for its log."""
    if result.type == ReturnType.OK_K:
        where = f"kept at position {result.logical_qubit_id}"
    else:
        basis = getattr(result.measurement_basis, "name", result.measurement_basis)
        where = f"measured in {basis}: {result.measurement_outcome}"
    bell = getattr(result.bell_state, "name", result.bell_state)
    return f"{where}, {bell}, generation duration {result.goodness} us"


class _Running:
    """What the executor keeps of a running subroutine: its application."""

    __slots__ = ("app_id",)

    def __init__(self, app_id: int) -> None:
        self.app_id = app_id


class _Supported:
    """The instruction classes an executor has a handler for, as a container."""

    def __init__(self, executor: NodeExecutor) -> None:
        self._executor = executor

    def __contains__(self, cls: object) -> bool:
        return isinstance(cls, type) and self._executor.supports(cls)


__all__ = ["NodeExecutor", "measurement_basis"]
