"""``netqasm.sdk.external.NetQASMConnection`` as SimulaQron scripts use it: blocking, on netqsim.

Under SimulaQron a script opens a connection to its node's backend whenever it
needs one (``NetQASMConnection("Alice", epr_sockets=[EPRSocket("Bob")])``),
often inside an ``async`` handler, and ``flush()`` blocks until the backend
answered. Here each connection is a new application on the script's node
(``InitNewAppMessage``, its EPR sockets opened with the ids the script gave
them), and ``flush()`` runs in simulated time through the script's thread:
only this script waits; the simulation and the other scripts go on.
``close()`` (or leaving a ``with`` block) flushes and stops the application.

As in SimulaQron, the connection's ``app_name`` is its node's name; a script
may only open connections for the node it runs as.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from netqasm.backend.messages import InitNewAppMessage, OpenEPRSocketMessage, StopAppMessage

from netqsim.compat.simulaqron.context import ScriptNode, current_script
from netqsim.host.connection import HostConnection
from netqsim.host.nv_compiler import NVCompiler
from netqsim.kernel import Event
from netqsim.qnodeos.controller import MAX_APP_ID
from netqsim.util import get_qubit_state

__all__ = ["NetQASMConnection", "SimulaQronConnection", "get_qubit_state"]


def _wait(event: Event) -> Generator[Event, Any, Any]:
    return (yield event)


class NetQASMConnection(HostConnection):
    """A blocking NetQASM connection of a SimulaQron script to its node (see module doc).

    Accepts SimulaQron's arguments; ``socket_address``, ``conn_retry_time``
    and ``network_name`` address SimulaQron's daemons and have no meaning here.
    """

    def __init__(
        self,
        app_name: str,
        app_id: int | None = None,
        max_qubits: int = 5,
        log_config: Any = None,
        epr_sockets: Sequence[Any] | None = None,
        compiler: Any = None,
        socket_address: Any = None,
        conn_retry_time: float = 0.1,
        network_name: str | None = None,
    ) -> None:
        script = current_script()
        if app_name != script.name:
            raise ValueError(
                f"{script.script.name} runs as node {script.name!r} and cannot open a "
                f"NetQASMConnection for node {app_name!r} (under SimulaQron a connection's "
                "app_name is the name of its node)"
            )
        node = script.run.network.node(script.name)
        own_id = _allocate_app_id(script, app_id)
        endpoint = node.host.endpoint
        try:
            script.call(_wait(endpoint.send(
                InitNewAppMessage(app_id=own_id, max_qubits=max_qubits),
                app_id=own_id, what=f"InitNewApp of app {own_id} ({app_name})",
            )))
        except BaseException:
            script.app_ids.discard(own_id)
            raise
        super().__init__(
            endpoint, app_name=app_name, node_name=app_name, app_id=own_id,
            max_qubits=max_qubits, network_info=script.run.network.network_info,
            compiler=compiler or (NVCompiler if node.config.qdevice_typ == "nv" else None),
        )
        self._script = script
        self._closed = False
        try:
            for socket in epr_sockets or ():
                self._open_epr_socket(socket)
        except BaseException:
            self.close(exception=True)  # the application is stopped again
            raise

    def _open_epr_socket(self, socket: Any) -> None:
        script = self._script
        remote = socket.remote_app_name
        if frozenset((script.name, remote)) not in script.run.network.links:
            raise ValueError(
                f"{script.script.name} (node {script.name!r}) opens an EPR socket to "
                f"{remote!r}, but the network has no entanglement link between them "
                "(add one under 'links' in the --config network)"
            )
        socket.conn = self  # resolves the remote node id
        self._endpoint.send(
            OpenEPRSocketMessage(
                app_id=self.app_id, epr_socket_id=socket.epr_socket_id,
                remote_node_id=socket.remote_node_id,
                remote_epr_socket_id=socket.remote_epr_socket_id,
                min_fidelity=socket.min_fidelity,
            ),
            app_id=self.app_id,
            what=f"OpenEPRSocket {socket.epr_socket_id} of app {self.app_id} to {remote!r}",
        )

    def flush(self, block: bool = True, callback: Any = None) -> None:  # type: ignore[override]
        """Send the pending operations and wait (in simulated time) for the results."""
        done = super().flush()
        if not done.triggered:  # (nothing pending: an event that has already succeeded)
            self._script.call(_wait(done))
        if callback is not None:
            callback()

    def block(self) -> None:
        """Nothing to wait for: :meth:`flush` already waits."""

    def close(
        self, clear_app: bool = True, stop_backend: bool = False, exception: bool = False
    ) -> None:
        """Flush what is pending (unless closing on an exception) and stop the application."""
        if self._closed:
            return
        self._closed = True
        try:
            if not exception:
                self.flush()
        finally:
            # As netqsim's hosts do, the StopApp reply is not waited for; the
            # application id is free again once the controller has answered.
            stopped = self._endpoint.send(StopAppMessage(app_id=self.app_id), app_id=self.app_id,
                                          what=f"StopApp of app {self.app_id}")
            app_ids, app_id = self._script.app_ids, self.app_id
            stopped.callbacks.append(lambda _: app_ids.discard(app_id))  # type: ignore[union-attr]


def _allocate_app_id(script: ScriptNode, wanted: int | None) -> int:
    """The lowest free application id of the script's node (``wanted`` if free)."""
    used = script.app_ids
    if wanted is not None and wanted not in used and 0 <= wanted <= MAX_APP_ID:
        app_id = wanted
    else:
        app_id = next(i for i in range(len(used) + 1) if i not in used)
    if app_id > MAX_APP_ID:
        raise RuntimeError(f"node {script.name!r} has all {MAX_APP_ID + 1} application ids in use")
    used.add(app_id)
    return app_id


#: SimulaQron's own name of the class (``simulaqron.sdk.connection``).
SimulaQronConnection = NetQASMConnection
