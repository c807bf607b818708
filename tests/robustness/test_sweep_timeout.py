"""The per-point time limit and --retry-failed (issue 11, finding 7, third part).

Before: a sweep had no per-point time limit, so one stuck point held the whole
sweep forever.
"""

from __future__ import annotations

import json
import math
import threading
import time

import pandas as pd
import pytest
from tests.robustness.sweep_helpers import cli, write_sweep_file

from netqsim.experiments import load_results, run_sweep
from netqsim.experiments.watchdog import PointTimeout, time_limit

STALLING = """\
network: network.yaml
programs:
  Alice: {{program: 'tests.robustness.sweep_programs:Stall', args: {{stall_at: 2{stall_s}}}}}
  Bob: tests.experiments.programs:Rotate
parameters:
  - {{path: 'programs[Alice].args.n', name: n, values: [0, 1, 2, 3]}}
num_times: 3
seed: 4
"""
LIMIT_MESSAGE = "PointTimeout: the point ran longer than the limit of 0.5 s"


def _executors():
    executors = ["serial", "processes"]
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        return executors
    return [*executors, "dask"]


@pytest.mark.parametrize("executor", _executors())
def test_a_stuck_point_is_stopped_and_recorded_as_timed_out(tmp_path, executor):
    path = write_sweep_file(tmp_path, STALLING.format(stall_s=""))
    out = tmp_path / "out"
    result = run_sweep(path, executor=executor, workers=2, out=out, point_timeout=0.5)
    df = result.df
    stuck = df[df["n"] == 2]
    assert len(stuck) == 1 and stuck["point_error"].iloc[0].startswith(LIMIT_MESSAGE)
    assert df[df["n"] != 2]["point_error"].isna().all()
    assert len(df[df["n"] != 2]) == 3 * 3 * 2  # the other points ran in full
    assert list(result.timed_out["n"]) == [2] and list(result.failed["n"]) == [2]
    (entry,) = [json.loads(line) for line in (out / "errors.jsonl").read_text().splitlines()]
    assert entry["status"] == "timeout" and entry["error"].startswith(LIMIT_MESSAGE)
    run_record = json.loads((out / "sweep.json").read_text())["runs"][-1]
    assert run_record["timed_out"] == 1 and run_record["failed"] == 1


def test_cli_timeout_then_resume_keeps_and_retry_failed_reruns(tmp_path, capsys):
    path = write_sweep_file(tmp_path, STALLING.format(stall_s=", stall_s: 1.5"))
    out = tmp_path / "out"
    command = ["sweep", path, "-e", "serial", "-o", out]
    code, stdout, stderr = cli(capsys, *command, "--point-timeout", "0.5")
    assert code == 1, stderr
    assert "1 point failed" in stderr and LIMIT_MESSAGE in stderr and "--retry-failed" in stderr
    assert "1 failed (1 timed out)" in stdout

    code, _, stderr = cli(capsys, *command, "--resume", "-q")  # plain --resume keeps it
    assert code == 1 and LIMIT_MESSAGE in stderr
    assert json.loads((out / "sweep.json").read_text())["runs"][-1]["points_to_run"] == 0

    code, _, stderr = cli(capsys, *command, "--resume", "--retry-failed", "-q")
    assert code == 0, stderr
    assert json.loads((out / "sweep.json").read_text())["runs"][-1]["points_to_run"] == 1
    assert (out / "errors.jsonl").read_text().strip() == ""
    pd.testing.assert_frame_equal(load_results(out), run_sweep(path, executor="serial").df)


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_a_time_limit_must_be_a_positive_number_of_seconds(tmp_path, bad):
    path = write_sweep_file(tmp_path, STALLING.format(stall_s=""))
    with pytest.raises(ValueError, match="point_timeout must be a positive number of seconds"):
        run_sweep(path, executor="serial", point_timeout=bad)


def test_cli_option_errors(tmp_path, capsys):
    path = write_sweep_file(tmp_path, STALLING.format(stall_s=""))
    command = ["sweep", path, "-e", "serial", "-o", tmp_path / "out"]
    code, _, err = cli(capsys, *command, "--point-timeout", "0")
    assert code == 1 and err.startswith(
        "netqsim: error: --point-timeout must be a positive number of seconds (got 0)")
    code, _, err = cli(capsys, *command, "--retry-failed")
    assert code == 1 and err.startswith("netqsim: error: --retry-failed needs --resume")
    with pytest.raises(ValueError, match=r"retry_failed .* needs resume"):
        run_sweep(path, executor="serial", retry_failed=True)


@pytest.mark.parametrize("where", ["main thread", "other thread"])
def test_time_limit_stops_a_busy_block_and_never_fires_late(where):
    # the main thread uses SIGALRM, other threads (Dask's workers) an asynchronous raise
    outcome = {}

    def body():
        start = time.monotonic()
        try:
            with time_limit(0.2):
                while True:  # busy, never sleeps: stopped at a Python instruction
                    pass
        except PointTimeout as exc:
            outcome["stopped"] = (time.monotonic() - start, str(exc))
        with time_limit(0.2):  # a block that ends in time: no exception, not even later
            time.sleep(0.05)
        time.sleep(0.3)
        outcome["after"] = True

    if where == "main thread":
        body()
    else:
        thread = threading.Thread(target=body)
        thread.start()
        thread.join(10)
    elapsed, message = outcome["stopped"]
    assert 0.2 <= elapsed < 2.0
    assert message == ("the point ran longer than the limit of 0.2 s "
                       "(point_timeout / --point-timeout)")
    assert outcome["after"]
