"""End-to-end pairs over long chains in ``stab``: wall time, peak memory, pairs delivered.

Workload: a chain of N generic nodes (10, 100, 1000; ``--nodes``) built with
``netqsim.config.chain(N)``; node_0 asks node_{N-1} for pairs (requests of
10, measured on delivery, as in ``benchmarks/chain.py``) for 1 s of simulated
time; the network layer generates on every hop, swaps at the N-2 repeaters
(swap-asap) and delivers. Parameters, chosen so that a 1000-hop path still
delivers within 1 s:

* links: ``depolarise``, fidelity 0.999, prob_success 0.5, t_cycle 50 us
  (a 10 km hop);
* classical links along the chain, 50 us each, plus one between the two
  end nodes with the sum of the delays (the programs' own messages);
* devices: perfect generic, 4 qubits, 0 ns gates, no memory decoherence.

Each chain runs twice with the same seed: once timed (wall seconds), once
under ``tracemalloc`` (peak of Python allocations, which slows it down); the
two runs deliver the same pairs. ``tracemalloc`` sees Python's allocations,
not stim's (C++) tableaux, so the table also gives the process's peak resident
memory so far (``ru_maxrss``, all of it). The bar: 1000 nodes, 1 s simulated,
under 60 s wall and under 2 GiB.

Run: ``.venv/bin/python benchmarks/scale.py [--nodes 10 100 1000] [--sim-s 1]``.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from typing import Any

from chain import Requester, Responder

from netqsim import run
from netqsim.config import (
    CLinkConfig,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    chain,
)

HOP_DELAY_NS = 50_000.0  # light through 10 km of fibre
LINK = DepolariseLinkConfig(fidelity=0.999, prob_success=0.5, t_cycle=HOP_DELAY_NS)


def scale_chain(n: int) -> Any:
    """The N-node chain of the module docstring."""
    device = GenericQDeviceConfig.perfect_config(
        4, T1=0, T2=0, single_qubit_gate_time=0, two_qubit_gate_time=0, measure_time=0,
        init_time=0,
    )
    config = chain(n, qdevice=device, link=LINK, clink=DefaultCLinkConfig(delay=HOP_DELAY_NS),
                   clink_topology="links")
    if n > 2:
        ends = CLinkConfig(stack1="node_0", stack2=f"node_{n - 1}", typ="default",
                           cfg=DefaultCLinkConfig(delay=HOP_DELAY_NS * (n - 1)))
        config.clinks = [*config.clinks, ends]
    return config


def run_chain(n: int, sim_s: float, seed: int) -> dict[str, Any]:
    """One run: pairs delivered and their mean fidelity."""
    config = scale_chain(n)
    first, last = "node_0", f"node_{n - 1}"
    results = run(config, {first: Requester(last, sim_s * 1e9), last: Responder(first)},
                  seed=seed, formalism="stab")
    fids = [p.fidelity for p in results.network.pairs]
    return {"pairs": results[first][0],
            "fidelity": sum(fids) / len(fids) if fids else float("nan")}


def main() -> None:
    """Run the chains and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nodes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--sim-s", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"stab chains, {args.sim_s} s simulated; link {LINK.fidelity}/{LINK.prob_success}/"
          f"{LINK.t_cycle / 1e3:g} us, clinks {HOP_DELAY_NS / 1e3:g} us per hop")
    print(f"{'nodes':>6} {'pairs':>6} {'fidelity':>9} {'wall_s':>8} {'peak_MiB':>9} "
          f"{'rss_MiB':>8} {'bar':>7}")
    for n in args.nodes:
        t0 = time.perf_counter()
        timed = run_chain(n, args.sim_s, args.seed)
        wall = time.perf_counter() - t0
        tracemalloc.start()
        traced = run_chain(n, args.sim_s, args.seed)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert traced == timed or traced["pairs"] == timed["pairs"], (traced, timed)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        bar = ""
        if n == 1000:
            bar = "met" if wall < 60 and max(peak, rss) < 2 * 2**30 else "NOT met"
        print(f"{n:>6} {timed['pairs']:>6} {timed['fidelity']:>9.4f} {wall:>8.2f} "
              f"{peak / 2**20:>9.1f} {rss / 2**20:>8.1f} {bar:>7}", flush=True)


if __name__ == "__main__":
    main()
