"""``squidasm.util.routines``: the netqsim routines that SquidASM has under the same names.

``measXY`` is netqsim's ``measure_xy`` (same arguments and basis convention).
The routines work with ``yield from`` as in SquidASM.
"""

from netqsim.util import (
    distributed_CNOT_control,
    distributed_CNOT_target,
    distributed_CPhase_control,
    distributed_CPhase_target,
    teleport_recv,
    teleport_send,
)
from netqsim.util import measure_xy as measXY

__all__ = [
    "distributed_CNOT_control",
    "distributed_CNOT_target",
    "distributed_CPhase_control",
    "distributed_CPhase_target",
    "measXY",
    "teleport_recv",
    "teleport_send",
]
