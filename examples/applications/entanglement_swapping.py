"""Entanglement swapping along a repeater chain (3 or 5 nodes): end-to-end pairs.

Neighbours share pairs; every inner node Bell-measures its two halves and
sends the two bits to the last node, which applies ``X^(xor of m2) Z^(xor of
m1)``. The end nodes then share one pair. The last node reads its exact
density matrix (``get_qubit_state(q, full_state=True)``) while the first node
waits, then both measure in Z, X or Y (in turn) for a statistical estimate
``F = (1 + <XX> - <YY> + <ZZ>) / 4``.

Closed form: Werner pairs multiply, ``W = prod_i w_i`` with
``w_i = (4 F_i - 1) / 3``. Each inner node's CNOT adds depolarising noise p2
to both qubits, which flips its m2 (an X error) and its m1 (a Z error) with
probability p2/2 each; over k inner nodes an X error survives with
probability ``x = (1 - (1 - p2)^k) / 2`` (likewise z, with the H's p1), and
``F = W (1 - x)(1 - z) + (1 - W) / 4``. Without gate noise
``F = (1 + 3 W) / 4``: the product formula for Werner inputs.

Run: ``python examples/applications/entanglement_swapping.py [CONFIG] [--runs N]``
(default ``configs/repeater_chain_3.yaml``; try ``configs/repeater_chain_5.yaml``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report, werner

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import Estimate, bell_fidelity, get_qubit_state, mean_estimate

DEFAULT = "repeater_chain_3.yaml"
BASES = ("Z", "X", "Y")


def _measure(q: Any, basis: str) -> Any:
    if basis == "X":
        q.H()
    elif basis == "Y":
        q.rot_X(n=1, d=1)  # Rx(pi/2) maps the Y eigenbasis to Z's (outcome 0 = +1)
    return q.measure()


class End(Program):
    """The first (``create``) or last (``recv``) node of the chain."""

    def __init__(self, neighbour: str, other_end: str, inner: Sequence[str], role: str) -> None:
        self.neighbour, self.other_end, self.inner, self.role = (
            neighbour, other_end, list(inner), role)
        self.count = 0

    @property
    def meta(self) -> ProgramMeta:
        csockets = [self.other_end] + (self.inner if self.role == "recv" else [])
        return ProgramMeta(f"swap_end_{self.role}", epr_sockets=[self.neighbour],
                           csockets=list(dict.fromkeys(csockets)), max_qubits=2)

    def run(self, context: Any) -> Any:
        basis = BASES[self.count % 3]
        self.count += 1
        conn, socket = context.connection, context.csockets[self.other_end]
        epr = context.epr_sockets[self.neighbour]
        result: dict[str, Any] = {"basis": basis}
        if self.role == "create":
            q = epr.create_keep()[0]
            yield from conn.flush()
            yield from socket.recv()  # the other end has looked at the pair
        else:
            q = epr.recv_keep()[0]
            yield from conn.flush()
            x = z = 0
            for node in self.inner:
                m1, m2 = (int(v) for v in (yield from context.csockets[node].recv()).split())
                z, x = z ^ m1, x ^ m2
            if x:
                q.X()
            if z:
                q.Z()
            yield from conn.flush()
            result["fidelity"] = bell_fidelity(get_qubit_state(q, full_state=True))
            socket.send("seen")
        m = _measure(q, basis)
        yield from conn.flush()
        result["m"] = int(m)
        return result


class Inner(Program):
    """An inner node: pairs with both neighbours, Bell-measures, reports to the last node."""

    def __init__(self, left: str, right: str, last: str) -> None:
        self.left, self.right, self.last = left, right, last

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("swap_inner", epr_sockets=[self.left, self.right],
                           csockets=[self.last], max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        q1 = context.epr_sockets[self.left].recv_keep()[0]
        q2 = context.epr_sockets[self.right].create_keep()[0]
        q1.cnot(q2)
        q1.H()
        m1, m2 = q1.measure(), q2.measure()
        yield from conn.flush()
        context.csockets[self.last].send(f"{int(m1)} {int(m2)}")
        return {}


def programs(names: Sequence[str]) -> dict[str, Program]:
    """Swapping programs for nodes ``names`` in chain order."""
    first, last, inner = names[0], names[-1], list(names[1:-1])
    out: dict[str, Program] = {first: End(names[1], last, inner, "create"),
                               last: End(names[-2], first, inner, "recv")}
    for i, name in enumerate(inner, start=1):
        out[name] = Inner(names[i - 1], names[i + 1], last)
    return out


def expected(config: StackNetworkConfig) -> float:
    """Closed-form fidelity of the end-to-end pair (see the module docstring)."""
    names = config.stack_names
    w = math.prod(werner(link_fidelity(config, a, b)) for a, b in itertools.pairwise(names))
    keep_x = keep_z = 1.0
    for node in names[1:-1]:
        p1, p2 = gate_noise(config, node)
        keep_x *= 1 - p2
        keep_z *= (1 - p2) * (1 - p1)
    p1_last, _ = gate_noise(config, names[-1])
    w *= (1 - p1_last / 2) ** 2  # the two corrections, each applied half of the time
    x, z = (1 - keep_x) / 2, (1 - keep_z) / 2
    return w * (1 - x) * (1 - z) + (1 - w) / 4


def simulate(config: StackNetworkConfig, runs: int = 300, seed: int = 17) -> list[Row]:
    """Rows: exact fidelity (density matrix) and the correlator estimate."""
    names = config.stack_names
    results = netqsim.run(config, programs(names), num_times=runs, seed=seed)
    pairs = list(zip(results[names[0]], results[names[-1]], strict=True))
    correlators, variance = {}, 0.0
    for basis in BASES:
        signs = [1 - 2 * (a["m"] ^ b["m"]) for a, b in pairs if a["basis"] == basis]
        mean = sum(signs) / len(signs)
        correlators[basis] = mean
        variance += max(1 - mean**2, 1 / len(signs)) / len(signs)
    estimate = (1 + correlators["X"] - correlators["Y"] + correlators["Z"]) / 4
    f = expected(config)
    return [Row("fidelity (density matrix)", mean_estimate(b["fidelity"] for _, b in pairs), f),
            Row("fidelity from <XX>,<YY>,<ZZ>", Estimate(estimate, math.sqrt(variance) / 4, runs),
                f)]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 300, 17).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    names = config.stack_names
    links = [link_fidelity(config, a, b) for a, b in itertools.pairwise(names)]
    report(f"Entanglement swapping over {' - '.join(names)} ({args.runs} runs)", rows,
           [f"link fidelities {', '.join(f'{f:g}' for f in links)}; without gate noise "
            f"(1 + 3 W)/4 = {(1 + 3 * math.prod(werner(f) for f in links)) / 4:.4f}",
            memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
