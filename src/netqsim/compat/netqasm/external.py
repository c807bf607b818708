"""What ``netqasm.sdk.external`` gives apps inside a netqsim application run.

netqasm's ``netqasm.sdk.external`` picks its classes by ``NETQASM_SIMULATOR``
(SquidASM, SimulaQron, ...); inside ``netqsim simulate`` it is always this.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from netqsim.compat.netqasm.connection import NetQASMConnection
from netqsim.compat.netqasm.sockets import BroadcastChannel, Socket
from netqsim.util.state import get_qubit_state as _state

__all__ = ["BroadcastChannel", "NetQASMConnection", "Socket", "get_qubit_state"]


def get_qubit_state(qubit: Any, reduced_dm: bool = True) -> np.ndarray:
    """The density matrix of an app's qubit (SquidASM's ``get_qubit_state``).

    ``reduced_dm=True``: the qubit's own (reduced) state; False: the state of
    every qubit it is entangled with, the given qubit first. Flush first.
    """
    return _state(qubit, full_state=not reduced_dm)
