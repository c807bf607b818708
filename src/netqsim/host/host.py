"""A node's host: runs programs, one iteration after another, against its controller."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

import numpy as np
from netqasm.backend.messages import InitNewAppMessage, OpenEPRSocketMessage, StopAppMessage
from netqasm.sdk.epr_socket import EPRSocket
from netqasm.sdk.network import NetworkInfo

from netqsim.host import aio
from netqsim.host.connection import HostConnection
from netqsim.host.endpoint import HostEndpoint
from netqsim.host.nv_compiler import NVCompiler
from netqsim.host.pairing import SocketPlan
from netqsim.host.program import Program, ProgramContext
from netqsim.host.qubit_limits import explain_qubit_error, unit_module_size
from netqsim.host.sockets import Socket
from netqsim.host.streams import StreamPorts
from netqsim.kernel import Simulator
from netqsim.network.classical import ClassicalNetwork
from netqsim.qnodeos.controller import MAX_APP_ID
from netqsim.qnodeos.errors import InstructionError

Gen = Generator[Any, Any, Any]


def drive(body: Any, sim: Simulator | None = None) -> Gen:
    """Run a program body (generator, coroutine or plain value) inside a process.

    Generator and ``async def`` programs alike run with the asyncio guard
    and can wait on ``netqsim.sleep``/``timeout``/``gather``; see
    :func:`netqsim.host.aio.drive`.
    """
    return (yield from aio.drive(body, sim))


class Host:
    """The classical computer of one node.

    For each program it registers an application with the node controller
    (``InitNewAppMessage``, waiting for the reply), opens the program's EPR
    sockets (``OpenEPRSocketMessage``), runs the program, and ends the
    application (``StopAppMessage``); then the next iteration starts. As in
    SquidASM, the host waits for the replies to InitNewApp and to subroutines
    only, so a host <-> controller latency L adds 2L per awaited message.
    """

    def __init__(
        self,
        sim: Simulator,
        node_name: str,
        endpoint: HostEndpoint,
        classical: ClassicalNetwork,
        network_info: type[NetworkInfo],
        compiler: Any = None,
        sockets: SocketPlan | None = None,
        entanglement_peers: Iterable[str] | None = None,
        num_qubits: int | None = None,
    ) -> None:
        self.sim = sim
        self.name = node_name
        self.endpoint = endpoint
        self._classical = classical
        self._network_info = network_info
        self._compiler = compiler
        self._sockets = sockets or SocketPlan()
        self._entanglement_peers = entanglement_peers
        #: The qubits of the node's device; every application may address all of them.
        self.num_qubits = num_qubits
        # Ids of applications running or still stopping; an id is used again once
        # the controller has answered its StopApp (subroutine headers hold 16 bits).
        self._app_ids_in_use: set[int] = set()
        #: Connections of the applications that are running, by app id.
        self.connections: dict[int, HostConnection] = {}
        # One connection per (class, max_qubits) that only serves to renew from.
        self._connection_templates: dict[tuple[type, int], HostConnection] = {}
        #: This node's classical streams (numbered per peer across iterations).
        self.streams = StreamPorts(classical, node_name)

    def run_program(self, program: Program, iterations: int, results: list[Any]) -> Gen:
        """Run ``program`` ``iterations`` times in a row, appending each result."""
        rng = self.sim.rng_stream(f"program:{self.name}:{program.meta.name}")
        for _ in range(iterations):
            results.append((yield from self.run_once(program, rng)))

    def _allocate_app_id(self, program: str) -> int:
        """The lowest application id that is neither running nor stopping."""
        in_use = self._app_ids_in_use
        app_id = next(i for i in range(len(in_use) + 1) if i not in in_use)
        if app_id > MAX_APP_ID:
            raise RuntimeError(
                f"node {self.name!r} cannot start program {program!r}: all {MAX_APP_ID + 1} "
                "application ids are in use"
            )
        in_use.add(app_id)
        return app_id

    def _connection_for(self, app_id: int, max_qubits: int) -> HostConnection:
        """A new connection for an iteration: renewed from a template no program uses."""
        kind = HostConnection
        template = self._connection_templates.get((kind, max_qubits))
        if template is None:
            template = self._connection_templates[(kind, max_qubits)] = kind(
                self.endpoint,
                app_name=self.name,
                node_name=self.name,
                app_id=0,
                max_qubits=max_qubits,
                network_info=self._network_info,
                compiler=self._compiler,
            )
        return template.renewed(app_id)

    def run_once(self, program: Program, rng: np.random.Generator) -> Gen:
        """One iteration of ``program``; returns its result dict."""
        meta = program.meta
        node = self.name
        app_id = self._allocate_app_id(meta.name)
        # As in SquidASM, the unit module is the whole device: max_qubits only
        # tells the SDK (through the connection) what hardware to compile for.
        yield self.endpoint.send(
            InitNewAppMessage(
                app_id=app_id, max_qubits=unit_module_size(self.num_qubits, meta.max_qubits)
            ),
            app_id=app_id, what=f"InitNewApp of app {app_id} ({meta.name})",
        )
        conn = self._connection_for(app_id, meta.max_qubits)
        self.connections[app_id] = conn
        epr_sockets = {}
        for index, remote in enumerate(meta.epr_sockets):
            if self._entanglement_peers is not None and remote not in self._entanglement_peers:
                peers = ", ".join(sorted(self._entanglement_peers)) or "none"
                raise ValueError(
                    f"program {meta.name!r} on node {node!r} opens an EPR socket to "
                    f"{remote!r}, but there is no entanglement link between them, nor a "
                    f"path of links (linked nodes: {peers}; add a link under 'links' in the "
                    "network config)"
                )
            socket_id, remote_socket_id = self._sockets.epr_socket(node, meta.name, remote, index)
            socket = EPRSocket(
                remote, epr_socket_id=socket_id, remote_epr_socket_id=remote_socket_id
            )
            socket.conn = conn  # resolves the remote node id
            epr_sockets[remote] = socket
            self.endpoint.send(
                OpenEPRSocketMessage(
                    app_id=app_id, epr_socket_id=socket_id,
                    remote_node_id=socket.remote_node_id,
                    remote_epr_socket_id=socket.remote_epr_socket_id,
                    min_fidelity=socket.min_fidelity,
                ),
                app_id=app_id, what=f"OpenEPRSocket {socket_id} of app {app_id} to {remote!r}",
            )
        csockets = {
            remote: Socket(
                self._classical, node, remote, app=meta.name,
                remote_app=self._sockets.csocket_peer(node, meta.name, remote),
            )
            for remote in meta.csockets
        }
        context = ProgramContext(conn, csockets, epr_sockets, app_id, node, self.sim, rng,
                                 streams=self.streams)
        try:
            result = yield from drive(program.run(context), self.sim)
        except InstructionError as error:
            explained = explain_qubit_error(
                error, meta.name, node, meta.max_qubits, self.num_qubits,
                nv=self._compiler is NVCompiler,
            )
            if explained is None:
                raise
            raise explained from error
        conn.flush()
        stopped = self.endpoint.send(StopAppMessage(app_id=app_id), app_id=app_id,
                                     what=f"StopApp of app {app_id}")
        stopped.callbacks.append(lambda _: self._app_ids_in_use.discard(app_id))  # type: ignore[union-attr]
        del self.connections[app_id]
        return result  # any value, as SquidASM passes it through (usually a dict)
