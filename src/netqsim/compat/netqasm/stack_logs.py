"""Record what a network's nodes execute, for netqasm's instruction and network logs.

:func:`record_instructions` makes a node's executor report every quantum
instruction it has executed (netqasm's ``InstrLogEntry``, simulated time in
``SIT``) into the run's logs, under the app that sent it;
:func:`record_entanglement` reports the start and end of every entanglement
generation (``NetworkLogEntry``). Both subscribe to the observer hooks of
the network they are given (``NodeExecutor.observe_instructions``, and a
:class:`~netqsim.network.pair_observer.PairObserver` on its links and
executors), and are used only when the run logs to files: without them
nothing is paid.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

from netqasm.lang.encoding import RegisterName
from netqasm.lang.instr import core
from netqasm.lang.operand import ArrayEntry, Register
from netqasm.logging.output import should_ignore_instr
from netqasm.runtime.interface.logging import (
    EntanglementStage,
    EntanglementType,
    InstrLogEntry,
    NetworkLogEntry,
)

from netqsim.qnodeos.dispatch import Frame, slot

if TYPE_CHECKING:
    from netqsim.compat.netqasm.logs import RunLogs
    from netqsim.network.link_layer import EntanglementLink
    from netqsim.runtime.network import Network, Node

__all__ = ["record_entanglement", "record_instructions"]


def _value(frame: Frame, operand: Any) -> Any:
    if isinstance(operand, Register):
        return frame.regs[slot(operand)]
    if isinstance(operand, ArrayEntry):
        index = operand.index
        index = frame.regs[slot(index)] if isinstance(index, Register) else index
        try:
            return frame.arrays[operand.address.address, index]
        except (IndexError, KeyError, TypeError):
            return None
    if isinstance(operand, int):
        return operand
    return getattr(operand, "value", None)  # an Immediate


def _entry(node: Node, frame: Frame, pc: int, instr: Any) -> dict[str, Any]:
    operands = instr.operands
    values = [_value(frame, op) for op in operands]
    virtual = [_value(frame, op) for op in operands
               if isinstance(op, Register) and op.name == RegisterName.Q]
    unit = frame.unit_module
    physical = [unit[v] if v is not None and 0 <= v < len(unit) else None for v in virtual]
    if isinstance(instr, core.RotationInstruction | core.ControlledRotationInstruction):
        angle = {"num": instr.angle_num.value, "den": 2 ** instr.angle_denom.value}
    else:
        angle = None
    outcome = frame.regs[slot(instr.creg)] if isinstance(instr, core.MeasInstruction) else None
    ops = [f"{op}={value}" for op, value in zip(operands, values, strict=True)]
    return asdict(InstrLogEntry(
        WCT=str(datetime.now()), SIT=int(node.host.sim.now), AID=frame.app_id,
        SID=frame.subroutine_id, PRC=pc, HLN=None, HFL=None, INS=instr.mnemonic, OPR=ops,
        ANG=angle, QID=virtual, VID=physical, OUT=outcome, QGR=None,
        LOG=f"Doing instruction {instr.mnemonic} with operands {ops}"))


def _logged(instr: Any) -> bool:
    """True for the instructions netqasm logs: quantum ones, but no allocation, free or EPR."""
    return not should_ignore_instr(instr) and any(
        isinstance(op, Register) and op.name == RegisterName.Q for op in instr.operands)


def record_instructions(node: Node, logs: RunLogs) -> None:
    """Log each quantum instruction ``node`` executes into ``logs.instrs[<app name>]``.

    As netqasm, classical instructions and qubit allocation, freeing and EPR
    instructions are left out.
    """
    connections = node.host.connections

    def log(frame: Frame, pc: int, instr: Any) -> None:
        if _logged(instr):
            conn = connections.get(frame.app_id)
            app = conn.app_name if conn is not None else node.name
            logs.instrs.setdefault(app, []).append(_entry(node, frame, pc, instr))

    node.controller.executor.observe_instructions(log)


def _network_entry(time: float, typ: Any, stage: EntanglementStage, nodes: list[str],
                   path: list[str], qubits: list[Any], bases: Any, outcomes: Any,
                   msg: str) -> dict[str, Any]:
    return asdict(NetworkLogEntry(
        WCT=str(datetime.now()), SIT=int(time), TYP=typ, INS=f"epr_{stage}",
        BAS=bases, MSR=outcomes, NOD=nodes, PTH=path, QID=qubits, QGR=None, LOG=msg))


def _basis(response: Any) -> Any:
    basis = response.measurement_basis
    return getattr(basis, "value", basis)


class _PairRecorder:
    """Logs the start of each generation and, once both halves are delivered, each pair."""

    def __init__(self, network: Network, logs: RunLogs) -> None:
        self._network = network
        self._logs = logs
        self._halves: dict[tuple[Any, ...], tuple[str, Any]] = {}

    def generation_started(self, link: EntanglementLink) -> None:
        """Log netqasm's ``epr_start`` record for ``link``."""
        nodes = [link.stack1, link.stack2]
        self._logs.network.append(_network_entry(
            self._network.sim.now, None, EntanglementStage.START, nodes, [link.name], [], None,
            None, f"start entanglement creation between {nodes[0]} and {nodes[1]}"))

    def pair_delivered(self, node: str, result: Any) -> None:
        """Log netqasm's ``epr_finish`` record when the pair's second half is delivered."""
        node_id = self._network.nodes[node].node_id
        key = (result.create_id, result.sequence_number,
               frozenset((node_id, result.remote_node_id)))
        other = self._halves.pop(key, None)
        if other is None:
            self._halves[key] = (node, result)
            return
        (first_node, first), second = other, result
        measured = hasattr(first, "measurement_outcome")
        typ = f"epr_{EntanglementType.MD if measured else EntanglementType.CK}"
        nodes = [first_node, node]
        link = self._network.links.get(frozenset(nodes))
        self._logs.network.append(_network_entry(
            self._network.sim.now, typ, EntanglementStage.FINISH, nodes,
            [link.name] if link is not None else [],
            # measured pairs hold no qubit (netqasm logs None there too)
            [getattr(first, "logical_qubit_id", None),
             getattr(second, "logical_qubit_id", None)],
            [_basis(first), _basis(second)] if measured else None,
            [first.measurement_outcome, second.measurement_outcome] if measured else None,
            f"entanglement of type {'M' if measured else 'K'} created between "
            f"{nodes[0]} and {nodes[1]}"))


def record_entanglement(network: Network, logs: RunLogs) -> None:
    """Log the start and the end of each pair generation on ``network``'s links."""
    recorder = _PairRecorder(network, logs)
    for link in network.links.values():
        link.observe(recorder)
    for node in network.nodes.values():
        node.controller.executor.observe_pairs(recorder)
