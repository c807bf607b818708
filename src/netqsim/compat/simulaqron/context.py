"""What one run of ``netqsim simulaqron`` shares, and what each of its scripts owns.

A :class:`SimulaQronRun` holds the simulation (simulator, network, the
addresses of the nodes' application sockets); a :class:`ScriptNode` is one
script: its node, its folder, its SimulaQron settings objects and its event
loop. The script's thread finds its :class:`ScriptNode` with
:func:`current_script`; the names served as ``simulaqron.*`` and
``netqasm.sdk.external`` use it, so that nothing is process-global.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from netqsim.compat.simulaqron.networks import (
    DEFAULT_SIMULAQRON_NETWORK_FILENAME,
    DEFAULT_SIMULAQRON_SETTINGS_FILENAME,
    NetworksConfiguration,
    SimulaqronConfig,
)
from netqsim.compat.threads import call

if TYPE_CHECKING:
    from netqsim.compat.simulaqron.loop import SimulatedLoop
    from netqsim.kernel import Simulator
    from netqsim.runtime.network import Network

__all__ = [
    "ScriptNode",
    "SimulaQronRun",
    "current_script",
    "enter_script_folder",
    "forget_folder",
    "script_thread",
]

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "::", ""})


def _host_key(hostname: str | None) -> str:
    # SimulaQron scripts name their own machine in several ways; all are one host.
    name = (hostname or "").lower()
    return "localhost" if name in _LOCAL_HOSTS else name


@dataclass
class SimulaQronRun:
    """One ``netqsim simulaqron`` run: the simulation and the nodes' addresses."""

    sim: Simulator
    network: Network
    #: The SimulaQron network the scripts start from (what ``network_config`` holds).
    networks: NetworksConfiguration
    network_name: str = "default"
    #: (host, port) of each node's application socket -> node name.
    addresses: dict[tuple[str, int], str] = field(default_factory=dict)
    #: The nodes a script runs as.
    scripted: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for node in self.networks.get_nodes(self.network_name):
            self.addresses[(_host_key(node.app_hostname), node.app_port)] = node.name

    def node_at(self, host: str | None, port: int | None) -> str | None:
        """The node whose application socket is ``host:port`` (None if none is)."""
        if port is None:
            return None
        found = self.addresses.get((_host_key(host), int(port)))
        if found is None:  # a host name we cannot resolve: a port names one node
            matches = {node for (_, p), node in self.addresses.items() if p == int(port)}
            found = matches.pop() if len(matches) == 1 else None
        return found

    def address_of(self, node: str) -> tuple[str, int]:
        """The application socket ``(host, port)`` of ``node``."""
        for config in self.networks.get_nodes(self.network_name):
            if config.name == node:
                return config.app_hostname, config.app_port
        raise KeyError(f"node {node!r} is not in the SimulaQron network")

    def describe_addresses(self) -> str:
        """``Alice at localhost:8001, ...`` for error messages."""
        return ", ".join(f"{node} at {host}:{port}"
                         for (host, port), node in self.addresses.items())


class _ScriptNetworks(NetworksConfiguration):
    """A script's ``network_config``: a missing ``simulaqron_network.json`` keeps the run's.

    ``simulaqron start`` writes that file for the scripts to read; under
    netqsim the run's SimulaQron network stands in for it.
    """

    def read_from_file(self, file_path: str | os.PathLike[str]) -> None:
        path = Path(file_path)
        if path.name == DEFAULT_SIMULAQRON_NETWORK_FILENAME and not path.exists():
            return
        super().read_from_file(path)


class _ScriptSettings(SimulaqronConfig):
    """A script's ``simulaqron_settings``: a missing ``simulaqron_settings.json`` keeps defaults."""

    def read_from_file(self, file_path: str | os.PathLike[str]) -> None:
        path = Path(file_path)
        if path.name == DEFAULT_SIMULAQRON_SETTINGS_FILENAME and not path.exists():
            return
        super().read_from_file(path)


class ScriptNode:
    """One script of a run, acting as one node of the network.

    Each script has its own SimulaQron settings objects (as each script is its
    own process under SimulaQron), starting from the run's network.
    """

    def __init__(self, script: Path, node: str, run: SimulaQronRun) -> None:
        self.script = script
        self.folder = script.parent
        self.name = node
        self.run = run
        self.network_config = _ScriptNetworks(dict(run.networks.networks))
        self.settings = _ScriptSettings()
        #: The event loop of the script's running ``asyncio.run`` (None outside one).
        self.loop: SimulatedLoop | None = None
        #: Set once the script's code has returned or raised.
        self.finished = False
        #: Set when an error reached no coroutine (e.g. a connection handler raised).
        self.failed = False
        #: The kernel process paired with the script's thread (set by the runner).
        self.process: Any = None
        #: The script's own ``__main__`` module and ``sys.argv`` (set by the runner):
        #: process-wide in Python, so each script's are put back whenever it resumes.
        self.main_module: ModuleType | None = None
        self.argv: list[str] = [str(script)]

    @property
    def sim(self) -> Simulator:
        """The run's simulator."""
        return self.run.sim

    @property
    def host(self) -> Any:
        """This node's netqsim host."""
        return self.run.network.node(self.name).host

    def call(self, body: Generator[Any, Any, Any]) -> Any:
        """Run ``body`` in simulated time (blocking this script only); its value."""
        return call(body)

    def __repr__(self) -> str:
        return f"<SimulaQron script {self.script.name} as node {self.name!r}>"


_local = threading.local()
# The working directory is the process's; only one script runs at a time, so
# each takes its folder when it resumes (a chdir only when the folder changes).
_cwd: dict[str, Path | None] = {"folder": None}


def _enter_folder(folder: Path) -> None:
    if _cwd["folder"] != folder:
        os.chdir(folder)
        _cwd["folder"] = folder


def forget_folder() -> None:
    """Forget which folder was entered last (the runner restores its own afterwards)."""
    _cwd["folder"] = None


class script_thread:
    """Mark the running thread as ``script``'s for the duration of a ``with`` block."""

    def __init__(self, script: ScriptNode) -> None:
        self._script = script

    def __enter__(self) -> ScriptNode:
        _local.script = self._script
        _enter_folder(self._script.folder)
        return self._script

    def __exit__(self, *exc: Any) -> None:
        _local.script = None


def enter_script_folder() -> None:
    """Give the running script back its process state (the baton's ``on_resume``).

    Other scripts, maybe in other folders, ran meanwhile: the working
    directory, ``sys.argv`` and ``sys.modules["__main__"]`` become this
    script's again.
    """
    script = getattr(_local, "script", None)
    if script is not None:
        _enter_folder(script.folder)
        sys.argv = script.argv
        if script.main_module is not None:
            sys.modules["__main__"] = script.main_module


def current_script() -> ScriptNode:
    """The script whose thread is running; RuntimeError outside ``netqsim simulaqron``."""
    script = getattr(_local, "script", None)
    if script is None:
        raise RuntimeError(
            "SimulaQron names served by netqsim work only inside a script run by "
            "'netqsim simulaqron' (on the script's own thread)"
        )
    return script  # type: ignore[no-any-return]
