"""Parameter sweeps: YAML sweep files, seeds, executors, an incremental result store.

A sweep file (format in ``docs/sweeps.md``) names a base network config, the
programs per node and the parameters to vary::

    from netqsim.experiments import load_sweep, run_sweep
    sweep = load_sweep("examples/sweeps/teleport_fidelity.yaml")   # validates everything
    result = run_sweep(sweep, executor="processes", out="results/teleport")
    result.df          # tidy table: one row per point x iteration x node
    result.summary()   # one row per point: metrics with confidence intervals

From the shell: ``netqsim sweep FILE [--executor serial|processes|dask] ...``.

Modules: :mod:`~.spec` (a validated sweep, its points, reading files),
:mod:`~.spec_models` (the file format), :mod:`~.spec_checks` (what a file
refers to), :mod:`~.program_args`, :mod:`~.paths` (parameter paths), :mod:`~.generators`
(value generators), :mod:`~.seeds` (per-point seeds), :mod:`~.executors`,
:mod:`~.store` (Parquet + JSON), :mod:`~.metrics`, :mod:`~.progress`,
:mod:`~.plotting` (matplotlib, optional).
"""

from .executors import EXECUTORS, DaskExecutor, ExecutorError, ProcessExecutor, SerialExecutor
from .metrics import mean_ci, summarize
from .plotting import plot_metric
from .runner import SweepInterrupted, SweepResult, run_sweep
from .seeds import point_seed
from .spec import (
    Point,
    SweepError,
    SweepSpec,
    is_sweep_data,
    load_sweep,
    sweep_from_dict,
    validate_sweep_file,
)
from .store import StoreError, load_metadata, load_results
from .worker import run_point

__all__ = [
    "EXECUTORS",
    "DaskExecutor",
    "ExecutorError",
    "Point",
    "ProcessExecutor",
    "SerialExecutor",
    "StoreError",
    "SweepError",
    "SweepInterrupted",
    "SweepResult",
    "SweepSpec",
    "is_sweep_data",
    "load_metadata",
    "load_results",
    "load_sweep",
    "mean_ci",
    "plot_metric",
    "point_seed",
    "run_point",
    "run_sweep",
    "summarize",
    "sweep_from_dict",
    "validate_sweep_file",
]
