"""The Mermin-Peres magic-square game, won every time with two shared pairs.

Alice gets a row r and Bob a column c of a 3x3 square (each program draws its
own with ``context.rng``). Alice fills her row with bits of even parity, Bob
his column with odd parity; they win if they agree on the shared cell.
Classically at most 8 of the 9 question pairs can be won (P(win) <= 8/9).
Quantum strategy (netqasm's magic_square example): both hold halves of two
Phi+ pairs and measure the commuting two-qubit Pauli observables of their
row or column with ``netqasm.sdk.toolbox.measurements.parity_meas`` (an
ancilla for each two-qubit parity).

Closed form (noiseless gates): a Werner pair of fidelity F is a Pauli error
on one half with probability (1-F) for each of X, Y, Z divided by 3; an
error flips the shared cell's value if it anticommutes with that pair's
Pauli in the cell (probability q = 2(1-F)/3 for a non-identity Pauli).
Of the 9 cells 4 act on one pair and 5 on both, so
``P(win) = 1 - [4 q + 5 * 2 q (1 - q)] / 9``.

Run: ``python examples/applications/magic_square.py [CONFIG] [--runs N]``
(default ``configs/werner_link_two_nodes.yaml``; needs 3 qubits per node).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report
from netqasm.sdk.toolbox.measurements import parity_meas

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import proportion

DEFAULT = "werner_link_two_nodes.yaml"

#: Alice's rows and Bob's columns (netqasm's examples/apps/magic_square).
ROWS = [["XI", "XX", "IX"], ["-XZ", "YY", "-ZX"], ["IZ", "ZZ", "ZI"]]
COLUMNS = [[ROWS[r][c] for r in range(3)] for c in range(3)]


class Player(Program):
    """Alice (``create``, answers a row) or Bob (``recv``, answers a column)."""

    def __init__(self, peer: str, role: str) -> None:
        self.peer, self.role = peer, role

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(f"square_{self.role}", epr_sockets=[self.peer], max_qubits=3)

    def run(self, context: Any) -> Any:
        question = int(context.rng.integers(3))
        socket = context.epr_sockets[self.peer]
        request = socket.create_keep if self.role == "create" else socket.recv_keep
        pair = request(number=2)
        yield from context.connection.flush()
        table = ROWS if self.role == "create" else COLUMNS
        futures = [parity_meas(list(pair), observable) for observable in table[question]]
        yield from context.connection.flush()
        return {"question": question, "answers": [int(m) for m in futures]}


def expected(config: StackNetworkConfig) -> float:
    """Closed-form winning probability (link noise only)."""
    q = 2 * (1 - link_fidelity(config, "Alice", "Bob")) / 3
    return 1 - (4 * q + 5 * 2 * q * (1 - q)) / 9


def simulate(config: StackNetworkConfig, runs: int = 300, seed: int = 9) -> list[Row]:
    """Rows: winning probability, and the parities of the answers (always right)."""
    results = netqsim.run(config, {"Alice": Player("Bob", "create"),
                                   "Bob": Player("Alice", "recv")},
                          num_times=runs, seed=seed)
    wins = parity_ok = 0
    for a, b in zip(results["Alice"], results["Bob"], strict=True):
        r, c = a["question"], b["question"]
        wins += a["answers"][c] == b["answers"][r]
        # Each player's three answers multiply to +1 (row) / -1 (column).
        parity_ok += sum(a["answers"]) % 2 == 0 and sum(b["answers"]) % 2 == 1
    return [Row("P(win)", proportion(wins, runs), expected(config)),
            Row("answers with the right parity", proportion(parity_ok, runs), 1.0)]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 300, 9).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    noisy = any(gate_noise(config, n) != (0.0, 0.0) for n in ("Alice", "Bob"))
    report(f"Magic-square game, {args.runs} rounds (classical bound 8/9 = 0.8889)", rows,
           ["the closed form covers link noise only; this config has gate noise"
            if noisy else "", memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
