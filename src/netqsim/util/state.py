"""State inspection during a simulation: what SquidASM's ``get_qubit_state`` gives.

A program can look at the simulated quantum state of its own qubits::

    from netqsim.util import get_qubit_state, get_reference_state, fidelity_to

    q = Qubit(conn)
    q.rot_Y(angle=theta)
    yield from conn.flush()            # the state is what the controller has done so far
    rho = get_qubit_state(q)           # 2x2 density matrix (pending decoherence applied)
    fid = fidelity_to(rho, get_reference_state(0.0, theta))

The qubit is found through its connection (``conn.network``), so this works
in any number of simulations per process and needs no global state.
Inspecting a qubit applies its pending memory decoherence (up to now) and
counts as touching it, as in NetSquid; it does not change the state otherwise.

Bloch-sphere convention (SquidASM's ``get_reference_state``):
``|psi(phi, theta)> = cos(theta/2)|0> + e^{i phi} sin(theta/2)|1>``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from netqsim.hardware.processor import QuantumProcessor, joint_state
from netqsim.quantum.states import bell_state, fidelity

__all__ = [
    "bell_fidelity",
    "fidelity_to",
    "get_qubit_state",
    "get_reference_ket",
    "get_reference_state",
    "qubit_location",
    "state_group",
]


def _network_of(qubit: Any) -> Any:
    conn = getattr(qubit, "_conn", None)
    if conn is None:
        raise TypeError(f"expected a netqasm SDK Qubit, got {type(qubit).__name__}")
    network = getattr(conn, "network", None)
    if network is None:
        raise RuntimeError(
            "this qubit's connection is not attached to a simulated netqsim network; "
            "get_qubit_state works inside programs run by netqsim.run (or a Network)"
        )
    return network


def qubit_location(qubit: Any) -> tuple[QuantumProcessor, int]:
    """The processor and position that hold an SDK qubit now.

    Raises ``KeyError`` if the qubit is not (or no longer) allocated, for
    example after it was measured with ``inplace=False`` or freed.
    """
    network = _network_of(qubit)
    conn = qubit._conn
    node = network.node(conn.node_name)
    position = node.controller.executor.physical_position(conn.app_id, int(qubit.qubit_id))
    return node.processor, position


def state_group(qubit: Any) -> list[tuple[str, int]]:
    """``(node name, position)`` of every qubit in the state group of ``qubit``.

    The given qubit comes first, then the others in node order (as in the
    network config) and position order; this is the qubit order of
    ``get_qubit_state(qubit, full_state=True)``.
    """
    return [(proc.name, pos) for proc, pos in _group_placements(qubit)]


def _group_placements(qubit: Any) -> list[tuple[QuantumProcessor, int]]:
    network = _network_of(qubit)
    proc, pos = qubit_location(qubit)
    engine_qubit = proc.qubit_at(pos)
    if engine_qubit is None:
        raise KeyError(f"position {pos} of {proc.name!r} holds no qubit")
    members = {id(q) for q in proc.engine.group_of(engine_qubit)}
    placements = [(proc, pos)]
    for node in network.nodes.values():
        other = node.processor
        for p in range(other.num_positions):
            held = other.qubit_at(p)
            if held is not None and id(held) in members and (other is not proc or p != pos):
                placements.append((other, p))
    return placements


def get_qubit_state(
    qubit: Any | Sequence[Any], node_name: str | None = None, full_state: bool = False
) -> np.ndarray:
    """Density matrix of a qubit (or of several) of a running program.

    * ``qubit``: an SDK ``Qubit`` (or a list of them, from any nodes: their
      joint reduced density matrix, in the order given).
    * ``full_state=True``: the density matrix of the qubit's whole state group,
      which may include qubits of other nodes (an EPR pair's other half);
      the order is :func:`state_group`'s, the given qubit first.
    * ``node_name``: accepted for SquidASM compatibility
      (``get_qubit_state(q, node_name)``); if given it must be the qubit's node.

    Flush before calling: the state is what the node controller has executed
    so far. Pending memory decoherence is applied first.
    """
    qubits: list[Any] = list(qubit) if isinstance(qubit, (list, tuple)) else [qubit]
    if not qubits:
        raise ValueError("get_qubit_state needs at least one qubit")
    if node_name is not None:
        for q in qubits:
            actual = q._conn.node_name
            if actual != node_name:
                raise ValueError(
                    f"qubit {q.qubit_id} belongs to node {actual!r}, not {node_name!r}"
                )
    if full_state:
        if len(qubits) != 1:
            raise ValueError("full_state=True takes a single qubit")
        return joint_state(_group_placements(qubits[0]))
    return joint_state([qubit_location(q) for q in qubits])


def get_reference_ket(phi: float, theta: float) -> np.ndarray:
    """State vector ``cos(theta/2)|0> + e^{i phi} sin(theta/2)|1>``."""
    return np.array(
        [math.cos(theta / 2), complex(math.cos(phi), math.sin(phi)) * math.sin(theta / 2)],
        dtype=complex,
    )


def get_reference_state(phi: float, theta: float) -> np.ndarray:
    """Density matrix of the pure state at Bloch angles ``phi`` (azimuth) and ``theta``.

    SquidASM's convention: ``theta`` from the Z axis, ``phi`` from the X axis,
    i.e. ``Rz(phi) Ry(theta) |0>`` up to a global phase.
    """
    ket = get_reference_ket(phi, theta)
    return np.outer(ket, ket.conj())


def fidelity_to(state: np.ndarray, reference: np.ndarray) -> float:
    """Fidelity ``<psi|rho|psi>`` of ``state`` (dm or ket) to a pure ``reference`` (ket or dm)."""
    return fidelity(state, reference)


def bell_fidelity(state: np.ndarray, index: int = 0) -> float:
    """Fidelity of a two-qubit state to Bell state ``index`` (0=Phi+, 1=Psi+, 2=Phi-, 3=Psi-)."""
    return fidelity(state, bell_state(index))
