"""Ctrl-C and SIGTERM during a sweep (issue 11, finding 1).

Before: the kernel wrapped the KeyboardInterrupt in a ProcessError, the worker
stored the running point as failed, the sweep went on, and --resume never ran
that point again. Now the interrupted point is not stored, the finished ones
are, the command exits 130 (Ctrl-C) or 143 (SIGTERM), and --resume completes
the table to exactly what an uninterrupted run gives.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess

import pandas as pd
import pytest
from tests.robustness.sweep_helpers import (
    SLOW_POINTS,
    SLOW_SWEEP,
    cli,
    start,
    stop,
    sweep_command,
    wait_for,
    write_sweep_file,
)

from netqsim.experiments import load_results, run_sweep


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(["point", "iteration", "node"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory) -> pd.DataFrame:
    """The table of the sweep run without interruption."""
    path = write_sweep_file(tmp_path_factory.mktemp("reference"), SLOW_SWEEP)
    return _sorted(run_sweep(path, executor="serial").df)


def _dask():
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return pytest.mark.skip(reason="needs dask distributed")
    return ()


# ``group``: the signal goes to the whole process group, as Ctrl-C in a terminal does.
# (SIGTERM becomes the same interrupt in the sweep process whatever the executor, so
# serial + SIGTERM adds nothing to serial + SIGINT and processes + SIGTERM.)
@pytest.mark.parametrize(("executor", "sig", "group", "status"), [
    ("serial", signal.SIGINT, False, 130),
    ("processes", signal.SIGINT, True, 130),
    ("processes", signal.SIGTERM, False, 143),
    pytest.param("dask", signal.SIGINT, True, 130, marks=_dask()),
])
def test_interrupt_then_resume_gives_the_uninterrupted_table(tmp_path, capsys, uninterrupted,
                                                             executor, sig, group, status):
    path = write_sweep_file(tmp_path, SLOW_SWEEP)
    out = tmp_path / "out"
    command = sweep_command(path, out, executor)
    proc = start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(lambda: list((out / "parts").glob("part-*.parquet"))), "no part written"
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        stop(proc)
    assert proc.returncode == status, stderr
    assert "interrupted:" in stderr and "resume with --resume" in stderr, stderr
    assert "Traceback" not in stderr
    partial = load_results(out)
    # the point running at the signal is not stored, least of all as failed
    assert partial["point_error"].isna().all(), partial[partial["point_error"].notna()]
    done = set(partial["point"])
    assert 0 < len(done) < SLOW_POINTS, f"{len(done)} points done before the signal"
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["status"] == "interrupted" and meta["runs"][-1]["failed"] == 0

    # `netqsim sweep --resume` (in this process, to save a start-up)
    code, _, err = cli(capsys, "sweep", path, "-e", "serial", "-o", out, "--resume", "-q")
    assert code == 0, err
    pd.testing.assert_frame_equal(_sorted(load_results(out)), uninterrupted)
    runs = json.loads((out / "sweep.json").read_text())["runs"]
    assert runs[-1]["points_to_run"] == SLOW_POINTS - len(done)  # nothing finished ran twice


@pytest.mark.parametrize("executor", ["serial", "processes"])
def test_a_program_calling_sys_exit_fails_its_point_not_the_sweep(tmp_path, executor):
    # SystemExit now passes through the kernel; the sweep still records it as the
    # point's failure rather than ending (serial) or breaking (processes) the sweep.
    path = write_sweep_file(tmp_path, """\
network: network.yaml
programs:
  Alice: {program: 'tests.robustness.sweep_programs:Exits', args: {exit_at: 1}}
  Bob: tests.experiments.programs:Rotate
parameters:
  - {path: 'programs[Alice].args.n', name: n, values: [0, 1, 2]}
num_times: 2
seed: 3
""")
    result = run_sweep(path, executor=executor, workers=2)
    assert list(result.failed["n"]) == [1]
    assert result.failed["point_error"].iloc[0] == "SystemExit: 3"
    assert result.df[result.df["n"] != 1]["point_error"].isna().all()
