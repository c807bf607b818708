"""netqasm's application-folder names, served by netqsim (``netqsim simulate --app-dir``).

* :mod:`~netqsim.compat.netqasm.folder`: read ``app_<role>.py``, inputs, roles.
* :mod:`~netqsim.compat.netqasm.network_yaml`: netqasm's ``network.yaml`` as a
  netqsim network (field by field).
* :mod:`~netqsim.compat.netqasm.connection`, :mod:`~netqsim.compat.netqasm.sockets`,
  :mod:`~netqsim.compat.netqasm.external`: the blocking ``NetQASMConnection``,
  ``Socket``, ``BroadcastChannel`` and ``get_qubit_state`` apps import from
  ``netqasm.sdk.external``; :mod:`~netqsim.compat.netqasm.sim_states` for
  ``netqasm.sdk.toolbox.sim_states``.
* :mod:`~netqsim.compat.netqasm.logs`: the log folder in netqasm's formats.

:data:`NETQASM_MAPS` is the table the import hook serves during a run.
"""

from netqsim.compat.hook import ModuleMap

__all__ = ["NETQASM_MAPS"]

#: ``netqasm.sdk.external`` is a real module that imports SquidASM or
#: SimulaQron, and ``netqasm.sdk.toolbox.sim_states`` one that imports
#: NetSquid; during a run the hook shadows them with netqsim's names.
NETQASM_MAPS = (
    ModuleMap("netqasm.sdk.external", "netqsim.compat.netqasm.external"),
    ModuleMap("netqasm.sdk.toolbox.sim_states", "netqsim.compat.netqasm.sim_states"),
)
