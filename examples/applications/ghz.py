"""A GHZ state on N nodes of a chain, grown by fusing neighbour pairs (``ghz_chain``).

Every node calls ``netqsim.util.ghz_chain(context, left, right)`` and gets its
qubit of ``(|0...0> + |1...1>)/sqrt2``. Runs alternate between measuring all
qubits in Z (all outcomes must agree) and in X (the parity must be even).
The nodes are the config's stacks in order; consecutive stacks must share a
link and every node needs classical links to its neighbours.

Closed form, from Pauli-error propagation (a Werner pair of fidelity F is a
random Pauli on the receiving half, each of X, Y, Z with prob. (1-F)/3; a
middle node's CNOT adds depolarising noise p2 on both qubits):

* X-type errors on a received half, or on the half a middle node measures,
  flip every node further down the chain; on a middle node's own qubit after
  its CNOT, they flip that node only. ``P(all equal in Z)`` is the
  probability that these flips leave all bits equal (summed exactly over
  the 2^(2N-3) error patterns);
* Z-type errors on kept qubits flip the X parity:
  ``<X...X> = (1 - p_w)^(N-1) (1 - p2)^(N-2)`` with ``p_w = 4(1-F)/3``.

Run: ``python examples/applications/ghz.py [CONFIG] [--runs N]``
(default ``configs/repeater_chain_5.yaml``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import ghz_chain, proportion

DEFAULT = "repeater_chain_5.yaml"


class GhzNode(Program):
    """One node of the chain: builds its GHZ qubit, measures it in Z or X (alternating)."""

    def __init__(self, left: str | None, right: str | None) -> None:
        self.left, self.right, self.count = left, right, 0

    @property
    def meta(self) -> ProgramMeta:
        peers = [p for p in (self.left, self.right) if p]
        return ProgramMeta("ghz", csockets=peers, epr_sockets=peers, max_qubits=2)

    def run(self, context: Any) -> Any:
        basis = "ZX"[self.count % 2]
        self.count += 1
        q = yield from ghz_chain(context, self.left, self.right)
        if basis == "X":
            q.H()
        m = q.measure()
        yield from context.connection.flush()
        return {"m": int(m), "basis": basis}


def programs(names: Sequence[str]) -> dict[str, Program]:
    """GHZ programs for nodes ``names`` in chain order."""
    return {name: GhzNode(names[i - 1] if i else None,
                          names[i + 1] if i + 1 < len(names) else None)
            for i, name in enumerate(names)}


def _flip(a: float, b: float) -> float:
    return a * (1 - b) + b * (1 - a)


def expected(config: StackNetworkConfig) -> tuple[float, float]:
    """Closed-form (P(all equal in Z), P(even parity in X))."""
    names = config.stack_names
    n = len(names)
    pw = [4 * (1 - link_fidelity(config, a, b)) / 3 for a, b in itertools.pairwise(names)]
    p2 = [gate_noise(config, names[j])[1] for j in range(n)]
    # Boundary i (nodes > i flipped): link i's X-type error, and for i >= 1
    # the X-type error on the half middle node i measures.
    boundary = [_flip(pw[i] / 2, p2[i] / 2 if i >= 1 else 0.0) for i in range(n - 1)]
    single = [p2[j] / 2 for j in range(1, n - 1)]  # middle node j's own qubit only
    p_equal = 0.0
    for bs in itertools.product((0, 1), repeat=n - 1):
        for fs in itertools.product((0, 1), repeat=n - 2):
            prob = 1.0
            for b, p in zip(bs, boundary, strict=True):
                prob *= p if b else 1 - p
            for f, p in zip(fs, single, strict=True):
                prob *= p if f else 1 - p
            flips = [fs[j - 1] if 1 <= j <= n - 2 else 0 for j in range(n)]
            bits = [sum(bs[:k]) % 2 ^ flips[k] for k in range(n)]
            if len(set(bits)) == 1:
                p_equal += prob
    parity = 1.0
    for p in pw:
        parity *= 1 - p
    for j in range(1, n - 1):
        parity *= 1 - p2[j]
    return p_equal, (1 + parity) / 2


def simulate(config: StackNetworkConfig, runs: int = 400, seed: int = 13) -> list[Row]:
    """Rows: P(all equal) in Z runs, P(even parity) in X runs."""
    names = config.stack_names
    results = netqsim.run(config, programs(names), num_times=runs, seed=seed)
    per_run = list(zip(*(results[n] for n in names), strict=True))
    z_runs = [r for r in per_run if r[0]["basis"] == "Z"]
    x_runs = [r for r in per_run if r[0]["basis"] == "X"]
    equal = sum(len({x["m"] for x in r}) == 1 for r in z_runs)
    even = sum(sum(x["m"] for x in r) % 2 == 0 for r in x_runs)
    p_equal, p_even = expected(config)
    return [Row("P(all equal | Z)", proportion(equal, len(z_runs)), p_equal),
            Row("P(even parity | X)", proportion(even, len(x_runs)), p_even)]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 400, 13).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    n = len(config.stack_names)
    report(f"GHZ state on {n} nodes ({' - '.join(config.stack_names)}), {args.runs} runs",
           rows, [memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
