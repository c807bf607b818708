"""The state of one application-folder run that netqasm's names reach from inside the apps.

netqasm's ``NetQASMConnection``, ``Socket`` and ``BroadcastChannel`` take only
names (``Socket("alice", "bob")``); netqsim's versions find the simulation
they belong to through :func:`current_run`, a context variable that the
runner sets and that each app thread inherits (:class:`~netqsim.compat.threads.Baton`
copies the spawner's context). Nothing is process-global: two runs in one
process never see each other.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from netqasm.sdk.network import NetworkInfo

from netqsim.compat.threads import user_frame

if TYPE_CHECKING:
    from netqsim.compat.netqasm.logs import RunLogs
    from netqsim.runtime.network import Network

__all__ = ["AppRun", "current_run", "running"]

_current: ContextVar[AppRun | None] = ContextVar("netqsim_netqasm_run", default=None)


class AppRun:
    """One simulation of an application: its network, the roles' nodes, its logs."""

    def __init__(self, network: Network, roles: Mapping[str, str], logs: RunLogs,
                 track_lines: bool = True) -> None:
        self.network = network
        self.sim = network.sim
        self.roles = dict(roles)
        self.logs = logs
        self.track_lines = track_lines
        #: Connections opened by apps and not closed yet (closed at the end of a round).
        self.open_connections: list[Any] = []
        self.network_info = _role_network_info(network.network_info, self.roles)

    def node_of(self, role: str, what: str) -> str:
        """The node that runs ``role``; ValueError naming the roles otherwise."""
        try:
            return self.roles[role]
        except KeyError:
            raise ValueError(
                f"{what} names the app {role!r}, which is not a role of this application "
                f"(roles: {', '.join(sorted(self.roles))})"
            ) from None

    def user_line(self) -> tuple[int | None, str | None]:
        """(line, file) of the app code calling into netqsim now, if lines are tracked."""
        if not self.track_lines:
            return None, None
        frame = user_frame(sys._getframe(1))
        return frame.f_lineno, frame.f_code.co_filename


def _role_network_info(base: type[NetworkInfo], roles: Mapping[str, str]) -> type[NetworkInfo]:
    # netqasm's EPRSocket("bob") asks NetworkInfo for the node of *app* "bob":
    # in an application folder apps are roles, placed on nodes by roles.yaml.
    def node_id_for_app(cls: type, app_name: str) -> int:
        return base._get_node_id(roles.get(app_name, app_name))

    def node_name_for_app(cls: type, app_name: str) -> str:
        return roles.get(app_name, app_name)

    return type(f"Roles{base.__name__}", (base,), {
        "get_node_id_for_app": classmethod(node_id_for_app),
        "get_node_name_for_app": classmethod(node_name_for_app),
    })


def current_run() -> AppRun:
    """The application run the calling app belongs to; RuntimeError outside one."""
    run = _current.get()
    if run is None:
        raise RuntimeError(
            "netqsim's netqasm.sdk.external names work only inside an application run by "
            "netqsim (netqsim simulate --app-dir DIR, or netqsim.simulate_application)")
    return run


@contextmanager
def running(run: AppRun) -> Iterator[AppRun]:
    """Make ``run`` the current run for the block (and the app threads it spawns)."""
    token = _current.set(run)
    try:
        yield run
    finally:
        _current.reset(token)
