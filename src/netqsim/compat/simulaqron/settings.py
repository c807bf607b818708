"""``simulaqron.settings``: the script's own ``network_config`` and ``simulaqron_settings``.

Under SimulaQron each script is a process with its own settings objects; here
every script runs in one process, so these two names stand for the running
script's objects (:class:`~netqsim.compat.simulaqron.context.ScriptNode`):
``network_config.read_from_file(...)`` in one script changes that script's
configuration only. Before a script reads a file, ``network_config`` holds the
run's SimulaQron network (``--network``, the folder's ``simulaqron_network.json``
or SimulaQron's default network).
"""

from __future__ import annotations

from typing import Any

from netqsim.compat.simulaqron.context import current_script
from netqsim.compat.simulaqron.networks import (
    NetworkConfigBuilder,
    NetworksConfiguration,
    SimulaqronConfig,
)

__all__ = [
    "NetworkConfigBuilder",
    "NetworksConfiguration",
    "SimulaqronConfig",
    "network_config",
    "simulaqron_settings",
]


class ScriptSettings:
    """Stands for one settings object of the running script (``attr`` names which)."""

    def __init__(self, attr: str) -> None:
        object.__setattr__(self, "_attr", attr)

    def _target(self) -> Any:
        return getattr(current_script(), object.__getattribute__(self, "_attr"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target(), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target(), name, value)

    def __getitem__(self, key: Any) -> Any:
        return self._target()[key]

    def __repr__(self) -> str:
        return f"<the running script's {object.__getattribute__(self, '_attr')}>"


network_config = ScriptSettings("network_config")
simulaqron_settings = ScriptSettings("settings")
