"""netqasm's blocking ``NetQASMConnection``, served by netqsim inside an application run.

An app writes ``with NetQASMConnection(app_name, epr_sockets=[...]) as conn:``
and blocks in ``conn.flush()``. Here the constructor registers the app with
its node's controller (``InitNewAppMessage``, waiting for the reply, then
``OpenEPRSocketMessage`` per EPR socket) and ``flush()`` waits, in simulated
time, for the subroutine's results (:func:`netqsim.compat.threads.call`);
compiling and sending are :class:`~netqsim.host.connection.HostConnection`'s.
Leaving the ``with`` block flushes and stops the app (``StopAppMessage``).
"""

from __future__ import annotations

from typing import Any

from netqasm.backend.messages import InitNewAppMessage, OpenEPRSocketMessage, StopAppMessage

from netqsim.compat.netqasm.apprun import AppRun, current_run
from netqsim.compat.threads import call
from netqsim.host.connection import HostConnection
from netqsim.kernel import Event

__all__ = ["NetQASMConnection"]


class NetQASMConnection(HostConnection):
    """A connection from an app (a role) to the controller of the node it runs on.

    Takes netqasm's constructor arguments; ``app_name`` is the role,
    ``node_name`` (if given) must be the role's node, ``app_id`` is chosen by
    the node (netqsim reuses ids of stopped apps), ``log_config`` and
    ``return_arrays`` are accepted and not needed.
    """

    def __init__(
        self,
        app_name: str,
        node_name: str | None = None,
        app_id: int | None = None,
        max_qubits: int = 5,
        log_config: Any = None,
        epr_sockets: list[Any] | None = None,
        compiler: Any = None,
        return_arrays: bool = True,
        _init_app: bool = True,
        _setup_epr_sockets: bool = True,
        **_ignored: Any,
    ) -> None:
        run = current_run()
        node = run.node_of(app_name, "NetQASMConnection(app_name=...)")
        if node_name is not None and node_name != node:
            raise ValueError(
                f"NetQASMConnection(app_name={app_name!r}, node_name={node_name!r}): role "
                f"{app_name!r} runs on node {node!r} (roles.yaml)")
        # The host's app-id table is the one its own programs use: apps started
        # here and programs never share an id on the node.
        host = run.network.node(node).host
        self._run: AppRun = run
        self._host = host
        app_id = host._allocate_app_id(app_name)
        super().__init__(
            host.endpoint, app_name=app_name, node_name=node, app_id=app_id,
            max_qubits=max_qubits, network_info=run.network_info,
            compiler=host._compiler or compiler,
        )
        self._open = True
        self._refused: BaseException | None = None
        run.open_connections.append(self)
        host.connections[app_id] = self
        call(host.endpoint.send(
            InitNewAppMessage(app_id=app_id, max_qubits=max_qubits), app_id=app_id,
            what=f"InitNewApp of app {app_id} ({app_name})"))
        for socket in epr_sockets or []:
            if socket._remote_app_name == app_name:
                raise ValueError(f"app {app_name!r} cannot open an EPR socket to itself")
            socket.conn = self
            run.node_of(socket._remote_app_name, f"EPRSocket of app {app_name!r}")
            # As netqasm, the app does not wait for the socket to open; a refusal
            # (no link to that node) is raised at the app's next flush.
            opened = host.endpoint.send(
                OpenEPRSocketMessage(
                    app_id=app_id, epr_socket_id=socket.epr_socket_id,
                    remote_node_id=socket.remote_node_id,
                    remote_epr_socket_id=socket.remote_epr_socket_id,
                    min_fidelity=socket.min_fidelity),
                app_id=app_id, what=f"OpenEPRSocket {socket.epr_socket_id} of app {app_id}")
            opened.callbacks.append(self._socket_opened)  # type: ignore[union-attr]

    def _socket_opened(self, reply: Event) -> None:
        if not reply.ok:
            reply.defused = True
            if self._refused is None:
                self._refused = reply.value

    def flush(self, block: bool = True, callback: Any = None) -> None:  # type: ignore[override]
        """Compile and send the pending operations; return when their results are in."""
        try:
            call(HostConnection.flush(self))
        finally:
            # The socket's refusal arrived first and says what is wrong.
            if self._refused is not None:
                refused, self._refused = self._refused, None
                raise refused

    def block(self) -> None:
        """Nothing to wait for: :meth:`flush` returns with the results."""

    def close(self, clear_app: bool = True, stop_backend: bool = False,
              exception: bool = False) -> None:
        """Flush (unless an exception ends the app) and stop the app on its node."""
        if not self._open:
            return
        if not exception:
            self.flush()
        self.stop()

    def stop(self) -> None:
        """Send ``StopAppMessage``; the app id is free again once the node has answered."""
        if not self._open:
            return
        self._open = False
        app_id, host = self.app_id, self._host
        self._run.open_connections.remove(self)
        stopped = host.endpoint.send(StopAppMessage(app_id=app_id), app_id=app_id,
                                     what=f"StopApp of app {app_id}")
        stopped.callbacks.append(lambda _: host._app_ids_in_use.discard(app_id))  # type: ignore[union-attr]
        host.connections.pop(app_id, None)
        self._builder.inactivate_qubits()
