"""Quantum teleportation with the ``netqsim.util`` routines, simulated vs closed form.

Alice prepares ``Ry(pi/4)|0>`` and sends it with ``teleport_send``; Bob gets it
with ``teleport_recv`` (in an ``async def`` program, to show that routines
work with ``await`` too), reads its exact density matrix with
``get_qubit_state`` and then checks it by undoing the preparation and
measuring (outcome 0 = state arrived).

Closed form: :func:`netqsim.demo.closed_form` -- the Werner link gives
``(2F + 1)/3``, and every gate's depolarising noise is included.

Run: ``python examples/applications/teleportation.py [CONFIG] [--runs N] [--seed S]``
(default ``configs/werner_link_two_nodes.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from appkit import Row, load, memory_note, parser, report
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.demo import closed_form
from netqsim.util import (
    fidelity_to,
    get_qubit_state,
    get_reference_state,
    mean_estimate,
    proportion,
    teleport_recv,
    teleport_send,
)

DEFAULT = "werner_link_two_nodes.yaml"
THETA = math.pi / 4


class Sender(Program):
    """Prepares Ry(pi/4)|0> and teleports it to Bob."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("teleport_sender", csockets=["Bob"], epr_sockets=["Bob"],
                           max_qubits=2)

    def run(self, context: Any) -> Any:
        q = Qubit(context.connection)
        q.rot_Y(n=1, d=2)
        m1, m2 = yield from teleport_send(q, context, "Bob")
        return {"m1": m1, "m2": m2}


class Receiver(Program):
    """Receives the qubit, records its exact fidelity, then checks it by measuring."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("teleport_receiver", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=2)

    async def run(self, context: Any) -> Any:
        q = await teleport_recv(context, "Alice")
        exact = fidelity_to(get_qubit_state(q), get_reference_state(0.0, THETA))
        q.rot_Y(n=15, d=2)  # Ry(-pi/4), as Ry(15 pi / 4)
        outcome = q.measure()
        await context.connection.flush()
        return {"fidelity": exact, "outcome": int(outcome)}


def simulate(config: StackNetworkConfig, runs: int = 500, seed: int = 7) -> list[Row]:
    """Teleport ``runs`` times; rows: exact fidelity and P(check outcome 0)."""
    results = netqsim.run(config, {"Alice": Sender(), "Bob": Receiver()},
                          num_times=runs, seed=seed)
    bob = results["Bob"]
    expected = closed_form(config, THETA)
    zeros = sum(r["outcome"] == 0 for r in bob)
    return [
        Row("fidelity (density matrix)", mean_estimate(r["fidelity"] for r in bob),
            expected.fidelity),
        Row("P(check outcome 0)", proportion(zeros, runs), expected.p0),
    ]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 500, 7).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    report(f"Teleportation of Ry(pi/4)|0>, {args.runs} runs", rows,
           [f"link only (2F+1)/3 = {closed_form(config, THETA).link_only:.4f}",
            memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
