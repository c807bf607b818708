"""Record what a network's nodes execute, for netqasm's instruction and network logs.

:func:`record_instructions` makes a node's executor report every quantum
instruction it has executed (netqasm's ``InstrLogEntry``, simulated time in
``SIT``) into the run's logs, under the app that sent it;
:func:`record_entanglement` reports the start and end of every entanglement
generation (``NetworkLogEntry``). Both act only on the network they are
given, and only when the run logs to files: without them nothing is paid.
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

from netqsim.qnodeos.dispatch import GEN, PLAIN, Frame, slot

if TYPE_CHECKING:
    from netqsim.compat.netqasm.logs import RunLogs
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


def record_instructions(node: Node, logs: RunLogs) -> None:
    """Log each quantum instruction ``node`` executes into ``logs.instrs[<app name>]``.

    As netqasm, classical instructions and qubit allocation, freeing and EPR
    instructions are left out.
    """
    executor = node.controller.executor
    plan = executor.plan
    connections = node.host.connections

    def log(frame: Frame, pc: int, instr: Any) -> None:
        conn = connections.get(frame.app_id)
        app = conn.app_name if conn is not None else node.name
        logs.instrs.setdefault(app, []).append(_entry(node, frame, pc, instr))

    def wrap(pc: int, instr: Any, step: Any) -> Any:
        kind, handler, args = step
        if kind == PLAIN:
            def plain(frame: Frame, arguments: Any) -> None:
                handler(frame, arguments)
                log(frame, pc, instr)
            return (kind, plain, args)

        def generator(frame: Frame, arguments: Any) -> Any:
            result = yield from handler(frame, arguments)
            log(frame, pc, instr)
            return result
        return (kind, generator, args)

    def logged_plan(instructions: list[Any]) -> list[Any]:
        steps = plan(instructions)
        return [
            wrap(pc, instr, step)
            if step[0] in (PLAIN, GEN) and not should_ignore_instr(instr)
            and any(isinstance(op, Register) and op.name == RegisterName.Q
                    for op in instr.operands)
            else step
            for pc, (instr, step) in enumerate(zip(instructions, steps, strict=True))
        ]

    executor.plan = logged_plan  # this executor only: a run without logs pays nothing


def _network_entry(time: float, typ: Any, stage: EntanglementStage, nodes: list[str],
                   path: list[str], qubits: list[Any], bases: Any, outcomes: Any,
                   msg: str) -> dict[str, Any]:
    return asdict(NetworkLogEntry(
        WCT=str(datetime.now()), SIT=int(time), TYP=typ, INS=f"epr_{stage}",
        BAS=bases, MSR=outcomes, NOD=nodes, PTH=path, QID=qubits, QGR=None, LOG=msg))


def _basis(response: Any) -> Any:
    basis = response.measurement_basis
    return getattr(basis, "value", basis)


def record_entanglement(network: Network, logs: RunLogs) -> None:
    """Log the start and the end of each pair generation on ``network``'s links."""
    sim = network.sim
    for link in network.links.values():
        generate = link.generate

        def logged_generate(link: Any = link, generate: Any = generate) -> Any:
            nodes = [link.stack1, link.stack2]
            logs.network.append(_network_entry(
                sim.now, None, EntanglementStage.START, nodes, [link.name], [], None, None,
                f"start entanglement creation between {nodes[0]} and {nodes[1]}"))
            return (yield from generate())

        link.generate = logged_generate
    # A pair's end is logged when both of its halves have been handed to their nodes.
    halves: dict[tuple[Any, ...], tuple[str, Any]] = {}
    for node in network.nodes.values():
        executor = node.controller.executor
        handle = executor.handle_epr_response

        def logged_handle(response: Any, node: Any = node, handle: Any = handle) -> None:
            handle(response)
            key = (response.create_id, response.sequence_number,
                   frozenset((node.node_id, response.remote_node_id)))
            other = halves.pop(key, None)
            if other is None:
                halves[key] = (node.name, response)
                return
            (first_node, first), (second_node, second) = other, (node.name, response)
            measured = hasattr(first, "measurement_outcome")
            typ = f"epr_{EntanglementType.MD if measured else EntanglementType.CK}"
            nodes = [first_node, second_node]
            link = network.links.get(frozenset(nodes))
            logs.network.append(_network_entry(
                sim.now, typ, EntanglementStage.FINISH, nodes,
                [link.name] if link is not None else [],
                # measured pairs hold no qubit (netqasm logs None there too)
                [getattr(first, "logical_qubit_id", None),
                 getattr(second, "logical_qubit_id", None)],
                [_basis(first), _basis(second)] if measured else None,
                [first.measurement_outcome, second.measurement_outcome] if measured else None,
                f"entanglement of type {'M' if measured else 'K'} created between "
                f"{nodes[0]} and {nodes[1]}"))

        executor.handle_epr_response = logged_handle
