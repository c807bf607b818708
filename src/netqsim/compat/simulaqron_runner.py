"""``netqsim simulaqron``: run SimulaQron scripts (one per node) unchanged, in simulated time.

All scripts run in one process, each as ``__main__`` on its own thread with
its own folder as working directory, one at a time in simulated time (the
baton, :mod:`netqsim.compat.threads`). Their imports of ``simulaqron.*`` and
of ``netqasm.sdk.external`` are served by :mod:`netqsim.compat.simulaqron`;
their ``asyncio`` runs on a simulated event loop over the classical links;
their ``NetQASMConnection`` talks to the node's simulated controller.

Which node a script is: ``--node SCRIPT=NODE``, or else the one node of the
SimulaQron network whose name its file name contains (``aliceTest.py`` is
Alice). The SimulaQron network is ``--network FILE``, else the
``simulaqron_network.json`` next to the first script, else SimulaQron's
default network (Alice, Bob, Charlie, David, Eve). The netqsim network --
devices, links, noise, classical delays -- is ``--config FILE`` (netqsim's
YAML), else perfect: noiseless 20-qubit generic devices without memory
decoherence, a perfect link between every pair of nodes (or along the
SimulaQron ``topology``) and instant classical links.

A script that only serves (its loop listens and no connection handler runs)
ends once every other script has finished or serves too. If every script
waits otherwise, the run ends with the kernel's deadlock report, naming each
script, the line it blocks in and what it waits for.
"""

from __future__ import annotations

import builtins
import importlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from netqsim.compat.hook import compat_imports
from netqsim.compat.netqasm.apprun import AppRun, running
from netqsim.compat.netqasm.logs import RunLogs
from netqsim.compat.runner import ScriptNotFound, _print_script_traceback, forget_script_modules
from netqsim.compat.session import session
from netqsim.compat.simulaqron import MODULES
from netqsim.compat.simulaqron.context import (
    ScriptNode,
    SimulaQronRun,
    enter_script_folder,
    forget_folder,
    script_thread,
)
from netqsim.compat.simulaqron.loop import ServingEnded, simulated_asyncio
from netqsim.compat.simulaqron.netstack import use_create_first
from netqsim.compat.simulaqron.networks import (
    DEFAULT_SIMULAQRON_NETWORK_FILENAME,
    NetworksConfiguration,
    default_networks,
    read_network_file,
)
from netqsim.compat.simulaqron.settings import network_config
from netqsim.compat.threads import Baton, ThreadAbandoned
from netqsim.config import (
    GenericQDeviceConfig,
    LinkConfig,
    PerfectLinkConfig,
    StackConfig,
    StackNetworkConfig,
)
from netqsim.kernel import DeadlockError, Simulator
from netqsim.logs import logging_restored
from netqsim.runtime.network import Network

__all__ = ["NodeAssignmentError", "ScriptNotFound", "perfect_network", "run_simulaqron"]

#: Qubits of each node of the default (perfect) network: SimulaQron's default ``max_qubits``.
DEFAULT_QUBITS = 20


class NodeAssignmentError(ValueError):
    """The runner cannot tell which node a script runs as, or two scripts claim one node."""


def _find_scripts(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The scripts to run: the files given, or a folder's scripts (files with a ``__main__``)."""
    if not paths:
        raise ScriptNotFound("no SimulaQron script or folder given")
    if len(paths) == 1 and Path(paths[0]).is_dir():
        folder = Path(paths[0]).resolve()
        found = [p for p in sorted(folder.glob("*.py"))
                 if "__main__" in p.read_text(errors="replace")]
        if not found:
            raise ScriptNotFound(
                f"folder {os.fspath(paths[0])} has no SimulaQron script (a .py file with an "
                "'if __name__ == \"__main__\":' block)"
            )
        return found
    scripts = []
    for path in paths:
        script = Path(path)
        if not script.is_file():
            what = "is not a file" if script.exists() else "does not exist"
            raise ScriptNotFound(f"script {os.fspath(path)} {what}")
        scripts.append(script.resolve())
    return scripts


def _assign_nodes(scripts: list[Path], nodes: Sequence[str],
                  explicit: Mapping[str, str]) -> dict[Path, str]:
    given = {Path(k).resolve(): v for k, v in explicit.items()}
    unknown = [str(k) for k in given if k not in scripts]
    if unknown:
        raise NodeAssignmentError(f"--node names script(s) not being run: {', '.join(unknown)}")
    assigned: dict[Path, str] = {}
    for script in scripts:
        if script in given:
            node = given[script]
            if node not in nodes:
                raise NodeAssignmentError(
                    f"--node gives {script.name} node {node!r}, which the SimulaQron network "
                    f"does not have (nodes: {', '.join(nodes)})"
                )
        else:
            matches = [n for n in nodes if n.lower() in script.stem.lower()]
            longest = [n for n in matches if len(n) == max(map(len, matches))] if matches else []
            if len(longest) != 1:
                why = ("contains none of the nodes' names" if not matches
                       else f"contains several nodes' names ({', '.join(matches)})")
                raise NodeAssignmentError(
                    f"cannot tell which node {script.name} runs as: its name {why} "
                    f"(nodes: {', '.join(nodes)}); name the file after its node or pass "
                    f"--node {script.name}=NODE"
                )
            node = longest[0]
        taken = [s.name for s, n in assigned.items() if n == node]
        if taken:
            raise NodeAssignmentError(
                f"{script.name} and {taken[0]} would both run as node {node!r}; a node runs one "
                "script (list the scripts to run, or use --node SCRIPT=NODE)"
            )
        assigned[script] = node
    return assigned


def perfect_network(networks: NetworksConfiguration, network_name: str) -> StackNetworkConfig:
    """The default netqsim network for a SimulaQron network: perfect, as SimulaQron's is."""
    net = networks[network_name]
    names = net.nodes_names
    if net.topology is None:
        edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
    else:
        pairs = {frozenset((a, b)) for a, neighbours in net.topology.items()
                 for b in neighbours if a != b}
        edges = [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
                 if frozenset((a, b)) in pairs]
    device = GenericQDeviceConfig.perfect_config(num_qubits=DEFAULT_QUBITS, T1=0, T2=0)
    return StackNetworkConfig(
        stacks=[StackConfig(name=n, qdevice_typ="generic", qdevice_cfg=device.model_copy())
                for n in names],
        links=[LinkConfig(stack1=a, stack2=b, typ="perfect", cfg=PerfectLinkConfig())
               for a, b in edges],
    )


def _run_script(script: ScriptNode) -> int:
    """The body of a script's thread: run it as ``__main__``; its exit status."""
    with script_thread(script):
        # Not runpy.run_path: it swaps sys.modules["__main__"] in and out around the
        # script, and scripts on several threads would put back each other's.
        module = ModuleType("__main__")
        module.__file__ = str(script.script)
        module.__builtins__ = builtins  # type: ignore[attr-defined]
        script.main_module = module
        sys.argv = script.argv
        sys.modules["__main__"] = module
        try:
            body = compile(script.script.read_bytes(), str(script.script), "exec")
            exec(body, module.__dict__)
            return 1 if script.failed else 0
        except ServingEnded:
            return 1 if script.failed else 0
        except SystemExit as exc:
            code = exc.code
            if code is None or isinstance(code, int):
                return code or 0
            print(code, file=sys.stderr)
            return 1
        except (ThreadAbandoned, KeyboardInterrupt):
            raise
        except BaseException as exc:
            _print_script_traceback(exc, script.script)
            return 1
        finally:
            script.finished = True
            loop = script.loop
            if loop is not None and not loop.is_closed() and not loop.is_running():
                loop.close()  # its connections end: the peers read EOF


def _end_idle_servers(stall: DeadlockError, scripts: list[ScriptNode]) -> bool:
    """End the scripts that only serve, if every waiting process is one; False otherwise."""
    waiting = {process for process, _ in stall.waiting}
    idle = [s for s in scripts if s.process in waiting]
    if not idle or len(idle) != len(waiting):
        return False
    if not all(s.loop is not None and s.loop.serving_idle for s in idle):
        return False
    for script in idle:
        script.loop.end_serving()  # type: ignore[union-attr]
    return True


@contextmanager
def _process_state(folders: list[Path]) -> Iterator[None]:
    """Restore the working directory, sys.path, argv, __main__ and NETQASM_SIMULATOR."""
    saved_cwd, saved_path, saved_argv = os.getcwd(), sys.path[:], sys.argv[:]
    saved_main = sys.modules.get("__main__")
    saved_env = os.environ.get("NETQASM_SIMULATOR")
    modules_before = set(sys.modules)
    for folder in reversed(folders):
        sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        for folder in folders:
            forget_script_modules(folder, modules_before)
        forget_folder()
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        sys.argv = saved_argv
        if saved_main is not None:
            sys.modules["__main__"] = saved_main
        if saved_env is None:
            os.environ.pop("NETQASM_SIMULATOR", None)
        else:
            os.environ["NETQASM_SIMULATOR"] = saved_env


def run_simulaqron(
    paths: Sequence[str | os.PathLike[str]],
    network: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | StackNetworkConfig | None = None,
    seed: int | None = None,
    nodes: Mapping[str, str] | None = None,
) -> int:
    """Run SimulaQron scripts (a folder, or the files given) together; the exit status.

    The exit status is the first non-zero status of a script (in the order
    the scripts are given) or 0. See the module docstring for the network,
    the node of each script and when serving scripts end. A run in which
    every script waits raises the kernel's :class:`~netqsim.kernel.DeadlockError`.
    """
    scripts_paths = _find_scripts(paths)
    if network is not None:
        networks = read_network_file(network)
    elif (scripts_paths[0].parent / DEFAULT_SIMULAQRON_NETWORK_FILENAME).is_file():
        networks = read_network_file(scripts_paths[0].parent / DEFAULT_SIMULAQRON_NETWORK_FILENAME)
    else:
        networks = default_networks()
    network_name = "default" if "default" in networks.networks else networks.network_names[0]
    node_names = networks.get_node_names(network_name)
    assigned = _assign_nodes(scripts_paths, node_names, nodes or {})
    if config is None:
        stack_config = perfect_network(networks, network_name)
    elif isinstance(config, StackNetworkConfig):
        stack_config = config
    else:
        stack_config = StackNetworkConfig.from_file(config)
    missing = sorted({n for n in assigned.values() if n not in stack_config.stack_names})
    if missing:
        raise NodeAssignmentError(
            f"the netqsim network has no stack for node(s) {', '.join(missing)} "
            f"(stacks: {', '.join(stack_config.stack_names)})"
        )
    sim = Simulator(seed=seed)
    built = Network(stack_config, sim)
    for node in built.nodes.values():
        use_create_first(node.netstack)
    run = SimulaQronRun(sim, built, networks, network_name)
    scripts = [ScriptNode(path, node, run) for path, node in assigned.items()]
    run.scripted.update(assigned.values())
    sim.add_stall_reporter(lambda: [line for s in scripts if s.loop is not None
                                    for line in s.loop.describe_tasks()])
    folders = list(dict.fromkeys(s.folder for s in scripts))
    # netqasm's blocking connection and sockets find their simulation through an
    # application run; in a SimulaQron run the apps are the nodes themselves.
    apps = AppRun(built, {name: name for name in built.nodes}, RunLogs(None))
    # SimulaQron's examples configure logging for their process (basicConfig(force=True)).
    with (_process_state(folders), logging_restored(), session(), running(apps),
          compat_imports(MODULES),
          simulated_asyncio()):
        _settings_variable_wins()
        with Baton(sim, on_resume=enter_script_folder) as baton:
            for script in scripts:
                script.process = baton.spawn(f"{script.script.name} ({script.name})",
                                             _run_script, script)
            while True:
                try:
                    sim.run()
                    break
                except DeadlockError as stall:
                    if not _end_idle_servers(stall, scripts):
                        raise
    statuses = [s.process.value for s in scripts]
    return next((code for code in statuses if code), 0)


def _settings_variable_wins() -> None:
    """``simulaqron.settings.network_config`` is the settings object, not the submodule.

    SimulaQron's package defines both; its ``__init__`` imports the submodule
    first and then binds the name to the object. Importing the submodule here,
    first, keeps a script's later ``import simulaqron.settings.network_config``
    from rebinding the package attribute to the submodule.
    """
    importlib.import_module("simulaqron.settings.network_config")
    sys.modules["simulaqron.settings"].network_config = network_config  # type: ignore[attr-defined]

