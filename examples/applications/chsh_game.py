"""The CHSH game: two players who share a pair win more often than classically possible.

A referee gives Alice a random bit x and Bob a random bit y (each program
draws its own with ``context.rng``); they answer a and b without talking
and win if ``a XOR b = x AND y``. Classical strategies win at most 75 % of
the time. With a shared pair, Alice measures Z (x = 0) or X (x = 1) and Bob
(Z + X)/sqrt2 (y = 0) or (Z - X)/sqrt2 (y = 1).

Closed form: a Werner pair of fidelity F has correlators ``w/sqrt2`` in
these bases (``w = (4F-1)/3``), so ``S = 2 sqrt2 w`` and
``P(win) = (1 + w/sqrt2)/2``. Single-qubit gate depolarising noise p1 scales
a correlator by (1 - p1) per basis-change gate (Alice's H for x = 1, Bob's
rotation always).

Run: ``python examples/applications/chsh_game.py [CONFIG] [--runs N]``
(default ``configs/werner_link_two_nodes.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report, werner

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import Estimate, proportion

DEFAULT = "werner_link_two_nodes.yaml"


class Player(Program):
    """Alice (``create``) or Bob (``recv``): get a bit, measure the half, answer."""

    def __init__(self, peer: str, role: str) -> None:
        self.peer, self.role = peer, role

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(f"chsh_{self.role}", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: Any) -> Any:
        question = int(context.rng.integers(2))
        socket = context.epr_sockets[self.peer]
        q = (socket.create_keep if self.role == "create" else socket.recv_keep)()[0]
        if self.role == "create":
            if question:
                q.H()
        else:  # Ry(-pi/4) then Z measures (Z+X)/sqrt2; Ry(pi/4): (Z-X)/sqrt2
            q.rot_Y(n=7 if question == 0 else 1, d=2)
        answer = q.measure()
        yield from context.connection.flush()
        return {"question": question, "answer": int(answer)}


def expected(config: StackNetworkConfig) -> tuple[float, float]:
    """Closed-form (win probability, CHSH value S) for ``config``."""
    w = werner(link_fidelity(config, "Alice", "Bob"))
    pa, _ = gate_noise(config, "Alice")
    pb, _ = gate_noise(config, "Bob")
    mean_correlator = w / math.sqrt(2) * (1 - pb) * (1 + (1 - pa)) / 2
    return (1 + mean_correlator) / 2, 4 * mean_correlator


def simulate(config: StackNetworkConfig, runs: int = 2000, seed: int = 5) -> list[Row]:
    """Rows: win probability and the CHSH value S (four correlators)."""
    results = netqsim.run(config, {"Alice": Player("Bob", "create"),
                                   "Bob": Player("Alice", "recv")},
                          num_times=runs, seed=seed)
    rounds = list(zip(results["Alice"], results["Bob"], strict=True))
    wins = sum((a["answer"] ^ b["answer"]) == (a["question"] & b["question"])
               for a, b in rounds)
    s_value, variance = 0.0, 0.0
    for x in (0, 1):
        for y in (0, 1):
            signs = [1 - 2 * (a["answer"] ^ b["answer"]) for a, b in rounds
                     if a["question"] == x and b["question"] == y]
            mean = sum(signs) / len(signs)
            s_value += -mean if x == y == 1 else mean
            variance += max(1 - mean**2, 1 / len(signs)) / len(signs)
    win_p, s_expected = expected(config)
    return [Row("P(win)", proportion(wins, runs), win_p),
            Row("CHSH value S", Estimate(s_value, math.sqrt(variance), runs), s_expected)]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 2000, 5).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    report(f"CHSH game, {args.runs} rounds (classical bound: P(win) 0.75, S 2)", rows,
           [memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
