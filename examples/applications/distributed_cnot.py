"""A CNOT between qubits on two nodes (one EPR pair, two classical bits).

Alice's control is |+>, Bob's target |0>: a perfect distributed CNOT leaves
them in Phi+. Both sides use ``distributed_CNOT_control`` /
``distributed_CNOT_target`` from ``netqsim.util``; Bob then reads the exact
two-qubit state (``get_qubit_state(q, full_state=True)``: his target and
Alice's control) while Alice waits for him. A second figure of merit is
statistical: both measure in Z (runs alternate) or X, and agree.

Closed form (noiseless gates): a Werner pair of fidelity F gives Pauli errors
X (target), Z (control) or both, each with probability (1-F)/3, so the
output's fidelity to Phi+ is F; Z and X agreement are 1 - 2(1-F)/3.

Run: ``python examples/applications/distributed_cnot.py [CONFIG] [--runs N]``
(default ``configs/werner_link_two_nodes.yaml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import (
    bell_fidelity,
    distributed_CNOT_control,
    distributed_CNOT_target,
    get_qubit_state,
    mean_estimate,
    proportion,
)

DEFAULT = "werner_link_two_nodes.yaml"


class Control(Program):
    """Alice: control qubit |+>."""

    def __init__(self) -> None:
        self.count = 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("cnot_control", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=2)

    def run(self, context: Any) -> Any:
        basis = "ZX"[self.count % 2]
        self.count += 1
        ctrl = Qubit(context.connection)
        ctrl.H()
        yield from distributed_CNOT_control(context, "Bob", ctrl)
        socket = context.csockets["Bob"]
        socket.send("done")
        yield from socket.recv()  # Bob has looked at the state
        if basis == "X":
            ctrl.H()
        m = ctrl.measure()
        yield from context.connection.flush()
        return {"m": int(m), "basis": basis}


class Target(Program):
    """Bob: target qubit |0>; records the exact fidelity of (target, control) to Phi+."""

    def __init__(self) -> None:
        self.count = 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("cnot_target", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=2)

    def run(self, context: Any) -> Any:
        basis = "ZX"[self.count % 2]
        self.count += 1
        target = Qubit(context.connection)
        yield from distributed_CNOT_target(context, "Alice", target)
        socket = context.csockets["Alice"]
        yield from socket.recv()  # Alice applied her correction
        fid = bell_fidelity(get_qubit_state(target, full_state=True))
        socket.send("seen")
        if basis == "X":
            target.H()
        m = target.measure()
        yield from context.connection.flush()
        return {"m": int(m), "basis": basis, "fidelity": fid}


def simulate(config: StackNetworkConfig, runs: int = 400, seed: int = 11) -> list[Row]:
    """Rows: exact fidelity to Phi+, Z agreement, X agreement."""
    results = netqsim.run(config, {"Alice": Control(), "Bob": Target()},
                          num_times=runs, seed=seed)
    f = link_fidelity(config, "Alice", "Bob")
    pairs = list(zip(results["Alice"], results["Bob"], strict=True))
    rows = [Row("fidelity to Phi+ (density matrix)",
                mean_estimate(b["fidelity"] for _, b in pairs), f)]
    for basis in "ZX":
        same = [a["m"] == b["m"] for a, b in pairs if a["basis"] == basis]
        rows.append(Row(f"{basis} agreement", proportion(sum(same), len(same)),
                        1 - 2 * (1 - f) / 3))
    return rows


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 400, 11).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    noisy = any(gate_noise(config, n) != (0.0, 0.0) for n in ("Alice", "Bob"))
    report(f"Distributed CNOT, control |+>, target |0>, {args.runs} runs", rows,
           ["the closed form covers link noise only; this config has gate noise"
            if noisy else "", memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
