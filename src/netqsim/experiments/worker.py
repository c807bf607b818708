"""Running one point: build its network, construct its programs, call ``netqsim.run``.

:func:`run_point` is what every executor calls, in whatever process it runs.
It never raises for a problem of the point itself: an exception while
building or running is returned as the outcome's ``error`` (with the
traceback), so a failing point is recorded and the sweep goes on; that
includes ``SystemExit`` from a program that calls ``sys.exit()``, which must
not end a whole sweep. A point that runs longer than its time limit is
stopped and returned with status ``timeout``. ``KeyboardInterrupt`` is
raised: an interrupted point is not a result.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netqsim.config import StackNetworkConfig
from netqsim.runtime.run import run

from .programs import instantiate
from .spec import PointTask
from .watchdog import PointTimeout, time_limit

#: :attr:`PointOutcome.status` values.
OK, FAILED, TIMEOUT = "ok", "failed", "timeout"


@dataclass
class PointOutcome:
    """What a worker sends back for one point."""

    index: int
    seed: int
    #: one dict per (iteration, node): ``iteration``, ``node`` and the flattened results
    records: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    traceback: str | None = None
    wall_time: float = 0.0
    sim_time_ns: float = 0.0
    #: ``ok``, ``failed`` (``error`` says why) or ``timeout`` (stopped at the time limit)
    status: str = OK


def _plain(value: Any) -> Any:
    """A value Parquet can store: Python scalars, lists of scalars, or its ``repr``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:  # numpy scalar
        return value.item()
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and hasattr(value, "ndim")):
        items = value.tolist() if hasattr(value, "tolist") else list(value)
        if all(v is None or isinstance(v, (bool, int, float, str)) for v in items):
            return list(items)
        return repr(items)
    try:
        return int(value)  # e.g. netqasm Future / RegFuture after flush
    except (TypeError, ValueError):
        return repr(value)


def flatten(result: Any, prefix: str = "") -> dict[str, Any]:
    """A per-iteration result as flat columns (nested dicts joined with ``.``)."""
    if not isinstance(result, Mapping):
        return {prefix or "result": _plain(result)}
    out: dict[str, Any] = {}
    for key, value in result.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(flatten(value, name))
        else:
            out[name] = _plain(value)
    return out


def _simulate(task: PointTask) -> tuple[list[dict[str, Any]], float]:
    """The point's records and its total simulated time (ns)."""
    config = StackNetworkConfig.from_dict(task.network)
    base = Path(task.base_dir)
    programs = {
        node: [instantiate(s.ref, s.args, base) for s in specs]
        for node, specs in task.programs.items()
    }
    results = run(
        config,
        {node: (group[0] if len(group) == 1 else group) for node, group in programs.items()},
        num_times=task.num_times, seed=task.seed, mode=task.mode, formalism=task.formalism,
    )
    per_node = results.by_node()
    records = []
    for iteration in range(task.num_times):
        for node in config.stack_names:
            node_results = per_node.get(node) or []
            if iteration < len(node_results):
                records.append({"iteration": iteration, "node": node,
                                **flatten(node_results[iteration])})
    return records, float(sum(results.end_times))


def run_point(task: PointTask, point_timeout: float | None = None) -> PointOutcome:
    """Run one point; failures are returned as :attr:`PointOutcome.error`.

    ``point_timeout``: stop the point after that many seconds of wall time
    and return it with status ``timeout``.
    """
    start = time.perf_counter()
    outcome = PointOutcome(task.index, task.seed)
    try:
        with time_limit(point_timeout):
            outcome.records, outcome.sim_time_ns = _simulate(task)
    except PointTimeout as exc:
        outcome.status = TIMEOUT
        outcome.error = f"{type(exc).__name__}: {exc}"
        outcome.traceback = traceback.format_exc()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        outcome.status = FAILED
        outcome.error = f"{type(exc).__name__}: {exc}".strip()
        outcome.traceback = traceback.format_exc()
    outcome.wall_time = time.perf_counter() - start
    return outcome
