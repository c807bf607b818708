"""Entanglement throughput: EPR pairs and teleportations per second of wall time.

Workloads (each timed best-of-3 in this one process, after a short warm-up):

* **EPR pairs, create_keep + measure**: Alice ``create_keep(number=B)``, Bob
  ``recv_keep(number=B)``, both measure every qubit in Z and flush once;
  ``netqsim.run`` repeats that until 1000 pairs are made (1000 runs of B = 1,
  100 runs of B = 10). Two noiseless generic devices with 10 qubits
  (``perfect_config``, T1 = T2 = 0) and an instant classical link, on

  - a ``perfect`` link (state delay 1000 ns), and
  - a ``depolarise`` link (F = 0.9, prob_success 0.5, t_cycle 10 us).

  The figure is pairs per second of wall time.
* **teleportation**: the ``make run`` demo's programs (:mod:`netqsim.demo`:
  Ry(pi/4)|0>, EPR pair, Bell measurement, two classical bits, corrections,
  check measurement) on ``configs/noisy_two_nodes.yaml`` (noisy generic
  devices, depolarise link, 10 us classical link), 1000 runs; runs per second.
* **old executor dispatch**: the teleportation and the perfect-link 1-per-request
  rows once more with every node on netqasm's per-instruction handlers
  (``old_dispatch.py``, the executor before issue 11), printed next to today's
  path: the executor's share of the speed-up, measured on the same CPU load;
* **baselines**, measured in the same process for context:

  - a trivial single-node program (allocate one qubit, measure, flush) run
    1000 times: the cost of one host <-> controller round trip with no
    entanglement;
  - the raw link model: ``DepolariseLinkModel.sample(rng)`` called 1000 times,
    what sampling a delivered pair costs without any simulation around it.

Run: ``.venv/bin/python benchmarks/epr.py [--pairs N] [--runs N]``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from netqasm.sdk.qubit import Qubit
from old_dispatch import old_dispatch

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import (
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    InstantCLinkConfig,
    LinkCfg,
    PerfectLinkConfig,
    StackConfig,
    StackNetworkConfig,
    two_nodes,
)
from netqsim.demo import TeleportAlice, TeleportBob, default_config_path
from netqsim.network.links import build_link_model

REPEATS = 3
SEED = 1
BATCHES = (1, 10)
PERFECT = PerfectLinkConfig(state_delay=1000)
DEPOLARISE = DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=10_000)


class PairsProgram(Program):
    """Creates (``create=True``) or receives ``batch`` pairs with ``peer``, measures them."""

    def __init__(self, peer: str, create: bool, batch: int) -> None:
        self.peer, self.create, self.batch = peer, create, batch

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="pairs", epr_sockets=[self.peer], max_qubits=max(2, self.batch))

    def run(self, context: Any) -> Any:
        socket = context.epr_sockets[self.peer]
        request = socket.create_keep if self.create else socket.recv_keep
        outcomes = [q.measure() for q in request(number=self.batch)]
        yield from context.connection.flush()
        return {"m": [int(m) for m in outcomes]}


class OneQubit(Program):
    """Allocates one qubit, measures it, flushes once."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="one_qubit", max_qubits=1)

    def run(self, context: Any) -> Any:
        m = Qubit(context.connection).measure()
        yield from context.connection.flush()
        return {"m": int(m)}


def pair_network(link: LinkCfg) -> StackNetworkConfig:
    return two_nodes(
        qdevice=GenericQDeviceConfig.perfect_config(num_qubits=max(BATCHES), T1=0, T2=0),
        link=link,
        clink=InstantCLinkConfig(),
    )


def best_of(work: Callable[[], Any]) -> float:
    """Shortest wall time of ``REPEATS`` calls of ``work``."""
    best = float("inf")
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def pairs_seconds(link: LinkCfg, batch: int, pairs: int) -> float:
    config = pair_network(link)
    runs = pairs // batch

    def work() -> None:
        results = netqsim.run(
            config,
            {"Alice": PairsProgram("Bob", True, batch), "Bob": PairsProgram("Alice", False, batch)},
            num_times=runs,
            seed=SEED,
        )
        made = sum(len(r["m"]) for r in results["Alice"])
        assert made == runs * batch, made
        if isinstance(link, PerfectLinkConfig):  # sanity: perfect pairs agree in Z
            assert [r["m"] for r in results["Alice"]] == [r["m"] for r in results["Bob"]]

    return best_of(work)


def teleport_seconds(runs: int) -> float:
    config = StackNetworkConfig.from_file(default_config_path())

    def work() -> None:
        results = netqsim.run(
            config, {"Alice": TeleportAlice(), "Bob": TeleportBob()}, num_times=runs, seed=SEED
        )
        assert len(results["Bob"]) == runs

    return best_of(work)


def local_seconds(runs: int) -> float:
    config = StackNetworkConfig(
        stacks=[
            StackConfig(
                name="Alice",
                qdevice_typ="generic",
                qdevice_cfg=GenericQDeviceConfig.perfect_config(num_qubits=1, T1=0, T2=0),
            )
        ],
        links=[],
    )
    return best_of(lambda: netqsim.run(config, {"Alice": OneQubit()}, num_times=runs, seed=SEED))


def link_sample_seconds(samples: int) -> float:
    model = build_link_model(DEPOLARISE)
    rng = np.random.default_rng(SEED)

    def work() -> None:
        sample = model.sample
        for _ in range(samples):
            sample(rng)

    return best_of(work)


def old_path_seconds(measure: Callable[[], float]) -> float:
    """``measure()`` with every node on the executor's old dispatch path."""
    with old_dispatch():
        return measure()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=1000, help="EPR pairs per measurement")
    parser.add_argument("--runs", type=int, default=1000, help="teleportation runs")
    args = parser.parse_args(argv)
    if any(args.pairs % b for b in BATCHES):
        parser.error(f"--pairs must be a multiple of {max(BATCHES)}")

    # Warm-up: imports, caches, first-call costs.
    pairs_seconds(PERFECT, 1, 10)
    teleport_seconds(10)

    rows: list[tuple[str, int, str, float]] = []
    for name, link in (("perfect", PERFECT), ("depolarise", DEPOLARISE)):
        for batch in BATCHES:
            seconds = pairs_seconds(link, batch, args.pairs)
            label = f"EPR keep+measure, {name} link, {batch} per request"
            rows.append((label, args.pairs, "pairs", seconds))
    rows.append(
        (
            "teleportation, noisy_two_nodes.yaml",
            args.runs,
            "runs",
            teleport_seconds(args.runs),
        )
    )
    baselines = [
        ("baseline: 1-qubit local program", args.runs, "runs", local_seconds(args.runs)),
        (
            "baseline: depolarise link model .sample()",
            args.pairs,
            "samples",
            link_sample_seconds(args.pairs),
        ),
    ]

    old = [
        ("old dispatch: EPR keep+measure, perfect, 1/request", args.pairs, "pairs",
         old_path_seconds(lambda: pairs_seconds(PERFECT, 1, args.pairs))),
        ("old dispatch: teleportation", args.runs, "runs",
         old_path_seconds(lambda: teleport_seconds(args.runs))),
    ]
    baselines = old + baselines

    print(
        f"EPR throughput, wall time best of {REPEATS}, seed {SEED} "
        "(perfect generic devices, instant clink for the pair rows)"
    )
    print(f"  {'workload':<50} {'count':>6} {'wall [s]':>9} {'per second':>12} {'us each':>9}")
    for label, count, unit, seconds in rows + baselines:
        print(
            f"  {label:<50} {count:>6} {seconds:>9.3f} {count / seconds:>12,.0f} "
            f"{1e6 * seconds / count:>9.0f}  {unit}"
        )


if __name__ == "__main__":
    main()
