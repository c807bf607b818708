"""Helpers for programs, notebooks and tests: state inspection, routines, statistics.

* :mod:`netqsim.util.state`: ``get_qubit_state`` (a program's qubit or its
  whole state group, as a density matrix), ``get_reference_state`` (SquidASM's
  Bloch-angle convention), fidelity to a pure or Bell state.
* :mod:`netqsim.util.routines`: teleportation, distributed CNOT/CPHASE, GHZ
  over a chain (or line of sockets) or star, entanglement-based QKD, remote
  state preparation, XY-plane measurement, ints and floats on classical
  sockets; usable with ``yield from`` and with ``await``.
* :mod:`netqsim.util.stats`: estimates with standard errors.
"""

from netqsim.util.routines import (
    QKDResult,
    Routine,
    distributed_CNOT_control,
    distributed_cnot_control,
    distributed_CNOT_target,
    distributed_cnot_target,
    distributed_CPhase_control,
    distributed_cphase_control,
    distributed_CPhase_target,
    distributed_cphase_target,
    ghz_chain,
    ghz_line,
    ghz_star_center,
    ghz_star_leaf,
    measure_xy,
    measured_basis,
    qkd_receiver,
    qkd_sender,
    queue_recv_remote_state,
    queue_remote_state,
    recv_float,
    recv_int,
    recv_remote_state,
    remote_state_prepare,
    routine,
    send_float,
    send_int,
    teleport_recv,
    teleport_send,
)
from netqsim.util.state import (
    bell_fidelity,
    fidelity_to,
    get_qubit_state,
    get_reference_ket,
    get_reference_state,
    qubit_location,
    state_group,
)
from netqsim.util.stats import Estimate, mean_estimate, proportion, within_sigmas

__all__ = [
    "Estimate",
    "QKDResult",
    "Routine",
    "bell_fidelity",
    "distributed_CNOT_control",
    "distributed_CNOT_target",
    "distributed_CPhase_control",
    "distributed_CPhase_target",
    "distributed_cnot_control",
    "distributed_cnot_target",
    "distributed_cphase_control",
    "distributed_cphase_target",
    "fidelity_to",
    "get_qubit_state",
    "get_reference_ket",
    "get_reference_state",
    "ghz_chain",
    "ghz_line",
    "ghz_star_center",
    "ghz_star_leaf",
    "mean_estimate",
    "measure_xy",
    "measured_basis",
    "proportion",
    "qkd_receiver",
    "qkd_sender",
    "qubit_location",
    "queue_recv_remote_state",
    "queue_remote_state",
    "recv_float",
    "recv_int",
    "recv_remote_state",
    "remote_state_prepare",
    "routine",
    "send_float",
    "send_int",
    "state_group",
    "teleport_recv",
    "teleport_send",
    "within_sigmas",
]
