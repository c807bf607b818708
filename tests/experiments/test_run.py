"""Running sweeps: the tidy table, executors agree, failures, the result store, resume."""

from __future__ import annotations

import json
from statistics import NormalDist

import pandas as pd
import pytest
from tests.experiments.conftest import SWEEP

from netqsim.experiments import (
    ExecutorError,
    StoreError,
    load_metadata,
    load_results,
    load_sweep,
    run_sweep,
)
from netqsim.experiments.store import ResultStore
from netqsim.experiments.worker import run_point

FAILING = SWEEP.replace("args: {{d: 2}}", "args: {{d: 2, fail_at: 2}}")


def test_tidy_table(sweep_file):
    result = run_sweep(sweep_file, executor="serial")
    df = result.df
    assert len(df) == 6 * 4 * 2  # points x iterations x nodes
    assert list(df.columns[:6]) == ["point", "seed", "fidelity", "n", "iteration", "node"]
    assert df.columns[-1] == "point_error" and df["point_error"].isna().all()
    assert {"m", "angle_n", "t"} <= set(df.columns)
    first = df[df["point"] == 0]
    assert list(first["iteration"]) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert list(first["node"]) == ["Alice", "Bob"] * 4
    # Alice's rotation by n pi/4: n = 4 always gives 1, n = 0 always 0.
    alice = df[df["node"] == "Alice"]
    assert (alice[alice["n"] == 4]["m"] == 1).all() and (alice[alice["n"] == 0]["m"] == 0).all()
    assert (alice["angle_n"] == alice["n"]).all()
    seeds = {p.index: p.seed for p in load_sweep(sweep_file).points()}
    assert all(df["seed"] == df["point"].map(seeds))


def test_same_results_for_serial_processes_and_dask(write_sweep):
    path = write_sweep(SWEEP.format(num_times=6))
    serial = run_sweep(path, executor="serial").df
    processes = run_sweep(path, executor="processes", workers=2).df
    pd.testing.assert_frame_equal(serial, processes)
    dask = run_sweep(path, executor="dask", workers=2).df
    pd.testing.assert_frame_equal(serial, dask)
    # n = 2 gives random outcomes: the seeds matter, so this compares real randomness.
    assert serial[(serial["n"] == 2) & (serial["node"] == "Alice")]["m"].nunique() == 2


def test_a_failing_point_is_recorded_and_the_rest_run(write_sweep, tmp_path):
    path = write_sweep(FAILING.format(num_times=3))
    result = run_sweep(path, executor="processes", workers=2, out=tmp_path / "out")
    failed = result.failed
    assert sorted(failed["point"]) == [1, 4]  # n = 2 at both fidelities
    assert all("RuntimeError: " in e and "refusing n = 2" in e for e in failed["point_error"])
    ok = result.df[result.df["point_error"].isna()]
    assert sorted(ok["point"].unique()) == [0, 2, 3, 5] and len(ok) == 4 * 3 * 2
    errors = [json.loads(line) for line in (tmp_path / "out" / "errors.jsonl").read_text()
              .splitlines()]
    assert sorted(e["point"] for e in errors) == [1, 4]
    assert all("Traceback" in e["traceback"] for e in errors)
    summary = result.summary()
    assert summary.loc[summary["point"] == 1, "point_error"].item().startswith("ProcessError")
    assert summary.loc[summary["point"] == 0, "point_error"].isna().all()
    meta = load_metadata(tmp_path / "out")
    assert meta["points_failed"] == 2 and meta["status"] == "complete"


def test_store_files_metadata_and_reload(sweep_file, tmp_path):
    out = tmp_path / "out"
    result = run_sweep(sweep_file, executor="serial", out=out)
    assert (out / "results.parquet").is_file() and (out / "summary.csv").is_file()
    assert not (out / "parts").exists()  # consolidated
    pd.testing.assert_frame_equal(load_results(out), result.df)
    meta = load_metadata(out)
    assert meta["seed"] == 5 and meta["num_points"] == 6 and meta["status"] == "complete"
    assert meta["sweep_text"] == sweep_file.read_text()
    assert {"python", "netqsim", "netqasm", "numpy", "pandas", "pyarrow"} <= set(meta["versions"])
    assert [p["seed"] for p in meta["points"]] == [p.seed for p in load_sweep(sweep_file).points()]
    assert meta["runs"][0]["executor"] == "serial (1 worker)"
    assert meta["runs"][0]["points_run"] == 6
    summary = pd.read_csv(out / "summary.csv")
    assert "Alice.m" in summary.columns and "Alice.m_ci_low" in summary.columns
    # the same folder again: refused without resume, nothing to do with resume
    with pytest.raises(StoreError, match="--resume"):
        run_sweep(sweep_file, executor="serial", out=out)
    again = run_sweep(sweep_file, executor="serial", out=out, resume=True)
    assert again.points_run == 0
    pd.testing.assert_frame_equal(again.df, result.df)


def test_resume_runs_only_missing_points(sweep_file, tmp_path):
    spec = load_sweep(sweep_file)
    out = tmp_path / "out"
    # A run that finished points 0, 2 and 5 before stopping (written as parts).
    store = ResultStore(spec, out, flush_interval=0)
    for task in spec.tasks():
        if task.index in (0, 2, 5):
            store.add(run_point(task))
    store.finish("interrupted")
    assert sorted(load_results(out)["point"].unique()) == [0, 2, 5]
    resumed = run_sweep(sweep_file, executor="serial", out=out, resume=True)
    assert resumed.points_run == 3
    full = run_sweep(sweep_file, executor="serial")
    pd.testing.assert_frame_equal(resumed.df, full.df)
    assert load_metadata(out)["runs"][-1]["points_to_run"] == 3


def test_resume_refuses_a_different_sweep(sweep_file, write_sweep, tmp_path):
    out = tmp_path / "out"
    run_sweep(sweep_file, executor="serial", out=out)
    other = write_sweep(SWEEP.format(num_times=5), "other.yaml")
    with pytest.raises(StoreError, match="different sweep"):
        run_sweep(other, executor="serial", out=out, resume=True)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "file.txt").write_text("x")
    with pytest.raises(StoreError, match="not a netqsim sweep output folder"):
        run_sweep(sweep_file, executor="serial", out=tmp_path / "junk")


def test_duplicate_point_in_two_files_is_counted_once(sweep_file, tmp_path):
    out = tmp_path / "out"
    run_sweep(sweep_file, executor="serial", out=out)
    # as if killed after writing results.parquet but before removing a part
    df = pd.read_parquet(out / "results.parquet")
    (out / "parts").mkdir()
    df[df["point"] == 3].to_parquet(out / "parts" / "part-000007.parquet")
    loaded = load_results(out)
    assert len(loaded) == len(df) and sorted(loaded["point"].unique()) == list(range(6))


def test_metrics_from_the_sweep_file(write_sweep):
    path = write_sweep(SWEEP.format(num_times=8) + """\
metrics:
  - {name: ones, node: Alice, column: m}
  - {name: total, column: m, reduce: sum}
  - {name: frac, function: tests.experiments.programs:ones_fraction}
  - {name: two, function: tests.experiments.programs:two_numbers}
confidence: 0.9
""")
    summary = run_sweep(path, executor="serial").summary()
    assert list(summary.columns) == [
        "point", "seed", "fidelity", "n", "ones", "ones_ci_low", "ones_ci_high", "total", "frac",
        "two.n", "two.max", "point_error"]
    row4 = summary[summary["n"] == 4].iloc[0]
    # 8 ones of 8: the Wilson interval at 90 %, [n / (n + z^2), 1]
    z = NormalDist().inv_cdf(0.95)
    assert row4["ones"] == row4["ones_ci_high"] == 1.0
    assert row4["ones_ci_low"] == pytest.approx(8 / (8 + z * z), abs=1e-8)
    assert row4["total"] == 8 and row4["frac"] == 0.5 and row4["two.n"] == 16
    row2 = summary[summary["n"] == 2].iloc[0]
    assert row2["ones_ci_low"] < row2["ones"] < row2["ones_ci_high"]


def test_bad_executor_arguments(sweep_file):
    with pytest.raises(ExecutorError, match="unknown executor"):
        run_sweep(sweep_file, executor="threads")
    with pytest.raises(ExecutorError, match="only used with the dask"):
        run_sweep(sweep_file, executor="processes", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ExecutorError, match="workers must be >= 1"):
        run_sweep(sweep_file, executor="processes", workers=0)


def test_classes_from_main_need_the_serial_executor(sweep_file):
    from tests.experiments.programs import Rotate

    from netqsim.experiments.programs import ProgramRef
    from netqsim.experiments.spec import ProgramSpec

    spec = load_sweep(sweep_file)
    Local = type("Local", (Rotate,), {"__module__": "__main__"})
    spec.programs["Alice"] = [ProgramSpec(ProgramRef(name="Local", obj=Local), {})]
    with pytest.raises(ValueError, match="defined in __main__"):
        run_sweep(spec, executor="processes")
