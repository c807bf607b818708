"""``NetQASMConnection``, ``Socket`` and ``BroadcastChannel`` as SimulaQron scripts get them.

Under SimulaQron, ``netqasm.sdk.external`` gives a script SimulaQron's blocking
connection and sockets, and the script names nodes (``NetQASMConnection("Alice",
epr_sockets=[EPRSocket("Bob")])``, ``Socket("Alice", "Bob")``). netqsim's
blocking versions for application folders (:mod:`netqsim.compat.netqasm`)
do the same with apps placed on nodes; a SimulaQron run is an application run
whose apps are its nodes, so these are those classes with SimulaQron's
arguments:

* each ``NetQASMConnection`` registers a new application on the script's node
  and opens its EPR sockets; ``flush()`` blocks, in simulated time, only the
  calling script (also inside an ``async`` handler); ``close()`` or leaving
  ``with`` flushes and stops the application. A script may open connections
  only for the node it runs as (SimulaQron's ``app_name`` is the node);
* ``Socket(node, remote_node)`` sends strings over the classical link; a
  ``recv()`` blocks only the calling script.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netqsim.compat.netqasm import connection as app_connection
from netqsim.compat.netqasm import sockets as app_sockets
from netqsim.compat.netqasm.external import get_qubit_state
from netqsim.compat.simulaqron.context import current_script

__all__ = [
    "BroadcastChannel",
    "NetQASMConnection",
    "SimulaQronConnection",
    "Socket",
    "get_qubit_state",
]


class NetQASMConnection(app_connection.NetQASMConnection):
    """A blocking NetQASM connection of a SimulaQron script to its own node.

    Takes SimulaQron's arguments; ``socket_address``, ``conn_retry_time`` and
    ``network_name`` address SimulaQron's daemons and mean nothing here.
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
        for socket in epr_sockets or ():
            remote = socket.remote_app_name
            if frozenset((script.name, remote)) not in script.run.network.links:
                raise ValueError(
                    f"{script.script.name} (node {script.name!r}) opens an EPR socket to "
                    f"{remote!r}, but the network has no entanglement link between them "
                    "(add one under 'links' in the --config network)"
                )
        super().__init__(app_name, app_id=app_id, max_qubits=max_qubits,
                         epr_sockets=list(epr_sockets or ()), compiler=compiler)


#: SimulaQron's own name of the class (``simulaqron.sdk.connection``).
SimulaQronConnection = NetQASMConnection


class Socket(app_sockets.Socket):
    """SimulaQron's classical ``Socket(node_name, remote_node_name)`` between two scripts."""

    def __init__(self, node_name: str, remote_node_name: str, socket_id: int = 0,
                 timeout: float | None = None, use_callbacks: bool = False,
                 network_name: str = "default", log_config: Any = None) -> None:
        super().__init__(node_name, remote_node_name, socket_id, timeout, use_callbacks,
                         log_config)


class BroadcastChannel(app_sockets.BroadcastChannel):
    """SimulaQron's ``BroadcastChannel(node_name, remote_node_names)``: a socket to each."""

    def __init__(self, node_name: str, remote_node_names: list[str],
                 network_name: str = "default", **kwargs: Any) -> None:
        super().__init__(node_name, remote_node_names, **kwargs)
