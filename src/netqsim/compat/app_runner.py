"""Run a netqasm application folder on netqsim: ``netqsim simulate --app-dir DIR``.

Each round, every role's ``main(app_config=..., **inputs)`` runs on its own
thread (:mod:`netqsim.compat.threads`), all in one simulation whose time goes
on from round to round (as SquidASM keeps one network for all rounds); a
round ends when every app has returned. The apps' ``netqasm.sdk.external``
names are netqsim's (:mod:`netqsim.compat.netqasm`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

from netqasm.runtime.app_config import AppConfig
from netqasm.sdk.config import LogConfig

from netqsim.compat.hook import compat_imports
from netqsim.compat.netqasm import NETQASM_MAPS
from netqsim.compat.netqasm.apprun import AppRun, running
from netqsim.compat.netqasm.folder import AppFolder, AppFolderError, load_app_folder, load_main
from netqsim.compat.netqasm.logs import RunLogs
from netqsim.compat.netqasm.network_yaml import default_network, load_network_file
from netqsim.compat.netqasm.stack_logs import record_entanglement, record_instructions
from netqsim.compat.runner import forget_script_modules
from netqsim.compat.threads import Baton
from netqsim.config import StackNetworkConfig
from netqsim.kernel import ProcessError, Simulator
from netqsim.runtime.network import Network

__all__ = ["AppError", "simulate_application"]

FORMALISMS = ("stab", "ket", "dm")


class AppError(RuntimeError):
    """An app raised: ``role``, ``round`` and the simulated ``time``; the app's
    exception is the ``__cause__`` (its traceback shows the app's lines)."""

    def __init__(self, role: str, file: str, round_index: int, time: float,
                 exc: BaseException) -> None:
        self.role, self.file, self.round, self.time = role, file, round_index, time
        super().__init__(
            f"app {role!r} ({file}) failed in round {round_index + 1} at t={time:g} ns: "
            f"{type(exc).__name__}: {exc}")


def _network(folder: AppFolder, config: str | os.PathLike[str] | None,
             network_config_file: str | os.PathLike[str] | None,
             hardware: str) -> StackNetworkConfig:
    if config is not None and network_config_file is not None:
        raise ValueError("give a netqsim network (--config) or a netqasm network file "
                         "(--network-config-file), not both")
    if config is not None:
        network = StackNetworkConfig.from_file(config)
    else:
        path = Path(network_config_file) if network_config_file is not None else None
        if path is not None and not path.is_absolute() and not path.exists():
            path = folder.path / path  # netqasm looks for it in the app folder
        if path is None and (folder.path / "network.yaml").exists():
            path = folder.path / "network.yaml"
        if path is not None and not path.exists():
            raise FileNotFoundError(f"network config file {network_config_file} does not exist")
        if path is None:
            network = default_network(list(dict.fromkeys(folder.roles.values())), hardware)
        else:
            network = load_network_file(path)
    nodes = network.stack_names
    placed_by = ("roles.yaml" if (folder.path / "roles.yaml").exists()
                 else "no roles.yaml: each role runs on the node of its name")
    for role, node in folder.roles.items():
        if node not in nodes:
            raise AppFolderError(
                f"role {role!r} runs on node {node!r} ({placed_by}), which is not a node of "
                f"the network (nodes: {', '.join(nodes)})")
    return network


def simulate_application(
    app_dir: str | os.PathLike[str],
    *,
    num: int = 1,
    network_config_file: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    formalism: str = "ket",
    seed: int | None = None,
    log_dir: str | os.PathLike[str] | None = None,
    log_to_files: bool = True,
    track_lines: bool = True,
    sim_context: bool = True,
    hardware: str = "generic",
) -> list[dict[str, Any]]:
    """Run the netqasm application folder ``app_dir`` ``num`` times; one result dict per round.

    Each round's dict maps ``"app_<role>"`` to what that role's ``main``
    returned. The network is ``config`` (a netqsim YAML), else
    ``network_config_file`` (netqasm's format; default ``app_dir/network.yaml``
    if it exists), else netqasm's default (perfect, all pairs linked,
    ``hardware`` generic or nv). With ``log_to_files`` the log folder is
    written to ``log_dir`` (default ``app_dir/log``), see
    :mod:`netqsim.compat.netqasm.logs`. ``sim_context=False`` calls ``main``
    without ``app_config``. The same ``seed`` gives the same results.
    """
    if isinstance(num, bool) or not isinstance(num, int) or num < 1:
        raise ValueError(f"num must be a positive integer, got {num!r}")
    if formalism not in FORMALISMS:
        raise ValueError(f"formalism must be one of {', '.join(FORMALISMS)}, got {formalism!r}")
    folder = load_app_folder(Path(app_dir))
    network_config = _network(folder, config, network_config_file, hardware)
    sim = Simulator(seed=seed)
    network = Network(network_config, sim, formalism=formalism)
    base = Path(log_dir) if log_dir is not None else folder.path / "log"
    logs = RunLogs(base if log_to_files else None)
    # Apps build netqasm's app loggers from this folder; without log files
    # they still get a path (their records are dropped, never written).
    log_folder = str(logs.folder if logs.folder is not None else base)
    log_config = LogConfig(track_lines=track_lines, log_subroutines_dir=log_folder,
                           comm_log_dir=log_folder if logs.enabled else None,
                           app_dir=str(folder.path), log_dir=str(base))
    run = AppRun(network, folder.roles, logs, track_lines=track_lines)
    if logs.enabled:
        for node in network.nodes.values():
            record_instructions(node, logs)
        record_entanglement(network, logs)
    results: list[dict[str, Any]] = []
    saved_path = sys.path[:]
    modules_before = set(sys.modules)
    sys.path.insert(0, str(folder.path))
    try:
        with compat_imports(NETQASM_MAPS), running(run), Baton(sim) as baton:
            mains = {role: load_main(folder, role, sim_context) for role in folder.files}
            sim.process(
                _rounds(run, baton, folder, mains, num, log_config, sim_context, results),
                name="netqsim simulate")
            try:
                sim.run()
            except ProcessError as error:
                raise _app_error(error) from error.exception
    finally:
        forget_script_modules(folder.path, modules_before)
        sys.path[:] = saved_path
    logs.write(results)
    return results


def _app_error(error: ProcessError) -> BaseException:
    """The AppError of a failed app (see :func:`_app`); other failures as they are."""
    return getattr(error.exception, "netqsim_app", None) or error


def _app(role: str, file: str, round_index: int, sim: Simulator, main: Any,
         inputs: dict[str, Any]) -> Any:
    """One app's main, on its thread; a failure is tagged with where it happened."""
    try:
        return main(**inputs)
    except Exception as exc:
        exc.netqsim_app = AppError(role, file, round_index, sim.now, exc)  # type: ignore[attr-defined]
        raise


def _rounds(run: AppRun, baton: Baton, folder: AppFolder, mains: dict[str, Any], num: int,
            log_config: LogConfig, sim_context: bool,
            results: list[dict[str, Any]]) -> Generator[Any, Any, None]:
    sim = run.sim
    for index in range(num):
        apps = {}
        for role, main in mains.items():
            inputs = dict(folder.inputs[role])
            if sim_context:
                inputs["app_config"] = AppConfig(
                    app_name=role, node_name=folder.roles[role], main_func=main,
                    log_config=log_config, inputs=dict(folder.inputs[role]))
            apps[role] = baton.spawn(role, _app, role, folder.files[role], index, sim, main,
                                     inputs)
        yield sim.all_of(list(apps.values()))
        for connection in list(run.open_connections):
            connection.stop()  # an app that never left its `with NetQASMConnection` block
        run.logs.collect_app_logs()
        results.append({f"app_{role}": app.value for role, app in apps.items()})
