"""``squidasm.util.routines``: SquidASM's routines, each one netqsim routine.

Same names and signatures as SquidASM's, usable with ``yield from`` (and
``await``):

* ``measXY`` is :func:`netqsim.util.measure_xy` (same basis convention).
* ``send_int``/``recv_int``, ``send_float``/``recv_float`` are netqsim's.
* ``remote_state_preparation(epr_socket, theta)`` and
  ``recv_remote_state_preparation(epr_socket)`` queue without flushing, as
  SquidASM's do: :func:`netqsim.util.queue_remote_state` and
  :func:`netqsim.util.queue_recv_remote_state`.
* ``create_ghz(connection, down_epr_socket, up_epr_socket, down_socket,
  up_socket, do_corrections=False)`` is :func:`netqsim.util.ghz_line` with
  SquidASM's default (no corrections); it returns ``(qubit, m)``.
"""

from __future__ import annotations

from typing import Any

from netqsim.util import (
    Routine,
    distributed_CNOT_control,
    distributed_CNOT_target,
    distributed_CPhase_control,
    distributed_CPhase_target,
    ghz_line,
    recv_float,
    recv_int,
    send_float,
    send_int,
    teleport_recv,
    teleport_send,
)
from netqsim.util import measure_xy as measXY
from netqsim.util import queue_recv_remote_state as recv_remote_state_preparation
from netqsim.util import queue_remote_state as remote_state_preparation

__all__ = [
    "create_ghz",
    "distributed_CNOT_control",
    "distributed_CNOT_target",
    "distributed_CPhase_control",
    "distributed_CPhase_target",
    "measXY",
    "recv_float",
    "recv_int",
    "recv_remote_state_preparation",
    "remote_state_preparation",
    "send_float",
    "send_int",
    "teleport_recv",
    "teleport_send",
]


def create_ghz(
    connection: Any,
    down_epr_socket: Any = None,
    up_epr_socket: Any = None,
    down_socket: Any = None,
    up_socket: Any = None,
    do_corrections: bool = False,
) -> Routine[tuple[Any, int]]:
    """SquidASM's ``create_ghz``: :func:`netqsim.util.ghz_line`, corrections if asked."""
    return ghz_line(connection, down_epr_socket, up_epr_socket, down_socket, up_socket,
                    corrections=do_corrections)
