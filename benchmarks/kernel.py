"""Kernel throughput: netqsim vs SimPy vs a bare heapq loop, side by side.

Workloads (each measured best-of-3 in this one process):

* ``timeouts``: 100 processes that each wait on 10,000 timeouts (1e6 events);
* ``ping-pong``: two processes bouncing one message 1e6 times over two
  delayed channels (SimPy: two ``Store`` objects; bare: a heap of deliveries).

Figures are events (timeouts or delivered messages) per second of wall time.
netqsim runs twice: with the event queue in use (the compiled one when the
install built it) and with the pure-Python queue that installs without a C
compiler get. Ratios are the first against SimPy.
Run: ``.venv/bin/python benchmarks/kernel.py [--events N] [--repeats R]``.
"""

from __future__ import annotations

import argparse
import heapq
import time
from collections.abc import Callable

import simpy

import netqsim.kernel.simulator
from netqsim.kernel import Channel, Simulator
from netqsim.kernel.queue import COMPILED, PyEventQueue

PROCESSES = 100


def netqsim_timeouts(n: int) -> float:
    sim = Simulator(seed=1)

    def proc(i: int):
        timeout = sim.timeout
        delay = 1.0 + i * 1e-3
        for _ in range(n // PROCESSES):
            yield timeout(delay)

    for i in range(PROCESSES):
        sim.process(proc(i))
    start = time.perf_counter()
    sim.run()
    return time.perf_counter() - start


def simpy_timeouts(n: int) -> float:
    env = simpy.Environment()

    def proc(i: int):
        timeout = env.timeout
        delay = 1.0 + i * 1e-3
        for _ in range(n // PROCESSES):
            yield timeout(delay)

    for i in range(PROCESSES):
        env.process(proc(i))
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def bare_timeouts(n: int) -> float:
    """The floor: one heappop and one heappush per event, nothing else."""
    heap = [(0.0, i, 1.0 + i * 1e-3) for i in range(PROCESSES)]
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    eid = PROCESSES
    start = time.perf_counter()
    for _ in range(n):
        now, _, delay = pop(heap)
        eid += 1
        push(heap, (now + delay, eid, delay))
    return time.perf_counter() - start


def netqsim_pingpong(n: int) -> float:
    sim = Simulator(seed=1)
    ab = Channel(sim, delay=1.0, name="a->b")
    ba = Channel(sim, delay=1.0, name="b->a")

    def alice():
        for _ in range(n // 2):
            ab.send("ping")
            yield ba.recv()

    def bob():
        for _ in range(n // 2):
            msg = yield ab.recv()
            ba.send(msg)

    sim.process(alice())
    sim.process(bob())
    start = time.perf_counter()
    sim.run()
    return time.perf_counter() - start


def simpy_pingpong(n: int) -> float:
    """SimPy has no delayed channel: the sender waits the delay, then puts."""
    env = simpy.Environment()
    ab, ba = simpy.Store(env), simpy.Store(env)

    def alice():
        for _ in range(n // 2):
            yield env.timeout(1.0)
            ab.put("ping")
            yield ba.get()

    def bob():
        for _ in range(n // 2):
            msg = yield ab.get()
            yield env.timeout(1.0)
            ba.put(msg)

    env.process(alice())
    env.process(bob())
    start = time.perf_counter()
    env.run()
    return time.perf_counter() - start


def bare_pingpong(n: int) -> float:
    """The floor: each message is one heap entry, handed straight to the peer."""
    heap: list[tuple[float, int, int]] = [(1.0, 0, 1)]
    pop, push = heapq.heappop, heapq.heappush
    eid = 0
    start = time.perf_counter()
    for _ in range(n):
        now, _, dest = pop(heap)
        eid += 1
        push(heap, (now + 1.0, eid, 1 - dest))
    return time.perf_counter() - start


def with_python_queue(fn: Callable[[int], float]) -> Callable[[int], float]:
    """``fn`` run on simulators that use the pure-Python event queue."""

    def run(n: int) -> float:
        in_use = netqsim.kernel.simulator.EventQueue
        netqsim.kernel.simulator.EventQueue = PyEventQueue
        try:
            return fn(n)
        finally:
            netqsim.kernel.simulator.EventQueue = in_use

    return run


def best_rate(fn: Callable[[int], float], n: int, repeats: int) -> float:
    return n / min(fn(n) for _ in range(repeats))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    n, r = args.events, args.repeats
    rows = []
    for workload, ours_fn, simpy_fn, bare_fn in (
        ("timeouts", netqsim_timeouts, simpy_timeouts, bare_timeouts),
        ("ping-pong", netqsim_pingpong, simpy_pingpong, bare_pingpong),
    ):
        fns = (ours_fn, with_python_queue(ours_fn), simpy_fn, bare_fn)
        rows.append((workload, *(best_rate(fn, n, r) for fn in fns)))
    queue = "compiled (netqsim.kernel._cqueue)" if COMPILED else "pure Python (no C build)"
    print(f"kernel benchmark: {n:,} events per workload, best of {r}; event queue: {queue}")
    print(f"{'workload':<10} {'netqsim':>12} {'py queue':>12} {'simpy':>12} {'bare heapq':>12} "
          f"{'vs simpy':>9} {'py vs simpy':>12} {'of bare':>8}")
    for workload, ours, ours_py, simpy_rate, bare in rows:
        print(
            f"{workload:<10} {ours / 1e6:>8.2f} M/s {ours_py / 1e6:>8.2f} M/s "
            f"{simpy_rate / 1e6:>8.2f} M/s {bare / 1e6:>8.2f} M/s {ours / simpy_rate:>8.2f}x "
            f"{ours_py / simpy_rate:>11.2f}x {ours / bare:>7.0%}"
        )


if __name__ == "__main__":
    main()
