"""The sweep store refuses what is not its own (issue 11, finding 10).

Before: a part file with point ids outside the sweep was merged silently; a
wrong-schema part, a truncated sweep.json or ``parts`` replaced by a file gave
unclear errors (tracebacks on the CLI); two runs on one output folder both
computed everything and one run record was overwritten.
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pandas as pd
import pytest
from tests.experiments.conftest import SWEEP
from tests.robustness.sweep_helpers import cli, start, stop, write_sweep_file

from netqsim.experiments import StoreError, load_results, load_sweep, run_sweep
from netqsim.experiments.store import ResultStore
from netqsim.experiments.worker import run_point


@pytest.fixture
def interrupted(tmp_path):
    """A 6-point sweep that stopped after points 0 and 3: (sweep file, output folder)."""
    path = write_sweep_file(tmp_path, SWEEP.format(num_times=2))
    spec = load_sweep(path)
    out = tmp_path / "out"
    store = ResultStore(spec, out, flush_interval=0)
    for task in spec.tasks():
        if task.index in (0, 3):
            store.add(run_point(task))
    store.finish("interrupted")
    return path, out


def assert_refused(capsys, path, out, *fragments):
    """run_sweep --resume, load_results and the CLI all refuse, naming the problem."""
    for call in (lambda: run_sweep(path, executor="serial", out=out, resume=True),
                 lambda: load_results(out)):
        with pytest.raises(StoreError) as info:
            call()
        for fragment in fragments:
            assert fragment in str(info.value), str(info.value)
    code, _, err = cli(capsys, "sweep", path, "-e", "serial", "-o", out, "--resume", "-q")
    assert code == 1 and err.startswith("netqsim: error: "), err
    assert "Traceback" not in err and fragments[0] in err, err


def test_a_part_with_points_outside_the_sweep_is_not_merged(interrupted, capsys):
    path, out = interrupted
    part = out / "parts" / "part-000007.parquet"
    foreign = pd.read_parquet(out / "parts" / "part-000000.parquet")
    foreign["point"] = foreign["point"] + 40
    foreign.to_parquet(part)
    assert_refused(capsys, path, out, str(part), "point ids that are not in this sweep (40;",
                   "it was not merged")


@pytest.mark.parametrize(("frame", "message"), [
    (pd.DataFrame({"x": [1]}), "has no 'point', 'seed', 'point_error' column"),
    (pd.DataFrame({"point": ["0"], "seed": [1], "point_error": [None]}),
     "column 'point' has type large_string, not integers"),
], ids=["columns", "types"])
def test_a_part_with_another_schema_is_refused(interrupted, capsys, frame, message):
    path, out = interrupted
    part = out / "parts" / "part-000008.parquet"
    frame.to_parquet(part)
    assert_refused(capsys, path, out, str(part), "is not a sweep result file", message)


def test_a_damaged_part_is_refused(interrupted, capsys):
    path, out = interrupted
    part = out / "parts" / "part-000001.parquet"
    part.write_bytes(part.read_bytes()[:40])  # truncated
    assert_refused(capsys, path, out, str(part), "cannot be read as a sweep result file")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda text: text[: len(text) // 2], "cannot be read (truncated or damaged?)"),
    (lambda text: "[]", "is not the metadata of a netqsim sweep"),
], ids=["truncated", "not-a-sweep"])
def test_damaged_metadata_is_refused(interrupted, capsys, damage, message):
    path, out = interrupted
    meta = out / "sweep.json"
    meta.write_text(damage(meta.read_text()))
    assert_refused(capsys, path, out, str(meta), message)


def test_parts_replaced_by_a_file_is_refused(interrupted, capsys):
    path, out = interrupted
    for part in (out / "parts").iterdir():
        part.unlink()
    (out / "parts").rmdir()
    (out / "parts").write_text("not a folder")
    assert_refused(capsys, path, out, f"{out / 'parts'} is not a folder")


def test_a_second_writer_is_refused_while_the_first_runs(interrupted, capsys):
    path, out = interrupted
    spec = load_sweep(path)
    first = ResultStore(spec, out, resume=True)  # a run in progress holds the folder
    try:
        for resume in (True, False):
            with pytest.raises(StoreError, match=r"is in use by another netqsim sweep \(pid \d+"):
                ResultStore(spec, out, resume=resume)
        code, _, err = cli(capsys, "sweep", path, "-e", "serial", "-o", out, "--resume")
        assert code == 1 and "is in use by another netqsim sweep" in err and "sweep.lock" in err
    finally:
        first.close()
    # once the first has ended, a resume goes ahead and completes the sweep
    result = run_sweep(path, executor="serial", out=out, resume=True)
    assert result.points_run == 4
    pd.testing.assert_frame_equal(result.df, run_sweep(path, executor="serial").df)


def test_a_killed_writer_leaves_no_stale_lock(interrupted):
    path, out = interrupted
    holder = start([
        sys.executable, "-c",
        "import sys, time\n"
        "from netqsim.experiments import load_sweep\n"
        "from netqsim.experiments.store import ResultStore\n"
        f"ResultStore(load_sweep({str(path)!r}), {str(out)!r}, resume=True)\n"
        "print('locked', flush=True)\n"
        "time.sleep(60)\n",
    ], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="in use by another netqsim sweep"):
            ResultStore(load_sweep(path), out, resume=True)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        stop(holder)
    assert run_sweep(path, executor="serial", out=out, resume=True).points_run == 4
