"""SimulaQron's network configuration (``simulaqron_network.json``) and settings files.

Served as ``simulaqron.settings.network_config`` and used by the runner to
learn the nodes and their application sockets. The JSON format is
SimulaQron's: a list of networks, each ``{"name": ..., "nodes": [{"Alice":
{"app_socket": [host, port], "qnodeos_socket": [...], "vnode_socket": [...]}},
...], "topology": null | {node: [neighbours]}}``. Only the application
sockets matter in a simulation: they are the addresses classical clients
connect to, which tells the runner which node a connection goes to.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_NODES",
    "DEFAULT_SIMULAQRON_NETWORK_FILENAME",
    "DEFAULT_SIMULAQRON_SETTINGS_FILENAME",
    "NetworkConfig",
    "NetworkConfigBuilder",
    "NetworkFileError",
    "NetworksConfiguration",
    "NodeConfig",
    "NodeConfigType",
    "SimulaqronConfig",
    "default_networks",
    "read_network_file",
]

DEFAULT_SIMULAQRON_NETWORK_FILENAME = "simulaqron_network.json"
DEFAULT_SIMULAQRON_SETTINGS_FILENAME = "simulaqron_settings.json"

#: The nodes of SimulaQron's built-in default network, with their socket ports
#: (application, QNodeOS, virtual node), all on localhost.
DEFAULT_NODES: dict[str, tuple[int, int, int]] = {
    "Alice": (8001, 8002, 8003),
    "Bob": (8010, 8011, 8012),
    "Charlie": (8020, 8022, 8023),
    "David": (8030, 8031, 8032),
    "Eve": (8040, 8041, 8042),
}


class NetworkFileError(ValueError):
    """A SimulaQron network or settings file is missing or malformed (the message says where)."""


class NodeConfigType(str, Enum):
    """Which of a node's three sockets a ``SocketsConfig`` describes."""

    APP = "app"
    QNODEOS = "qnodeos"
    VNODE = "vnode"

    def __str__(self) -> str:
        return self.value


@dataclass
class NodeConfig:
    """One node's sockets (host name and port of each)."""

    name: str
    app_port: int
    qnodeos_port: int
    vnode_port: int
    app_hostname: str = "localhost"
    qnodeos_hostname: str = "localhost"
    vnode_hostname: str = "localhost"

    def get_config(self, config_type: str | NodeConfigType) -> tuple[str, int]:
        """``(hostname, port)`` of the socket ``config_type`` (``app``, ``qnodeos``, ``vnode``)."""
        kind = _config_type(config_type)
        return getattr(self, f"{kind.value}_hostname"), getattr(self, f"{kind.value}_port")


def _config_type(value: str | NodeConfigType) -> NodeConfigType:
    try:
        return NodeConfigType(value)
    except ValueError:
        allowed = ", ".join(repr(t.value) for t in NodeConfigType)
        raise ValueError(f"config type must be one of {allowed}, got {value!r}") from None


@dataclass
class NetworkConfig:
    """One named network: its nodes and, optionally, a restricted topology."""

    name: str
    topology: dict[str, list[str]] | None = None
    nodes: dict[str, NodeConfig] = field(default_factory=dict)

    @property
    def nodes_names(self) -> list[str]:
        """The node names, in file order."""
        return list(self.nodes)


@dataclass
class NetworksConfiguration:
    """Every network of a ``simulaqron_network.json``, by name."""

    networks: dict[str, NetworkConfig] = field(default_factory=dict)

    def read_from_file(self, file_path: str | os.PathLike[str]) -> None:
        """Replace this configuration with the networks of ``file_path``."""
        self.networks = read_network_file(file_path).networks

    def get_nodes(self, network_name: str = "default") -> list[NodeConfig]:
        """The nodes of network ``network_name``."""
        return list(self._network(network_name).nodes.values())

    def get_node_names(self, network_name: str = "default") -> list[str]:
        """The node names of network ``network_name``."""
        return list(self._network(network_name).nodes)

    def _network(self, network_name: str) -> NetworkConfig:
        if network_name not in self.networks:
            raise ValueError(
                f"{network_name} is not a network in this config "
                f"(networks: {', '.join(self.networks) or 'none'})"
            )
        return self.networks[network_name]

    @property
    def nodes(self) -> list[NodeConfig]:
        """The nodes of the ``default`` network."""
        return self.get_nodes("default")

    @property
    def network_names(self) -> list[str]:
        """The names of the networks."""
        return list(self.networks)

    def __getitem__(self, name: str) -> NetworkConfig:
        return self._network(name)


#: SimulaQron 4.0's name of :class:`NetworksConfiguration` (its examples import both).
NetworkConfigBuilder = NetworksConfiguration


def default_networks() -> NetworksConfiguration:
    """SimulaQron's built-in network: Alice, Bob, Charlie, David and Eve on localhost."""
    nodes = {
        name: NodeConfig(name, app, qnodeos, vnode)
        for name, (app, qnodeos, vnode) in DEFAULT_NODES.items()
    }
    return NetworksConfiguration({"default": NetworkConfig("default", None, nodes)})


def _socket(value: Any, where: str) -> tuple[str, int]:
    if (not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], str)
            or isinstance(value[1], bool) or not isinstance(value[1], int)):
        raise NetworkFileError(f"{where} must be [hostname, port], got {value!r}")
    return value[0], value[1]


def _node(entry: Any, where: str) -> NodeConfig:
    if not isinstance(entry, dict) or len(entry) != 1:
        raise NetworkFileError(f"{where} must be one {{node name: sockets}} entry, got {entry!r}")
    ((name, sockets),) = entry.items()
    if not isinstance(sockets, dict):
        raise NetworkFileError(f"{where} ({name}) must map socket names to [hostname, port]")
    kinds = [t.value for t in NodeConfigType]
    unknown = sorted(set(sockets) - {f"{k}_socket" for k in kinds})
    if unknown:
        raise NetworkFileError(
            f"{where} ({name}): unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(f'{k}_socket' for k in kinds)})"
        )
    values: dict[str, Any] = {}
    for kind in kinds:
        key = f"{kind}_socket"
        if key not in sockets:
            raise NetworkFileError(f"{where} ({name}) has no {key}")
        host, port = _socket(sockets[key], f"{where} ({name}).{key}")
        values[f"{kind}_hostname"], values[f"{kind}_port"] = host, port
    return NodeConfig(name=name, **values)


def _read_json(file_path: str | os.PathLike[str]) -> tuple[Path, Any]:
    """The path and the parsed JSON of a SimulaQron file; errors name the file."""
    path = Path(file_path)
    if not path.is_file():
        raise NetworkFileError(f"No such file {path}")
    try:
        return path, json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise NetworkFileError(f"{path}: not valid JSON: {exc}") from None


def read_network_file(file_path: str | os.PathLike[str]) -> NetworksConfiguration:
    """Parse a ``simulaqron_network.json``; errors name the file and the entry."""
    path, raw = _read_json(file_path)
    if not isinstance(raw, list):
        raise NetworkFileError(f"{path}: a SimulaQron network file holds a list of networks")
    result = NetworksConfiguration()
    for i, network in enumerate(raw):
        where = f"{path}: network {i}"
        if not isinstance(network, dict) or "name" not in network or "nodes" not in network:
            raise NetworkFileError(f"{where} needs 'name' and 'nodes'")
        if not isinstance(network["nodes"], list):
            raise NetworkFileError(
                f"{where}.nodes must be a list of {{node name: sockets}} entries")
        topology = network.get("topology")
        nodes = [_node(entry, f"{where}.nodes[{j}]") for j, entry in enumerate(network["nodes"])]
        by_name = {node.name: node for node in nodes}
        if len(by_name) != len(nodes):
            raise NetworkFileError(f"{where} names a node twice")
        if topology is not None:
            if not isinstance(topology, dict):
                raise NetworkFileError(f"{where}.topology must be null or {{node: [neighbours]}}")
            for node, neighbours in topology.items():
                unknown = [n for n in [node, *neighbours] if n not in by_name]
                if unknown:
                    raise NetworkFileError(
                        f"{where}.topology names unknown node(s) {', '.join(unknown)}"
                    )
        result.networks[network["name"]] = NetworkConfig(network["name"], topology, by_name)
    return result


#: The keys of ``simulaqron_settings.json`` SimulaQron's versions know, with defaults.
_SETTINGS: dict[str, Any] = {
    "max_qubits": 20,
    "max_registers": 1000,
    "conn_retry_time": 0.5,
    "conn_max_retries": 10,
    "recv_timeout": 100,
    "recv_retry_time": 0.1,
    "recv_max_retries": 10,
    "log_level": 30,
    "sim_backend": "stabilizer",
    "noisy_qubits": False,
    "max_app_waiting_time": -1.0,
    "t1": 1.0,
    "network_config_file": None,
}


class SimulaqronConfig:
    """SimulaQron's settings (``simulaqron_settings.json``).

    Every key is read and kept, but none changes the simulation: noise comes
    from the netqsim network config (``--config``), and time is simulated.
    """

    def __init__(self) -> None:
        for key, value in _SETTINGS.items():
            setattr(self, key, value)

    def read_from_file(self, file_path: str | os.PathLike[str]) -> None:
        """Read the settings of ``file_path`` (unknown keys are an error naming them)."""
        path, raw = _read_json(file_path)
        if not isinstance(raw, dict):
            raise NetworkFileError(f"{path}: SimulaQron settings are a JSON object")
        unknown = sorted(set(raw) - set(_SETTINGS))
        if unknown:
            raise NetworkFileError(
                f"{path}: unknown setting(s) {', '.join(unknown)} "
                f"(known: {', '.join(sorted(_SETTINGS))})"
            )
        for key, value in raw.items():
            setattr(self, key, value)
