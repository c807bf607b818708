"""The netqsim command: run, sweep, validate; help; errors; resume after a kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from tests.experiments.conftest import SWEEP

from netqsim.cli import build_parser, main
from netqsim.experiments import load_results, run_sweep

ROOT = Path(__file__).resolve().parents[2]
CONFIG = str(ROOT / "configs" / "noisy_two_nodes.yaml")
TELEPORT = ["--program", "Alice=netqsim.demo:TeleportAlice",
            "--program", "Bob=netqsim.demo:TeleportBob"]


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err, *fragments):
    assert err.startswith("netqsim: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


# --------------------------------------------------------------------------- help


def test_help_is_complete_for_every_command():
    parser = build_parser()
    text = parser.format_help()
    for command in ("run", "sweep", "validate", "squidasm", "simulate", "simulaqron"):
        assert command in text
    subparsers = next(a for a in parser._actions if a.dest == "command").choices
    assert set(subparsers) == {"run", "sweep", "validate", "squidasm", "simulate",
                               "simulaqron"}
    for name, sub in subparsers.items():
        help_text = sub.format_help()
        assert "example:" in help_text, name
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"


def test_entry_point_help_and_usage_errors():
    exe = Path(sys.executable).with_name("netqsim")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "netqsim.cli"]
    done = subprocess.run([*command, "sweep", "--help"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0 and "--resume" in done.stdout and "--scheduler" in done.stdout
    done = subprocess.run([*command, "run", CONFIG], capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "--program" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "COMMAND" in done.stdout


# --------------------------------------------------------------------------- run


def test_run_prints_a_per_node_summary(capsys, tmp_path):
    out = tmp_path / "t.csv"
    code, stdout, _ = cli(capsys, "run", CONFIG, *TELEPORT, "--num-times", 30, "--seed", 3,
                          "--out", out)
    assert code == 0
    lines = stdout.splitlines()
    assert lines[0].startswith(f"{CONFIG}: 30 iterations, seed 3,")
    assert "Alice (teleport_alice)" in lines and "Bob (teleport_bob)" in lines
    assert any(line.strip().startswith("m1") and "95% CI [" in line for line in lines)
    assert any(line.strip().startswith("outcome") and "(n=30)" in line for line in lines)
    table = pd.read_csv(out)
    assert len(table) == 60 and {"iteration", "node", "m1", "outcome"} <= set(table.columns)
    # same seed, same results
    code, again, _ = cli(capsys, "run", CONFIG, *TELEPORT, "--num-times", 30, "--seed", 3)
    assert again.splitlines()[1:] == stdout.splitlines()[1:-1]


def test_run_with_program_arguments_and_parquet(capsys, tmp_path):
    out = tmp_path / "r.parquet"
    code, stdout, _ = cli(capsys, "run", CONFIG, "-p", "Alice=tests.experiments.programs:Rotate",
                          "-a", "Alice.n=4", "-n", 5, "-o", out)
    assert code == 0, stdout
    assert "m                1 (all 5)" in stdout
    assert list(pd.read_parquet(out)["m"]) == [1] * 5


@pytest.mark.parametrize(("args", "fragments"), [
    (["run", "nope.yaml", "-p", "A=x:Y"], ["config file nope.yaml does not exist"]),
    (["run", CONFIG, "-p", "Carol=netqsim.demo:TeleportBob"], ["no node 'Carol'"]),
    (["run", CONFIG, "-p", "Alice"], ["expected NODE=REF"]),
    (["run", CONFIG, "-p", "Alice=nosuch.module:X"], ["no module named 'nosuch.module'"]),
    (["run", CONFIG, "-p", "Alice=netqsim.demo:closed_form"], ["not a netqsim Program"]),
    (["run", CONFIG, "-p", "Alice=netqsim.demo:TeleportAlice", "-a", "Alice.color=red"],
     ["unexpected keyword argument 'color'"]),
    (["run", CONFIG, "-p", "Alice=netqsim.demo:TeleportAlice", "-a", "Bob.x=1"],
     ["node 'Bob' has no --program"]),
    (["run", CONFIG, "-p", "Bob=netqsim.demo:TeleportBob"], ["the simulation failed",
                                                            "never sent"]),
    (["run", CONFIG, "-p", "Alice=tests.experiments.programs:Qubits"],
     ["the simulation failed", "instruction", "needs more qubits than the device of node "
      "'Alice' has", "NO_QUBIT"]),
    (["run", CONFIG, *TELEPORT, "-n", "0"], ["--num-times must be >= 1"]),
    (["run", CONFIG, *TELEPORT, "-o", "x.txt"], [".parquet or .csv"]),
])
def test_run_errors_are_one_clear_message(capsys, args, fragments):
    code, _, err = cli(capsys, *args)
    assert code == 1
    assert_one_line_error(err, *fragments)


def test_run_reports_a_bad_config_file(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(CONFIG).read_text().replace("fidelity: 0.9", "fidelity: 9"))
    code, _, err = cli(capsys, "run", bad, *TELEPORT)
    assert code == 1
    assert_one_line_error(err, "links[0] (Alice-Bob).cfg.fidelity: must be in [0.25, 1]")


# --------------------------------------------------------------------------- sweep


def test_sweep_happy_path(capsys, sweep_file, tmp_path):
    out = tmp_path / "res"
    code, stdout, err = cli(capsys, "sweep", sweep_file, "-e", "serial", "--out", out)
    assert code == 0, err
    assert "6 points x 4 iterations (grid: fidelity, n)" in stdout
    assert "Alice.m" in stdout and "6 points run (0 already done) with serial" in stdout
    assert err == ""  # not a terminal: no progress bar
    assert len(load_results(out)) == 48
    code, stdout, err = cli(capsys, "sweep", sweep_file, "-e", "serial", "--out", out, "--quiet")
    assert code == 1
    assert_one_line_error(err, "already holds sweep results; pass --resume")
    code, stdout, err = cli(capsys, "sweep", sweep_file, "--out", out, "--resume", "-q")
    assert code == 0 and stdout == "" and err == ""


def test_sweep_with_a_failing_point_exits_1(capsys, write_sweep, tmp_path):
    path = write_sweep(SWEEP.format(num_times=2).replace("{d: 2}", "{d: 2, fail_at: 4}"))
    code, stdout, err = cli(capsys, "sweep", path, "-e", "serial", "-o", tmp_path / "o")
    assert code == 1
    assert "2 failed" in stdout
    assert err.startswith("netqsim: 2 points failed; first: point 2: ProcessError: ")
    assert "errors.jsonl" in err


@pytest.mark.parametrize(("args", "fragments"), [
    (["sweep", "{bad}"], ["invalid sweep file", "unknown key 'T3'; did you mean 'T2'?",
                          "num_times: must be >= 1"]),
    (["sweep", "{good}", "--executor", "processes", "--workers", "0"], ["--workers must be >= 1"]),
    (["sweep", "{good}", "--scheduler", "tcp://127.0.0.1:1"], ["--scheduler needs --executor"]),
    (["sweep", "missing.yaml"], ["cannot read file"]),
])
def test_sweep_errors(capsys, write_sweep, sweep_file, args, fragments):
    bad = write_sweep(SWEEP.format(num_times=0).replace("links[0].cfg.fidelity",
                                                        "stacks[0].qdevice_cfg.T3"), "bad.yaml")
    args = [a.format(bad=bad, good=sweep_file) for a in args]
    code, _stdout, err = cli(capsys, *args)
    assert code == 1
    assert_one_line_error(err, *fragments)


def test_sweep_on_dask_needs_a_reachable_scheduler(capsys, sweep_file, tmp_path, monkeypatch):
    monkeypatch.setattr("netqsim.experiments.executors.DASK_CONNECT_TIMEOUT", "1s")
    code, _, err = cli(capsys, "sweep", sweep_file, "-e", "dask", "--scheduler",
                       "tcp://127.0.0.1:9", "-o", tmp_path / "o", "-q")
    assert code == 1
    assert_one_line_error(err, "cannot connect to the Dask scheduler at tcp://127.0.0.1:9")


# --------------------------------------------------------------------------- validate


def test_validate(capsys, sweep_file, tmp_path):
    code, stdout, _ = cli(capsys, "validate", CONFIG, sweep_file)
    assert code == 0
    assert f"{CONFIG}: valid network config: 2 stacks (Alice, Bob), 1 link, 1 clink" in stdout
    assert f"{sweep_file}: valid sweep file: 6 points x 4 iterations" in stdout
    bad_config = tmp_path / "badnet.yaml"
    bad_config.write_text(Path(CONFIG).read_text().replace("T2: 1_000", "T3: 1_000")
                          .replace("typ: depolarise", "typ: depolarize"))
    bad_sweep = tmp_path / "badsweep.yaml"
    bad_sweep.write_text(SWEEP.format(num_times=1).replace("values: [0.8, 1.0]",
                                                           "values: []").replace("seed:", "sed:"))
    code, stdout, _ = cli(capsys, "validate", bad_config, bad_sweep, tmp_path / "none.yaml")
    assert code == 1
    assert f"{bad_config}: invalid network config, 3 problems:" in stdout
    assert "unknown key 'T3'; did you mean 'T2'?" in stdout
    assert "did you mean 'depolarise'?" in stdout
    assert f"{bad_sweep}: invalid sweep file, 3 problems:" in stdout
    assert "values is empty" in stdout and "unknown key 'sed'" in stdout
    assert f"{tmp_path / 'none.yaml'}: does not exist" in stdout


# --------------------------------------------------------------------------- kill and resume


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


#: Runs per point of the sweep that is killed: enough that it is still running then.
KILLED_RUNS = 200


@pytest.mark.parametrize(("executor", "sig"), [("serial", signal.SIGKILL),
                                               ("processes", signal.SIGTERM)])
def test_resume_after_a_kill_loses_and_duplicates_nothing(write_sweep, tmp_path, executor, sig):
    # 40 points, slow enough (about 40 ms each) to be killed in the middle
    path = write_sweep(f"""\
network: network.yaml
programs:
  Alice: {{program: 'tests.experiments.programs:Rotate', args: {{d: 3}}}}
  Bob: tests.experiments.programs:Rotate
parameters:
  - {{path: 'programs[Alice].args.n', name: n, range: {{start: 0, stop: 7}}}}
  - {{path: 'links[0].cfg.fidelity', linspace: {{start: 0.6, stop: 1.0, num: 5}}}}
num_times: {KILLED_RUNS}
seed: 9
""")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "netqsim.cli", "sweep", str(path), "-e", executor,
               "--workers", "2", "-o", str(out)]
    if executor == "serial":
        command.remove("--workers")
        command.remove("2")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: list((out / "parts").glob("part-*.parquet"))), "no part written"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if sig == signal.SIGTERM:
        assert proc.returncode == 143 and "resume with --resume" in stderr, stderr
    else:
        assert proc.returncode == -signal.SIGKILL
    partial = load_results(out)
    done = set(partial["point"])
    assert 0 < len(done) < 40, f"{len(done)} points done before the kill"
    assert not (out / "results.parquet").exists()

    resumed = subprocess.run([*command, "--resume", "-q"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert resumed.returncode == 0, resumed.stderr
    final = load_results(out)
    counts = final.groupby("point").size()
    assert sorted(counts.index) == list(range(40)) and (counts == KILLED_RUNS * 2).all()
    # the points finished before the kill were not run again, and nothing differs
    # from an uninterrupted run
    runs = __import__("json").loads((out / "sweep.json").read_text())["runs"]
    assert runs[-1]["points_to_run"] == 40 - len(done)
    expected = run_sweep(path, executor="serial").df
    pd.testing.assert_frame_equal(final, expected)
