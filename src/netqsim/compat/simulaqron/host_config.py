"""``simulaqron.general.host_config``: ``SocketsConfig`` and ``Host``, without DNS or twisted."""

from __future__ import annotations

import os
from typing import Any

from netqsim.compat.simulaqron.networks import NodeConfigType, read_network_file

__all__ = ["Host", "SocketsConfig", "get_node_id_from_net_config"]


class Host:
    """One node's socket: ``name``, ``hostname`` and ``port``."""

    def __init__(self, name: str, hostname: str, port: int | str) -> None:
        self.name = name
        self.hostname = hostname
        self.port = int(port)

    def __repr__(self) -> str:
        return f"Host({self.name!r}, {self.hostname!r}, {self.port})"


class SocketsConfig:
    """The sockets of one kind (``app``, ``qnodeos`` or ``vnode``) of every node of a network.

    ``nets_config`` is a networks configuration (``simulaqron.settings.network_config``)
    or, as in SimulaQron 3, the path of a ``simulaqron_network.json``.
    ``hostDict`` maps node names to :class:`Host`.
    """

    def __init__(self, nets_config: Any, network_name: str = "default",
                 config_type: NodeConfigType | str = "vnode") -> None:
        if isinstance(nets_config, (str, os.PathLike)):
            nets_config = read_network_file(nets_config)
        self.hostDict: dict[str, Host] = {}
        for node in nets_config.get_nodes(network_name or "default"):
            self.hostDict[node.name] = Host(node.name, *node.get_config(config_type))

    def print_details(self, name: str) -> None:
        """Print ``name``'s host name and port."""
        host = self.hostDict[name]
        print("Host details of ", name, ": ", host.hostname, ":", host.port)

    def filter(self, nodes_to_keep: list[str]) -> None:
        """Keep only the nodes named in ``nodes_to_keep``."""
        self.hostDict = {n: h for n, h in self.hostDict.items() if n in nodes_to_keep}


def get_node_id_from_net_config(net_config: SocketsConfig, node_name: str) -> int:
    """The node's index among the sorted node names (SimulaQron's node id)."""
    if node_name not in net_config.hostDict:
        raise ValueError(f"node name {node_name} not in host_dict ({list(net_config.hostDict)})")
    return sorted(net_config.hostDict).index(node_name)
