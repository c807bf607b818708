"""Executor throughput: one node controller fed the same subroutine bytes N times.

No host, no SDK compile: an InitNewApp message, N copies of one serialized
subroutine, a StopApp, straight into a controller's channel, and the
simulation run until every reply is out. What is left is the controller's
decode (cached per body), the executor and the processor. Each workload is
timed with today's dispatch table and with the executor's old path
(``old_dispatch.py``: netqasm's per-instruction handlers), alternating, best of
``REPEATS`` each, so both see the same CPU load.

Workloads: the local program's subroutine (2 qubits, 10 gates, 2
measurements, on a perfect 2-qubit generic device) and a classical loop
(200 iterations of add, add, blt).

Run: ``.venv/bin/python benchmarks/executor.py [--n N]``.
"""

from __future__ import annotations

import argparse
import time

from netqasm.backend.messages import InitNewAppMessage, StopAppMessage, SubroutineMessage
from netqasm.lang.parsing import parse_text_subroutine
from old_dispatch import old_dispatch

from netqsim.config import GenericQDeviceConfig
from netqsim.hardware import build_processor
from netqsim.kernel import Channel, Simulator
from netqsim.qnodeos import NodeController
from netqsim.quantum import QuantumEngine

REPEATS = 5
QUANTUM = (
    "set Q0 0\nqalloc Q0\ninit Q0\nset Q1 1\nqalloc Q1\ninit Q1\n"
    "h Q0\nx Q1\nt Q0\ny Q1\ns Q0\nz Q1\ncnot Q0 Q1\nk Q0\nh Q1\ncphase Q0 Q1\n"
    "meas Q0 M0\nmeas Q1 M1\nqfree Q0\nqfree Q1\narray 2 @0\nset R0 0\nstore M0 @0[R0]\n"
    "set R0 1\nstore M1 @0[R0]\nret_arr @0\n"
)
CLASSICAL = (
    "set R0 0\nset R1 200\nset R2 0\nset R3 1\n"
    "LOOP:\nadd R0 R0 R3\nadd R2 R2 R0\nblt R0 R1 LOOP\nret_reg R2\n"
)


def seconds(body: str, n: int) -> float:
    """Wall time of one controller serving ``n`` copies of ``body``."""
    sim = Simulator(seed=1)
    engine = QuantumEngine("dm", rng=sim.rng_stream("quantum"))
    cfg = GenericQDeviceConfig.perfect_config(num_qubits=2, T1=0, T2=0)
    processor = build_processor(sim, engine, "generic", cfg, "Alice")
    inbox, outbox = Channel(sim, 0.0), Channel(sim, 0.0)
    controller = NodeController("Alice", 0, sim, processor, inbox, outbox)
    message = bytes(SubroutineMessage(parse_text_subroutine(f"# NETQASM 1.0\n# APPID 0\n{body}")))
    inbox.send(bytes(InitNewAppMessage(app_id=0, max_qubits=2)))
    for _ in range(n):
        inbox.send(message)
    inbox.send(bytes(StopAppMessage(app_id=0)))
    start = time.perf_counter()
    sim.run()
    elapsed = time.perf_counter() - start
    assert not controller.errors, controller.errors
    return elapsed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="subroutines per measurement")
    args = parser.parse_args(argv)
    print(f"executor: one controller, the same subroutine x {args.n}, best of {REPEATS}")
    print(f"  {'workload':<34} {'old [us]':>9} {'new [us]':>9} {'speed-up':>9}")
    for label, body, n in (
        ("local program subroutine", QUANTUM, args.n),
        ("classical loop, 200 iterations", CLASSICAL, max(1, args.n // 10)),
    ):
        new = old = float("inf")
        for _ in range(REPEATS):
            new = min(new, seconds(body, n))
            with old_dispatch():
                old = min(old, seconds(body, n))
        print(f"  {label:<34} {1e6 * old / n:>9.0f} {1e6 * new / n:>9.0f} {old / new:>8.2f}x")


if __name__ == "__main__":
    main()
