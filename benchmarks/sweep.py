"""Sweep throughput: points per second of a 40-point teleportation sweep, 1 vs 2 workers.

The sweep: the teleportation programs of ``examples/sweeps/programs.py`` on
``configs/noisy_two_nodes.yaml`` (noisy generic devices, depolarising link,
10 us classical link), Bob keeping the qubit 100 us; 40 points (link fidelity
0.7..1.0 x Bob's T2 1e5..1e7 ns, an 8 x 5 grid), 100 iterations per point.

Measured, each best of ``--repeats`` runs, in-memory results (no --out):

* ``serial``: the points one after the other in this process (the baseline:
  what a hand-written loop over ``netqsim.run`` costs);
* ``processes`` with 1 worker: the same work through the process pool
  (shows the pool's overhead: start-up, pickling tasks and results);
* ``processes`` with 2 workers: the speed-up on this machine's 2 cores.

The three runs give identical tables (checked). Run:
``.venv/bin/python benchmarks/sweep.py [--points-per-axis 8 5] [--iterations N]``.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import pandas as pd

from netqsim.experiments import run_sweep, sweep_from_dict

ROOT = Path(__file__).resolve().parents[1]


def make_sweep(nf: int, nt: int, iterations: int):
    return sweep_from_dict({
        "network": str(ROOT / "configs" / "noisy_two_nodes.yaml"),
        "programs": {
            "Alice": "programs.py:TeleportSender",
            "Bob": {"program": "programs.py:TeleportReceiver", "args": {"wait_ns": 100_000}},
        },
        "parameters": [
            {"path": "links[0].cfg.fidelity", "linspace": {"start": 0.7, "stop": 1.0, "num": nf}},
            {"path": "stacks[Bob].qdevice_cfg.T2", "logspace": {"start": 1e5, "stop": 1e7,
                                                                "num": nt}},
        ],
        "num_times": iterations,
        "seed": 1,
    }, base_dir=ROOT / "examples" / "sweeps")


def timed(sweep, repeats: int, **kwargs):
    best, df = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run_sweep(sweep, progress=False, **kwargs)
        best = min(best, time.perf_counter() - start)
        df = result.df
    return best, df


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points-per-axis", type=int, nargs=2, default=(8, 5), metavar="N")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    sweep = make_sweep(*args.points_per_axis, args.iterations)
    n = len(sweep)
    run_sweep(sweep, executor="serial", progress=False)  # warm-up (imports, caches)
    rows = []
    serial_s, serial_df = timed(sweep, args.repeats, executor="serial")
    rows.append(("serial (baseline, this process)", serial_s))
    one_s, one_df = timed(sweep, args.repeats, executor="processes", workers=1)
    rows.append(("processes, 1 worker", one_s))
    two_s, two_df = timed(sweep, args.repeats, executor="processes", workers=2)
    rows.append(("processes, 2 workers", two_s))
    pd.testing.assert_frame_equal(serial_df, one_df)
    pd.testing.assert_frame_equal(serial_df, two_df)

    print(f"sweep: {n} points x {args.iterations} teleportations "
          f"(cores: {os.cpu_count()}; best of {args.repeats})")
    print(f"{'executor':<34} {'wall s':>8} {'points/s':>9} {'runs/s':>8}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:8.2f} {n / seconds:9.2f} {n * args.iterations / seconds:8.0f}")
    print(f"2-worker speed-up: {one_s / two_s:.2f}x over 1 worker, "
          f"{serial_s / two_s:.2f}x over serial; identical results: yes")


if __name__ == "__main__":
    main()
