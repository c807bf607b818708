"""Single-node program throughput: runs/s of a small local program, and where the time goes.

The program (``LocalProgram``) allocates 2 qubits, applies 10 gates (8 single-
and 2 two-qubit gates), measures both qubits and flushes once, on one node
with a default ``GenericQDeviceConfig`` (2 qubits, default noise and
timings) and no links. ``netqsim.run(config, {"Alice": LocalProgram()},
num_times=N, seed=1)`` runs it N times (default 1000) in one shared
simulation; every iteration sends InitNewApp, one subroutine and StopApp as
serialized NetQASM messages and gets the replies back as bytes.

What is printed:

1. **runs/s** (best of 3 timed runs) and the wall time of each run;
   and the same with the executor's old dispatch path (``old_dispatch.py``:
   netqasm's per-instruction handlers, as before issue 11);
   and the **stack logs** (``netqsim.logs``): runs/s with INFO records on
   (kept by a ``NullHandler``, so formatting and I/O are not counted), and
   what logging costs while it is off (the default). The off path cannot be
   compiled out for an A/B run, so it is proven by counting: every log call
   site is guarded by ``if log.on:``, a flag read when the component is
   built; the script counts the guards one iteration evaluates (``StackLog.on``
   instrumented) and times one guard with ``timeit``; their product, against
   the time of an iteration, is the cost of logging while off;
2. **SDK baseline**, measured in the same process: the same subroutine built
   and compiled N times by the NetQASM SDK on a ``HostConnection`` whose
   flush pops, compiles and instantiates the subroutine and then drops it
   (no message, no controller, no simulation): once on one connection, once
   with a new connection per iteration as ``netqsim.run`` makes; then with a
   new connection per iteration and the message bytes made, once as before
   the compile cache (``SdkPathConnection`` from ``epr.py``: the SDK assembles
   and serializes every time) and once through the node's compile cache
   (``HostConnection`` as shipped: building the commands and keying them is
   what is left);
3. **profile**: one more run under ``cProfile`` (separate from the timed runs;
   the profiler roughly doubles the run time, so compare the percentages,
   not the seconds, with the timed runs). Each function's *own* time
   (``tottime``) goes to a category by the file it lives in:

   ========================  ==============================================
   SDK compile               ``netqasm/sdk/`` (builder, compiler, transpiler,
                             futures, qubits), ``netqasm/lang/parsing/text.py``
                             (the SDK's assembler: labels, constants),
                             ``netqsim/host/connection.py`` (the SDK backend),
                             ``netqsim/host/compiled.py`` and
                             ``subroutine_key.py`` (its compile cache)
   serialization             ``netqasm/backend/messages.py``,
                             ``netqasm/lang/parsing/binary.py``,
                             ``netqasm/lang/encoding.py``, ``netqsim/qnodeos/wire.py``
   executor                  ``netqasm/backend/executor.py``,
                             ``netqsim/qnodeos/executor.py``, ``dispatch.py``,
                             ``checks.py``, ``benchmarks/old_dispatch.py``
   quantum ops               ``netqsim/hardware/``, ``netqsim/quantum/``
   kernel                    ``netqsim/kernel/``
   host/controller glue      ``netqsim/host/``, ``netqsim/qnodeos/controller.py``,
                             ``netqasm/backend/qnodeos.py``, ``netqsim/runtime/``,
                             ``netqsim/network/``
   other                     everything that is none of the above and has no
                             caller in a category (startup, this script)
   ========================  ==============================================

   Code shared by several layers has no category of its own: built-ins
   (``isinstance``, ``list.append``, ctypes, ...), the standard library
   (``enum``, ``typing``, ``copy``, ...), numpy, and netqasm's language model
   (``netqasm/lang/instr/``, ``operand.py``, ``subroutine.py``, ``ir.py``, ...,
   which both the SDK compiler and the controller's decoder build). Their own
   time is split between their direct callers in proportion to the time spent
   for each caller (cProfile records that split), following callers up
   until a categorised one is reached. The top functions by own time are
   listed as well.

Run: ``.venv/bin/python benchmarks/local_program.py [--iterations N] [--top K]``.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import time
import timeit
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from netqasm.sdk.qubit import Qubit
from old_dispatch import old_dispatch

import netqsim
from epr import SdkPathConnection  # benchmarks/ is on the path of its scripts
from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, StackConfig, StackNetworkConfig
from netqsim.host.compiled import CompiledSubroutines
from netqsim.host.connection import HostConnection
from netqsim.host.network_info import make_network_info
from netqsim.kernel import Simulator
from netqsim.logs import StackLog

REPEATS = 3
SEED = 1


class LocalProgram(Program):
    """2 qubits, 10 gates (8 single-qubit, 2 two-qubit), 2 measurements, 1 flush."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="local_program", max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        m0, m1 = build(conn)
        yield from conn.flush()
        return {"m0": int(m0), "m1": int(m1)}


def build(conn: Any) -> tuple[Any, Any]:
    """The program's quantum part: what the SDK turns into one subroutine."""
    q0, q1 = Qubit(conn), Qubit(conn)
    q0.H()
    q1.X()
    q0.T()
    q1.Y()
    q0.S()
    q1.Z()
    q0.cnot(q1)
    q0.K()
    q1.H()
    q0.cphase(q1)
    return q0.measure(), q1.measure()


def network_config() -> StackNetworkConfig:
    return StackNetworkConfig(
        stacks=[
            StackConfig(
                name="Alice",
                qdevice_typ="generic",
                qdevice_cfg=GenericQDeviceConfig(num_qubits=2),
            )
        ],
        links=[],
    )


# -- timed runs -------------------------------------------------------------------------


def one_run(config: StackNetworkConfig, iterations: int) -> float:
    start = time.perf_counter()
    results = netqsim.run(config, {"Alice": LocalProgram()}, num_times=iterations, seed=SEED)
    elapsed = time.perf_counter() - start
    assert len(results["Alice"]) == iterations
    return elapsed


# -- stack logs -------------------------------------------------------------------------


def logging_on_run(config: StackNetworkConfig, iterations: int) -> float:
    """:func:`one_run` with every netqsim logger at INFO, records dropped by a NullHandler."""
    root = logging.getLogger("netqsim")
    saved = root.level, root.propagate
    sink = logging.NullHandler()
    root.addHandler(sink)
    root.setLevel(logging.INFO)
    root.propagate = False
    try:
        return one_run(config, iterations)
    finally:
        root.removeHandler(sink)
        root.setLevel(saved[0])
        root.propagate = saved[1]


def guards_per_iteration(config: StackNetworkConfig, iterations: int) -> float:
    """How many ``if log.on:`` guards one iteration evaluates (logging off)."""
    slot = StackLog.__dict__["on"]
    count = 0

    def counted(log: StackLog) -> bool:
        nonlocal count
        count += 1
        return bool(slot.__get__(log))

    StackLog.on = property(counted, slot.__set__)  # type: ignore[assignment]
    try:
        one_run(config, iterations)
    finally:
        StackLog.on = slot  # type: ignore[misc]
    return count / iterations


def guard_seconds() -> float:
    """Seconds one ``if self._log.on:`` guard takes while logging is off (best of 5)."""

    class Component:  # a call site reads the flag through its component, as the stack does
        def __init__(self) -> None:
            self._log = StackLog("benchmark", "guard", Simulator(seed=SEED))

    component = Component()
    assert not component._log.on
    number = 1_000_000
    guarded = min(timeit.repeat("if self._log.on: pass", globals={"self": component},
                                number=number, repeat=5))
    empty = min(timeit.repeat("self", globals={"self": component}, number=number, repeat=5))
    return max(guarded - empty, 0.0) / number


def print_logging_figures(config: StackNetworkConfig, iterations: int, best: float) -> None:
    on = min(logging_on_run(config, iterations) for _ in range(REPEATS))
    per_iteration = best / iterations
    guards = guards_per_iteration(config, iterations)
    guard = guard_seconds()
    print(
        f"  stack logs on (INFO, records to a NullHandler): {iterations / on:,.0f} runs/s, "
        f"x{on / best:.2f} the time of logging off"
    )
    print(
        f"  stack logs off (default): {guards:.0f} guards per iteration x {1e9 * guard:.1f} ns "
        f"= {1e6 * guards * guard:.2f} us of {1e6 * per_iteration:.0f} us per iteration "
        f"({100 * guards * guard / per_iteration:.2f}%)"
    )


# -- SDK baseline -------------------------------------------------------------------------


class _DiscardingEndpoint:
    """Stands in for the host endpoint: every message is dropped."""

    def send(self, message: Any, **_: Any) -> None:
        return None

    def send_raw(self, raw: bytes, **_: Any) -> None:
        return None

    def completed(self) -> None:
        return None


class _CompileOnlyConnection(HostConnection):
    """``HostConnection.flush`` without building the ``SubroutineMessage``.

    ``SubroutineMessage(subroutine)`` serializes the subroutine in its
    constructor; leaving it out leaves the SDK's own work: pop the pending
    commands, compile (assemble) them and instantiate the subroutine.
    """

    def flush(self, block: bool = True, callback: Any = None) -> Any:  # type: ignore[override]
        protosubroutine = self._builder.subrt_pop_pending_subroutine()
        subroutine = self._builder.subrt_compile_subroutine(protosubroutine)
        subroutine.instantiate(self.app_id)
        self._builder._reset()
        return subroutine


def sdk_baseline(iterations: int, new_connection: bool, cls: type[HostConnection]) -> float:
    """Seconds to build + compile the subroutine ``iterations`` times (best of 3).

    ``new_connection``: a new connection per iteration, as ``netqsim.run``
    makes; ``cls``: the connection, whose flush compiles (and serializes).
    """
    network_info = make_network_info({"Alice": 0})
    endpoint = _DiscardingEndpoint()
    compiled = CompiledSubroutines()  # one node's cache, as in a run

    def connection(app_id: int) -> HostConnection:
        return cls(
            endpoint,  # type: ignore[arg-type]
            app_name="Alice",
            node_name="Alice",
            app_id=app_id,
            max_qubits=2,
            network_info=network_info,
            compiled=compiled,
        )

    best = float("inf")
    for _ in range(REPEATS):
        conn = connection(0)
        start = time.perf_counter()
        for i in range(iterations):
            if new_connection:
                conn = connection(i)
            build(conn)
            conn.flush()
        best = min(best, time.perf_counter() - start)
    return best


# -- profile --------------------------------------------------------------------------------

CATEGORIES = (
    "SDK compile",
    "serialization",
    "executor",
    "quantum ops",
    "kernel",
    "host/controller glue",
    "other",
)
# (path fragment, category); the first match wins. Paths use "/" (normalised).
_RULES = (
    ("netqasm/sdk/", "SDK compile"),
    ("netqasm/backend/messages.py", "serialization"),
    ("netqasm/lang/parsing/text.py", "SDK compile"),
    ("netqsim/host/connection.py", "SDK compile"),
    ("netqsim/host/compiled.py", "SDK compile"),
    ("netqsim/host/subroutine_key.py", "SDK compile"),
    ("netqasm/lang/parsing/", "serialization"),
    ("netqasm/lang/encoding.py", "serialization"),
    ("netqsim/qnodeos/wire.py", "serialization"),
    ("netqasm/backend/executor.py", "executor"),
    ("netqsim/qnodeos/executor.py", "executor"),
    ("netqsim/qnodeos/dispatch.py", "executor"),
    ("netqsim/qnodeos/checks.py", "executor"),
    ("benchmarks/old_dispatch.py", "executor"),
    ("netqsim/hardware/", "quantum ops"),
    ("netqsim/quantum/", "quantum ops"),
    ("netqsim/kernel/", "kernel"),
    ("netqsim/host/", "host/controller glue"),
    ("netqsim/qnodeos/", "host/controller glue"),
    ("netqasm/backend/qnodeos.py", "host/controller glue"),
    ("netqsim/runtime/", "host/controller glue"),
    ("netqsim/network/", "host/controller glue"),
)
# Own time of these goes to the callers' categories.
_SHARED = ("netqasm/lang/", "numpy/", "/lib/python3")

Func = tuple[str, int, str]


def _direct_category(func: Func) -> str | None:
    """The category of ``func`` by its file, or None if it is shared code."""
    path = func[0].replace(os.sep, "/")
    for fragment, category in _RULES:
        if fragment in path:
            return category
    if path == "~" or path.startswith("<") or any(s in path for s in _SHARED):
        return None
    return "other"


def categorise(stats: pstats.Stats) -> dict[str, float]:
    """Own time per category; shared code is split among its callers."""
    table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    memo: dict[Func, dict[str, float]] = {}

    def shares(func: Func, seen: frozenset[Func]) -> dict[str, float]:
        """Fractions of ``func``'s own time per category (summing to 1)."""
        if func in memo:
            return memo[func]
        direct = _direct_category(func)
        if direct is not None:
            return {direct: 1.0}
        callers = table[func][4] if func in table else {}
        weights: dict[str, float] = defaultdict(float)
        total = 0.0
        for caller, (_cc, _nc, tt, _ct) in callers.items():
            if caller in seen or tt <= 0:
                continue
            for category, fraction in shares(caller, seen | {func}).items():
                weights[category] += tt * fraction
            total += tt
        result = {c: w / total for c, w in weights.items()} if total else {"other": 1.0}
        if not seen:  # only memoise results computed without a cycle guard in effect
            memo[func] = result
        return result

    seconds: dict[str, float] = defaultdict(float)
    for func, (_cc, _nc, tt, _ct, _callers) in table.items():
        for category, fraction in shares(func, frozenset()).items():
            seconds[category] += tt * fraction
    return seconds


def _label(func: Func) -> str:
    path, line, name = func
    if path == "~":
        return name
    parts = path.replace(os.sep, "/").split("/")
    for root in ("netqsim", "netqasm", "numpy", "benchmarks"):
        if root in parts:
            parts = parts[len(parts) - 1 - parts[::-1].index(root) :]
            break
    else:
        parts = parts[-1:]
    return f"{'/'.join(parts)}:{line}({name})"


def profile(config: StackNetworkConfig, iterations: int, top: int) -> None:
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(one_run, config, iterations)
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler)
    seconds = categorise(stats)
    total = sum(seconds.values())
    print(
        f"\nprofile (cProfile, one run of {iterations} iterations: {wall:.2f} s under "
        f"the profiler, {total:.2f} s of own time)"
    )
    print(f"  {'category':<22} {'seconds':>8} {'percent':>8}")
    for category in CATEGORIES:
        s = seconds.get(category, 0.0)
        print(f"  {category:<22} {s:8.3f} {100 * s / total:7.1f}%")
    print(f"  {'total':<22} {total:8.3f} {100.0:7.1f}%")

    table: dict[Func, Any] = stats.stats  # type: ignore[attr-defined]
    ranked = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:top]
    print(f"\ntop {top} functions by own time (tottime)")
    print(f"  {'tottime':>8} {'%':>6} {'calls':>9} {'per call':>9}  category / function")
    for func, (_cc, nc, tt, _ct, _callers) in ranked:
        category = _direct_category(func) or "shared -> callers"
        print(
            f"  {tt:8.3f} {100 * tt / total:5.1f}% {nc:9d} {1e6 * tt / nc:7.2f}us"
            f"  [{category}] {_label(func)}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=1000, help="num_times per run")
    parser.add_argument("--top", type=int, default=12, help="functions listed by own time")
    args = parser.parse_args(argv)
    n = args.iterations
    config = network_config()

    one_run(config, 10)  # warm-up: imports, caches
    walls = [one_run(config, n) for _ in range(REPEATS)]
    best = min(walls)
    print(
        f"netqsim.run of a local program (2 qubits, 10 gates, 2 measurements, 1 flush), "
        f"{n} iterations, seed {SEED}"
    )
    print(f"  wall time per run: {', '.join(f'{w:.3f} s' for w in walls)}")
    print(
        f"  best of {REPEATS}: {best:.3f} s = {n / best:,.0f} runs/s "
        f"({1e6 * best / n:.0f} us per iteration)"
    )
    with old_dispatch():  # right after today's path, so under about the same CPU load
        old = min(one_run(config, n) for _ in range(REPEATS))
    print(
        f"  old executor dispatch (netqsim before issue 11: netqasm's handlers): "
        f"{n / old:,.0f} runs/s, x{old / best:.2f} the time of today's path"
    )
    print_logging_figures(config, n, best)

    baselines: list[tuple[str, Callable[[], float]]] = [
        (
            "build + compile, one connection",
            lambda: sdk_baseline(n, new_connection=False, cls=_CompileOnlyConnection),
        ),
        (
            "build + compile, new connection per iteration",
            lambda: sdk_baseline(n, new_connection=True, cls=_CompileOnlyConnection),
        ),
        (
            "new connection + message bytes, SDK every time",
            lambda: sdk_baseline(n, new_connection=True, cls=SdkPathConnection),
        ),
        (
            "new connection + message bytes, compile cache",
            lambda: sdk_baseline(n, new_connection=True, cls=HostConnection),
        ),
    ]
    print(f"\nSDK baseline (same subroutine x {n}, endpoint drops the message; best of {REPEATS})")
    for label, measure in baselines:
        seconds = measure()
        print(
            f"  {label:<46} {seconds:.3f} s = {1e6 * seconds / n:4.0f} us per iteration "
            f"= {100 * seconds / best:4.1f}% of a run"
        )

    profile(config, n, args.top)


if __name__ == "__main__":
    main()
