"""Entanglement-based QKD (BBM92, the E91 family) with ``qkd_sender``/``qkd_receiver``.

Each run measures ``--pairs`` EPR pairs directly (``create_measure`` with
random X/Z bases on both sides, one request), sifts them over the classical
channel and sacrifices a random quarter of the sifted bits to estimate the
quantum bit error rate (QBER). Both sides end with the same key.

Closed form: a Werner pair of fidelity F shows an error in either basis with
probability ``QBER = 2 (1 - F) / 3``; half of the pairs are sifted. Measuring
directly skips the devices' gates, so gate noise plays no part.

Run: ``python examples/applications/qkd.py [CONFIG] [--runs N] [--pairs M]``
(default ``configs/werner_link_two_nodes.yaml``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from appkit import Row, link_fidelity, load, parser, report

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import proportion, qkd_receiver, qkd_sender

DEFAULT = "werner_link_two_nodes.yaml"


class Sender(Program):
    """Alice: creates and measures the pairs, picks the test bits."""

    def __init__(self, pairs: int) -> None:
        self.pairs = pairs

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("qkd_sender", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: Any) -> Any:
        result = yield from qkd_sender(context, "Bob", self.pairs)
        return result.as_dict()


class Receiver(Program):
    """Bob: receives and measures the pairs."""

    def __init__(self, pairs: int) -> None:
        self.pairs = pairs

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("qkd_receiver", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=1)

    def run(self, context: Any) -> Any:
        result = yield from qkd_receiver(context, "Alice", self.pairs)
        return result.as_dict()


def simulate(
    config: StackNetworkConfig, runs: int = 4, seed: int = 3, pairs: int = 500
) -> list[Row]:
    """Rows: QBER (all test bits of all runs), sifted fraction, key agreement."""
    results = netqsim.run(config, {"Alice": Sender(pairs), "Bob": Receiver(pairs)},
                          num_times=runs, seed=seed)
    f = link_fidelity(config, "Alice", "Bob")
    alice, bob = results["Alice"], results["Bob"]
    errors = sum(r["errors"] for r in alice)
    tested = sum(r["num_tested"] for r in alice)
    sifted = sum(r["num_sifted"] for r in alice)
    key_bits = sum(len(r["key"]) for r in alice)
    agree = sum(x == y for a, b in zip(alice, bob, strict=True)
                for x, y in zip(a["key"], b["key"], strict=True))
    return [
        Row("QBER", proportion(errors, tested), 2 * (1 - f) / 3),
        Row("sifted fraction", proportion(sifted, runs * pairs), 0.5),
        Row("key agreement", proportion(agree, key_bits), 1 - 2 * (1 - f) / 3),
    ]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    p = parser(__doc__.splitlines()[0], 4, 3)
    p.add_argument("--pairs", type=int, default=500, help="pairs per run (default 500)")
    args = p.parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed, args.pairs)
    report(f"QKD over {args.runs} runs of {args.pairs} pairs", rows)
    return rows


if __name__ == "__main__":
    main()
