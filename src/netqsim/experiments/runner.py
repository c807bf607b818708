"""``run_sweep``: run the points of a sweep on an executor and collect a tidy table."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .executors import Executor, make_executor
from .metrics import summarize
from .progress import Progress
from .spec import ERROR, SweepSpec, load_sweep
from .store import ResultStore
from .worker import run_point


class SweepInterrupted(RuntimeError):
    """The sweep was interrupted; finished points are saved (resume with ``resume=True``)."""

    def __init__(self, done: int, total: int, out: Path | None) -> None:
        self.done, self.total, self.out = done, total, out
        where = f" in {out}; resume with --resume" if out is not None else ""
        super().__init__(f"interrupted: {done} of {total} points finished and saved{where}")


@dataclass
class SweepResult:
    """The outcome of a sweep: the tidy table and how to reduce it.

    ``df`` has one row per point x iteration x node (``point``, ``seed``, the
    parameters, ``iteration``, ``node``, the result keys, ``error``); a point
    that failed has a single row with its ``error``.
    """

    spec: SweepSpec
    df: pd.DataFrame
    out: Path | None = None
    wall_time: float = 0.0
    points_run: int = 0
    executor: str = ""
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def failed(self) -> pd.DataFrame:
        """One row per failed point (its parameters and error)."""
        rows = self.df[self.df[ERROR].notna()]
        return rows.drop(columns=["iteration", "node"]).reset_index(drop=True)

    def summary(self, metrics: Any = None, confidence: float | None = None) -> pd.DataFrame:
        """One row per point with the sweep's metrics (default: means with CIs)."""
        return summarize(
            self.df, self.spec.parameter_names,
            self.spec.metrics if metrics is None else metrics,
            confidence=self.spec.confidence if confidence is None else confidence,
            base_dir=self.spec.base_dir,
        )

    def plot(self, metric: str, x: str, hue: str | None = None, **kwargs: Any) -> Any:
        """Plot ``metric`` against parameter ``x`` (one line per ``hue`` value), with CIs."""
        from .plotting import plot_metric

        return plot_metric(self.summary(), metric, x, hue=hue, **kwargs)


def _check_importable(spec: SweepSpec, executor: str) -> None:
    if executor == "serial":
        return
    for node, programs in spec.programs.items():
        for prog in programs:
            obj = prog.ref.obj
            if obj is not None and obj.__module__ == "__main__":
                raise ValueError(
                    f"the program class {obj.__qualname__} of {node} is defined in __main__ "
                    "(a notebook or script), which worker processes cannot import: put it in "
                    "a module, or use executor='serial'"
                )


def run_sweep(
    sweep: SweepSpec | str | os.PathLike[str],
    *,
    executor: str | Executor = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    out: str | os.PathLike[str] | None = None,
    resume: bool = False,
    progress: bool | None = None,
    flush_interval: float = 1.0,
) -> SweepResult:
    """Run every point of ``sweep`` (a :class:`SweepSpec` or a sweep file path).

    ``executor``: ``"serial"``, ``"processes"`` (default; ``workers`` processes,
    one per core by default) or ``"dask"`` (``scheduler`` address, or a
    LocalCluster with ``workers`` processes), or an :class:`Executor`.
    With ``out``, finished points are written to that folder as they finish;
    ``resume=True`` continues a sweep there, running only unfinished points.
    ``progress``: draw a progress bar (default: only on a terminal).

    A point whose program raises is recorded with its error; the others run.
    On ``KeyboardInterrupt`` the finished points are saved and
    :class:`SweepInterrupted` is raised.
    """
    spec = sweep if isinstance(sweep, SweepSpec) else load_sweep(sweep)
    name = executor if isinstance(executor, str) else executor.name
    _check_importable(spec, name)
    store = ResultStore(spec, out, resume=resume, flush_interval=flush_interval)
    tasks = spec.tasks(skip=store.done)
    total = len(spec.points())
    start = time.perf_counter()
    owned = isinstance(executor, str)
    ex = make_executor(executor, workers, scheduler) if isinstance(executor, str) else executor
    bar = Progress(len(tasks), enabled=progress, already=len(store.done))
    status = "interrupted"
    interrupted = False
    try:
        store.start_run(ex.describe(), ex.workers, len(tasks))
        with bar:
            if tasks:
                for outcome in ex.map_unordered(run_point, tasks):
                    store.add(outcome)
                    bar.update(failed=int(outcome.error is not None))
        status = "complete"
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if status != "complete":
            try:
                store.finish(status)  # save what finished
            except Exception:  # pragma: no cover - best effort while failing
                pass
        if owned:
            ex.close()
    if interrupted:
        raise SweepInterrupted(len(store.done), total, store.out)
    df = store.frame()
    result = SweepResult(spec, df, store.out, time.perf_counter() - start, store.new_points,
                         ex.describe())
    summary = result.summary() if store.out is not None else None
    result.df = store.finish("complete", summary)
    result.errors = store.errors()
    return result
