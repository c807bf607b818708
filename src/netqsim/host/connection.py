"""The host's NetQASM connection: compile (once per distinct subroutine), send, await replies."""

from __future__ import annotations

import copy
from typing import Any

from netqasm.lang.ir import ProtoSubroutine
from netqasm.lang.subroutine import Subroutine
from netqasm.sdk.build_types import NVHardwareConfig
from netqasm.sdk.builder import LabelManager
from netqasm.sdk.config import LogConfig
from netqasm.sdk.connection import BaseNetQASMConnection
from netqasm.sdk.network import NetworkInfo

from netqsim.host.builder import (
    MEMORY_MANAGER_STATE,
    CorrectingBuilder,
    LeanMemoryManager,
    fresh_memory_manager,
)
from netqsim.host.compiled import (
    CompiledSubroutines,
    compiled_subroutines_for,
    subroutine_message,
)
from netqsim.host.endpoint import HostEndpoint
from netqsim.host.nv_compiler import NVCompiler
from netqsim.host.shared_memory import HostSharedMemory
from netqsim.kernel import Event


def _copied(value: Any) -> Any:
    """A new object of ``value``'s class with the same attributes (all immutable values)."""
    new = object.__new__(type(value))
    new.__dict__.update(value.__dict__)
    return new


class HostConnection(BaseNetQASMConnection):
    """A NetQASM SDK connection to a simulated node controller.

    Quantum code written with the SDK (``Qubit(conn)``, ``q.H()``,
    ``epr_socket.create_keep()``, ...) is compiled into a subroutine by
    :meth:`flush`, sent as serialized ``SubroutineMessage`` bytes, and its
    results land in this connection's shared memory, so futures such as
    ``int(m)`` can be read once the flush completed:

    * generator programs: ``yield from conn.flush()``
    * ``async def`` programs: ``await conn.flush()``

    ``flush()`` sends at once; waiting on it waits for the controller's reply.
    Leaving a ``with conn:`` block flushes without waiting (a generator cannot
    wait in ``__exit__``); ``async with conn:`` waits.
    """

    _builder: CorrectingBuilder

    def __init__(
        self,
        endpoint: HostEndpoint,
        app_name: str,
        node_name: str,
        app_id: int,
        max_qubits: int,
        network_info: type[NetworkInfo],
        compiler: Any = None,
        compiled: CompiledSubroutines | None = None,
    ) -> None:
        # netqasm keeps app ids and shared memories in class-level tables; a
        # simulation keeps its own so that simulations never see each other.
        self._app_ids: dict[str, list[int]] = {}
        self._app_names: dict[str, dict[int, str]] = {}
        self._memory = HostSharedMemory()
        self._endpoint = endpoint
        self._network_info = network_info
        self._max_qubits_asked = max_qubits
        #: The node's compiled subroutines, shared by its connections.
        self.compiled = compiled if compiled is not None else compiled_subroutines_for(endpoint)
        super().__init__(
            app_name=app_name,
            node_name=node_name,
            app_id=app_id,
            max_qubits=max_qubits,
            log_config=LogConfig(),
            compiler=compiler,
            # netqasm picks the NV memory layout only for its own transpiler class
            hardware_config=NVHardwareConfig(max_qubits) if compiler is NVCompiler else None,
            _init_app=False,
            _setup_epr_sockets=False,
        )
        # netqasm's constructor builds a plain Builder and MemoryManager; ours
        # only override methods, so retyping those gives the builder this
        # connection needs without building (and discarding) a second.
        self._builder.__class__ = CorrectingBuilder
        self._builder._mem_mgr.__class__ = LeanMemoryManager

    #: What netqasm's constructors leave in a connection's and a builder's
    #: ``__dict__``; :meth:`renewed` knows how to renew each of them.
    _CONNECTION_STATE = frozenset({
        "_app_ids", "_app_names", "_memory", "_endpoint", "_network_info", "_max_qubits_asked",
        "compiled",
        "_app_name", "_app_id", "_node_name", "_shared_memory", "_clear_app_on_exit",
        "_stop_backend_on_exit", "_line_tracker", "_track_lines", "_log_subroutines_dir",
        "_builder", "_compiler", "_logger",
    })
    _BUILDER_STATE = frozenset({
        "_connection", "_app_id", "_pending_commands", "_mem_mgr", "_return_arrays",
        "_next_context_id", "_pre_context_commands", "_pre_context_registers", "_label_mgr",
        "_clear_app_on_exit", "_stop_backend_on_exit", "_line_tracker", "_track_lines",
        "_committed_subroutines", "_hardware_config", "_max_qubits", "_compiler",
    })

    def renewed(self, app_id: int) -> HostConnection:
        """A new connection for ``app_id``, as if constructed with this one's other arguments.

        Call it on a connection no program has used (a template): the state
        netqasm's constructors build (builder, memory manager, shared memory,
        label and app tables) is made anew, the rest (names, endpoint, compiler,
        cache, logger) shared. netqasm's constructor costs about as much as
        a whole subroutine's round trip; a node starts a connection per
        iteration. Falls back to the constructor if the template holds state
        this method does not know (a changed SDK, a subclass).
        """
        builder = self._builder
        if (
            self.__dict__.keys() != self._CONNECTION_STATE
            or builder.__dict__.keys() != self._BUILDER_STATE
            or builder._mem_mgr.__dict__.keys() != MEMORY_MANAGER_STATE
            or self._track_lines
            or builder._track_lines
        ):
            return self._constructed(app_id)
        conn = object.__new__(type(self))
        state = conn.__dict__
        state.update(self.__dict__)
        state["_app_ids"] = {self._app_name: [app_id]}
        state["_app_names"] = {self._node_name: {app_id: self._app_name}}
        state["_memory"] = HostSharedMemory()
        state["_app_id"] = app_id
        state["_line_tracker"] = _copied(self._line_tracker)
        new_builder = object.__new__(type(builder))
        state["_builder"] = new_builder
        built = new_builder.__dict__
        built.update(builder.__dict__)
        built["_connection"] = conn
        built["_app_id"] = app_id
        built["_pending_commands"] = []
        built["_mem_mgr"] = fresh_memory_manager(type(builder._mem_mgr))
        built["_next_context_id"] = 0
        built["_pre_context_commands"] = {}
        built["_pre_context_registers"] = {}
        built["_label_mgr"] = LabelManager()
        built["_line_tracker"] = _copied(builder._line_tracker)
        built["_committed_subroutines"] = []
        built["_hardware_config"] = _copied(builder._hardware_config)
        return conn

    def _constructed(self, app_id: int) -> HostConnection:
        """A connection built by the constructor with this one's arguments but ``app_id``."""
        return type(self)(
            self._endpoint,
            app_name=self._app_name,
            node_name=self._node_name,
            app_id=app_id,
            max_qubits=self._max_qubits_asked,
            network_info=self._network_info,
            compiler=self._compiler,
            compiled=self.compiled,
        )

    def _get_network_info(self) -> type[NetworkInfo]:
        return self._network_info

    @property
    def network(self) -> Any:
        """The simulated network this connection's node belongs to (``None`` if unknown).

        For state inspection (:func:`netqsim.util.get_qubit_state`); programs
        should not change the network through it.
        """
        return getattr(self._endpoint, "network", None)

    @property
    def shared_memory(self) -> HostSharedMemory:
        """Registers and arrays returned by the node controller (``get_array(address)``...)."""
        return self._memory

    def flush(self, block: bool = True, callback: Any = None) -> Event:  # type: ignore[override]
        """Compile and send the pending operations; returns the reply's event.

        Wait on it (``yield from``/``await``) before reading results.
        """
        commands = self._builder.pop_pending_commands()
        if commands is None:
            return self._endpoint.completed()
        raw, instructions = self.compiled.compile_commands(self._builder, commands, self.app_id)
        done = self._endpoint.send_raw(
            raw,
            memory=self._memory,
            app_id=self.app_id,
            what=f"subroutine of app {self.app_id} ({instructions} instructions)",
        )
        self._builder._reset()
        return done

    def commit_protosubroutine(  # type: ignore[override]
        self, protosubroutine: ProtoSubroutine, block: bool = True, callback: Any = None
    ) -> Event:
        """Compile ``protosubroutine`` for this node and send it; returns the reply's event.

        For subroutines written by hand, e.g. with netqasm's
        ``parse_text_protosubroutine``: wait on the event (``yield from`` in
        generator programs, ``await`` in ``async def`` ones), then read the
        results from :attr:`shared_memory`. The subroutine runs as this
        connection's application, whatever its text's ``APPID``, and
        ``protosubroutine`` is left unchanged (the SDK's assembler rewrites its
        input), so the same one may be committed in every iteration. As in
        netqasm, the builder's memory bookkeeping is reset afterwards; the
        SDK's pending commands stay pending. ``block`` and ``callback`` are
        netqasm's threaded-backend options; a simulated program waits on the event.
        """
        if not isinstance(protosubroutine, ProtoSubroutine):
            raise TypeError(
                "commit_protosubroutine expects a netqasm ProtoSubroutine (from "
                f"parse_text_protosubroutine), got {type(protosubroutine).__name__}"
            )
        raw, instructions = self.compiled.compile(
            self._builder, copy.deepcopy(protosubroutine), self.app_id
        )
        self._builder._reset()
        return self._send_subroutine(raw, instructions)

    def commit_subroutine(  # type: ignore[override]
        self, subroutine: Subroutine | ProtoSubroutine, block: bool = True, callback: Any = None
    ) -> Event:
        """Send a compiled ``subroutine`` as is; returns the reply's event.

        For a ``Subroutine`` compiled for this node's device (by
        ``connection.compile()`` or netqasm's ``parse_text_subroutine``), with
        its templates filled in (``instantiate``). It runs as this connection's
        application. A ``ProtoSubroutine`` (what SquidASM's older examples
        pass here) is compiled first, as by :meth:`commit_protosubroutine`.
        Wait on the event as on :meth:`flush`'s.
        """
        if isinstance(subroutine, ProtoSubroutine):
            return self.commit_protosubroutine(subroutine, block, callback)
        if not isinstance(subroutine, Subroutine):
            raise TypeError(
                "commit_subroutine expects a netqasm Subroutine or ProtoSubroutine, got "
                f"{type(subroutine).__name__}"
            )
        raw, instructions = subroutine_message(subroutine, self.app_id)
        return self._send_subroutine(raw, instructions)

    def _send_subroutine(self, raw: bytes, instructions: int) -> Event:
        return self._endpoint.send_raw(
            raw,
            memory=self._memory,
            app_id=self.app_id,
            what=f"committed subroutine of app {self.app_id} ({instructions} instructions)",
        )

    def _commit_serialized_message(
        self, raw_msg: bytes, block: bool = True, callback: Any = None
    ) -> None:
        self._endpoint.send_raw(raw_msg, what="message from the SDK")

    def close(
        self, clear_app: bool = True, stop_backend: bool = False, exception: bool = False
    ) -> None:
        """Flush what is pending; the runtime, not the program, stops the application."""
        if not exception:
            self.flush()

    def block(self) -> None:
        raise RuntimeError(
            "a simulated program cannot block: wait on conn.flush() with "
            "'yield from' (generator programs) or 'await' (async programs)"
        )

    async def __aenter__(self) -> HostConnection:
        return self

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            await self.flush()
