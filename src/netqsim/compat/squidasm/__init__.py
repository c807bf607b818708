"""SquidASM's, NetSquid's, netsquid-netbuilder's and pydynaa's names, mapped onto netqsim.

:data:`MODULES` is the table that ``netqsim squidasm SCRIPT`` installs with
:func:`netqsim.compat.hook.compat_imports`: one :class:`ModuleMap` per foreign
module, each served by one small module of this package.
"""

from __future__ import annotations

from netqsim.compat.hook import ModuleMap

__all__ = ["MODULES"]

_P = "netqsim.compat.squidasm."


def _net(name: str, *names: str) -> ModuleMap:
    return ModuleMap(name, _P + "netbuilder", names)


_QDEVICES = ("GenericQDeviceConfig", "NVQDeviceConfig")
_CLINKS = ("DefaultCLinkConfig", "InstantCLinkConfig")
_QLINKS = ("DepolariseQLinkConfig", "HeraldedDoubleClickQLinkConfig",
           "HeraldedSingleClickQLinkConfig", "PerfectQLinkConfig")
_LINKS = ("DepolariseLinkConfig", "HeraldedDoubleClickLinkConfig",
          "HeraldedSingleClickLinkConfig", "PerfectLinkConfig")
_NB = "netsquid_netbuilder.modules."
_UTIL = ("create_complete_graph_network", "create_two_node_network", "get_qubit_state",
         "get_reference_state")

MODULES: tuple[ModuleMap, ...] = (
    ModuleMap("squidasm.run.stack.run", _P + "stack_run"),
    ModuleMap("squidasm.run.stack.config", _P + "stack_config"),
    ModuleMap("squidasm.sim.stack.program", _P + "stack_program",
              ("Program", "ProgramContext", "ProgramMeta")),
    ModuleMap("squidasm.sim.stack.csocket", _P + "stack_program", ("ClassicalSocket",)),
    ModuleMap("squidasm.sim.stack.common", _P + "logs"),
    ModuleMap("netsquid_netbuilder.logger", _P + "logs"),
    ModuleMap("netsquid_driver.logger", _P + "logs"),
    ModuleMap("squidasm.util", _P + "util", _UTIL),
    ModuleMap("squidasm.util.util", _P + "util", _UTIL),
    ModuleMap("squidasm.util.routines", _P + "routines"),
    ModuleMap("squidasm.util.qkd_routine", _P + "qkd_routine"),
    ModuleMap("netsquid", _P + "netsquid"),
    ModuleMap("netsquid.qubits", _P + "netsquid", ("QFormalism", "set_qstate_formalism")),
    ModuleMap("netsquid.qubits.qformalism", _P + "netsquid",
              ("QFormalism", "set_qstate_formalism")),
    ModuleMap("netsquid.qubits.ketstates", _P + "ketstates"),
    ModuleMap("netsquid.util", _P + "netsquid", ("sim_reset", "sim_time")),
    ModuleMap("netsquid.util.simtools", _P + "netsquid", ("sim_reset", "sim_time")),
    ModuleMap("pydynaa", _P + "pydynaa"),
    ModuleMap("netsquid_netbuilder.base_configs", _P + "network_config",
              ("CLinkConfig", "LinkConfig", "NetworkConfig", "ProcessingNodeConfig",
               "StackConfig", "StackNetworkConfig")),
    ModuleMap("netsquid_driver.classical_socket_service", _P + "stack_program",
              ("ClassicalSocket",)),
    ModuleMap("netsquid_netbuilder.util.network_generation", _P + "util",
              ("create_complete_graph_network", "create_simple_network")),
    _net(_NB + "qdevices", *_QDEVICES),
    _net(_NB + "qdevices.generic", "GenericQDeviceConfig"),
    _net(_NB + "qdevices.nv", "NVQDeviceConfig"),
    _net(_NB + "clinks", *_CLINKS),
    _net(_NB + "clinks.default", "DefaultCLinkConfig"),
    _net(_NB + "clinks.instant", "InstantCLinkConfig"),
    _net(_NB + "qlinks", *_QLINKS),
    _net(_NB + "qlinks.depolarise", "DepolariseQLinkConfig"),
    _net(_NB + "qlinks.perfect", "PerfectQLinkConfig"),
    _net(_NB + "qlinks.heralded_double_click", "HeraldedDoubleClickQLinkConfig"),
    _net(_NB + "qlinks.heralded_single_click", "HeraldedSingleClickQLinkConfig"),
    _net(_NB + "links", *_LINKS),
    _net(_NB + "links.depolarise", "DepolariseLinkConfig"),
    _net(_NB + "links.perfect", "PerfectLinkConfig"),
    _net(_NB + "links.heralded_double_click", "HeraldedDoubleClickLinkConfig"),
    _net(_NB + "links.heralded_single_click", "HeraldedSingleClickLinkConfig"),
    _net("netsquid_magic.models.depolarise", "DepolariseLinkConfig"),
    _net("netsquid_magic.models.perfect", "PerfectLinkConfig"),
    _net("netsquid_magic.models.heralded_double_click", "HeraldedDoubleClickLinkConfig"),
    _net("netsquid_magic.models.heralded_single_click", "HeraldedSingleClickLinkConfig"),
)
