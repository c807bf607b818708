"""``simulaqron.sdk.protocol``: SimulaQron's classical client and server, on simulated asyncio.

Both run their coroutines with ``asyncio.run`` on the script's
:class:`~netqsim.compat.simulaqron.loop.SimulatedLoop`, so connections are
netqsim classical streams between the nodes' application sockets and the
time they take is simulated. ``start_serving()`` serves until every other
script has finished (SimulaQron's serves until killed), then returns.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import IntEnum
from typing import Any

from netqsim.compat.simulaqron.host_config import SocketsConfig
from netqsim.compat.simulaqron.loop import ServingEnded

__all__ = ["ServingStatus", "SimulaQronClassicalClient", "SimulaQronClassicalServer"]

Handler = Callable[..., Awaitable[Any]]


class ServingStatus(IntEnum):
    """Whether a server goes on serving."""

    CONTINUE = 0
    STOP = 1


class SimulaQronClassicalClient:
    """Connects to other nodes' application sockets and runs a coroutine on the connection."""

    def __init__(self, sockets_config: SocketsConfig) -> None:
        self._sockets_config = sockets_config

    def _address(self, node_name: str) -> tuple[str, int]:
        hosts = self._sockets_config.hostDict
        if node_name not in hosts:
            raise RuntimeError(
                f"The node with name '{node_name}' is not on the network configuration "
                f"(nodes: {', '.join(hosts) or 'none'})"
            )
        return hosts[node_name].hostname, hosts[node_name].port

    async def connect_and_run(self, node_name: str, callback: Handler, *args: Any,
                              **kwargs: Any) -> Any:
        """Connect to ``node_name`` and await ``callback(reader, writer, *args, **kwargs)``.

        For use inside a running loop (a server's handler acting as a client).
        The connection is closed (the peer reads EOF) when the callback returns.
        """
        hostname, port = self._address(node_name)
        reader, writer = await asyncio.open_connection(hostname, port)
        try:
            return await callback(reader, writer, *args, **kwargs)
        finally:
            writer.close()

    def run_client(self, node_name: str, callback: Handler, *args: Any, **kwargs: Any) -> Any:
        """Connect to ``node_name`` and run ``callback(reader, writer, ...)`` to its end."""
        self._address(node_name)  # the error for an unknown node, before any loop starts
        return asyncio.run(self.connect_and_run(node_name, callback, *args, **kwargs))


class SimulaQronClassicalServer:
    """Serves clients on this node's application socket with a registered handler."""

    def __init__(self, sockets_config: SocketsConfig, name: str) -> None:
        if name not in sockets_config.hostDict:
            raise RuntimeError(
                f"The node with name '{name}' is not on the network configuration "
                f"(nodes: {', '.join(sockets_config.hostDict) or 'none'})"
            )
        self._node_name = name
        self._host = sockets_config.hostDict[name]
        self._connection_handler: Handler | None = None

    def register_client_handler(self, handler: Handler) -> None:
        """Use ``handler(reader, writer)`` (a coroutine function) for each connecting client."""
        self._connection_handler = handler

    async def _serve(self) -> None:
        assert self._connection_handler is not None
        server = await asyncio.start_server(
            self._connection_handler, self._host.hostname, self._host.port
        )
        async with server:
            await server.serve_forever()

    def start_serving(self) -> None:
        """Serve clients until every other script of the run has finished."""
        if self._connection_handler is None:
            print("no connection handler registered: call register_client_handler(handler) "
                  "before start_serving()")
            return
        try:
            asyncio.run(self._serve())
        except ServingEnded:
            return
