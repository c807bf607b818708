"""SimulaQron's names, and netqasm's ``netqasm.sdk.external`` as SimulaQron scripts see it.

:data:`MODULES` is the table ``netqsim simulaqron`` installs with
:func:`netqsim.compat.hook.compat_imports`. The modules of this package:

* :mod:`.networks`: SimulaQron's network and settings files and classes;
* :mod:`.context`: the run and its scripts (each script is one node);
* :mod:`.settings`: ``network_config`` / ``simulaqron_settings``, per script;
* :mod:`.host_config`: ``SocketsConfig``;
* :mod:`.loop`: asyncio's event loop in simulated time;
* :mod:`.transport`: its connections and listening servers, over classical streams;
* :mod:`.protocol`: ``SimulaQronClassicalClient`` / ``SimulaQronClassicalServer``;
* :mod:`.connection`: the blocking ``NetQASMConnection``, ``Socket`` and
  ``BroadcastChannel`` (netqsim's application-folder versions, with SimulaQron's
  arguments);
* :mod:`.netstack`: SimulaQron's entanglement semantics (``create_keep`` does
  not wait for the peer's ``recv_keep``).
"""

from __future__ import annotations

from netqsim.compat.hook import ModuleMap

__all__ = ["MODULES"]

_P = "netqsim.compat.simulaqron."
_NETWORK_NAMES = ("DEFAULT_SIMULAQRON_NETWORK_FILENAME", "NetworkConfig", "NetworkConfigBuilder",
                  "NetworksConfiguration", "NodeConfig", "NodeConfigType")
_EXTERNAL = ("BroadcastChannel", "NetQASMConnection", "Socket", "get_qubit_state")

MODULES: tuple[ModuleMap, ...] = (
    ModuleMap("simulaqron.settings", _P + "settings"),
    ModuleMap("simulaqron.settings.network_config", _P + "networks", _NETWORK_NAMES),
    ModuleMap("simulaqron.settings.simulaqron_config", _P + "networks",
              ("DEFAULT_SIMULAQRON_SETTINGS_FILENAME", "SimulaqronConfig")),
    ModuleMap("simulaqron.general.host_config", _P + "host_config"),
    ModuleMap("simulaqron.sdk.protocol", _P + "protocol"),
    ModuleMap("simulaqron.sdk.connection", _P + "connection", ("SimulaQronConnection",)),
    ModuleMap("simulaqron.sdk.socket", _P + "connection", ("Socket",)),
    ModuleMap("simulaqron.sdk.broadcast_channel", _P + "connection", ("BroadcastChannel",)),
    ModuleMap("simulaqron.sim_util", _P + "connection", ("get_qubit_state",)),
    ModuleMap("netqasm.sdk.external", _P + "connection", _EXTERNAL),
)
