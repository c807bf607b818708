"""``netqsim simulate --app-dir DIR``: netqasm simulate's command line (each in a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from netqasm.util.yaml import load_yaml

from netqsim.cli import main

APPS = Path(__file__).parent / "apps"
SRC = Path(__file__).resolve().parents[2] / "src"


def simulate(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m netqsim simulate ARGS`` in a fresh process."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p)
    return subprocess.run([sys.executable, "-m", "netqsim", "simulate", *args],
                          capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_rounds_are_printed_and_written(tmp_path: Path) -> None:
    log_dir = tmp_path / "logs"
    done = simulate("--app-dir", str(APPS / "teleport"), "--num", "3", "--seed", "8",
                    "--log-dir", str(log_dir), "--formalism", "dm", "--no-track-lines")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == ["round 1", "round 2", "round 3"]
    assert all("'app_receiver': {'state': [[0.0, 0.0], [0.0, 1.0]], 'outcome': 1}" in line
               for line in lines)
    results = load_yaml(str(log_dir / "LAST" / "results.yaml"))
    assert len(results) == 3
    comm = load_yaml(str(log_dir / "LAST" / "sender_class_comm.yaml"))
    assert {entry["HLN"] for entry in comm} == {None}  # --no-track-lines


def test_same_seed_same_output_and_no_log_files(tmp_path: Path) -> None:
    args = ("--app-dir", str(APPS / "teleport"), "--num", "4", "--seed", "5",
            "--log-to-files", "false")
    first, second = simulate(*args, cwd=tmp_path), simulate(*args, cwd=tmp_path)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert not (APPS / "teleport" / "log").exists() and not list(tmp_path.iterdir())


def test_app_dir_defaults_to_the_working_directory_and_timer(tmp_path: Path) -> None:
    done = simulate("--seed", "1", "--log-dir", str(tmp_path), "--timer",
                    cwd=APPS / "three_nodes")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("round 1: {'app_hub': ")
    assert done.stdout.splitlines()[-1].startswith("finished simulation in ")
    quiet = simulate("--seed", "1", "--log-dir", str(tmp_path), "--timer", "--no-timer",
                     cwd=APPS / "three_nodes")  # netqasm's --timer/--no-timer pair
    assert quiet.returncode == 0, quiet.stderr
    assert "finished simulation" not in quiet.stdout


def test_config_takes_a_netqsim_network(tmp_path: Path) -> None:
    config = tmp_path / "net.yaml"
    config.write_text(
        "stacks:\n"
        "  - {name: alice, qdevice_typ: generic, qdevice_cfg: {num_qubits: 3}}\n"
        "  - {name: bob, qdevice_typ: generic, qdevice_cfg: {num_qubits: 3}}\n"
        "links:\n"
        "  - {stack1: alice, stack2: bob, typ: perfect, cfg: {state_delay: 5000}}\n")
    app = tmp_path / "app"
    app.mkdir()
    for name in ("app_alice.py", "app_bob.py"):
        (app / name).write_text((APPS / "measure_pairs" / name).read_text())
    done = simulate("--app-dir", str(app), "--config", str(config), "--seed", "3",
                    "--log-dir", str(tmp_path / "log"))
    assert done.returncode == 0, done.stderr
    network = load_yaml(str(tmp_path / "log" / "LAST" / "network_log.yaml"))
    assert network[1]["SIT"] - network[0]["SIT"] == 5000  # the config's state delay


def test_deadlock_is_an_error_naming_who_waits(tmp_path: Path) -> None:
    done = simulate("--app-dir", str(APPS / "err_deadlock"), "--log-dir", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr.startswith("netqsim: error: simulation stalled at t=0 ns")
    assert "thread 'alice' blocks in app_alice.py line 6 (main) on recv()" in done.stderr


def test_failing_app_prints_its_traceback_and_the_error(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "app_solo.py").write_text("def main(app_config=None):\n    return 1 / 0\n")
    done = simulate("--app-dir", str(app), "--log-to-files", "no")
    assert done.returncode == 1
    assert done.stderr.startswith("Traceback (most recent call last):\n  File ")
    assert 'app_solo.py", line 2, in main' in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "netqsim: error: app 'solo' (app_solo.py) failed in round 1 at t=0 ns: "
        "ZeroDivisionError: division by zero")


def test_bad_command_lines(capsys: pytest.CaptureFixture[str]) -> None:
    # In this process (main() is what the netqsim command runs): quick.
    assert main(["simulate", "--app-dir", str(APPS / "teleport"), "--num", "0"]) == 1
    assert capsys.readouterr().err == "netqsim: error: --num must be a positive integer, got 0\n"
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate", "--log-to-files", "maybe"])
    assert exit_info.value.code == 2
    assert "'maybe' is not a valid boolean" in capsys.readouterr().err
    assert main(["simulate", "--app-dir", str(APPS / "missing")]) == 1
    assert "does not exist or is not a folder" in capsys.readouterr().err


def test_an_app_that_fails_at_import_is_a_user_error_naming_its_file(tmp_path: Path) -> None:
    app = tmp_path / "app_alice.py"
    for source, reason in (
        ("def main(app_config=None:\n", "importing it failed: SyntaxError: "),
        ("raise RuntimeError('boom at import')\n",
         "importing it failed: RuntimeError: boom at import"),
        ("import a_module_nobody_has\n", "No module named 'a_module_nobody_has'"),
    ):
        app.write_text(source)
        done = simulate("--app-dir", str(tmp_path), "--log-dir", str(tmp_path / "log"))
        assert done.returncode == 1
        assert done.stderr.startswith(f"netqsim: error: {app}: {reason}"), done.stderr
        assert "internal error" not in done.stderr


def test_inputs_that_main_cannot_take_are_named_before_the_run(tmp_path: Path) -> None:
    (tmp_path / "app_alice.py").write_text("def main(app_config=None, x=0):\n    return x\n")
    (tmp_path / "alice.yaml").write_text("y: 2\n")
    done = simulate("--app-dir", str(tmp_path), "--log-dir", str(tmp_path / "log"))
    assert done.returncode == 1
    assert done.stderr == (
        f"netqsim: error: {tmp_path / 'app_alice.py'}: main(app_config=None, x=0) cannot be "
        "called with app_config, y (inputs from alice.yaml): got an unexpected keyword "
        "argument 'y'\n")
    (tmp_path / "alice.yaml").write_text("x: 2\n")
    # without the simulation context netqasm passes no app_config: main must not need it
    (tmp_path / "app_alice.py").write_text("def main(app_config, x):\n    return x\n")
    done = simulate("--app-dir", str(tmp_path), "--log-dir", str(tmp_path / "log"),
                    "--no-sim-context")
    assert done.returncode == 1
    assert "main(app_config, x) cannot be called with x (inputs from alice.yaml): missing a " \
        "required argument: 'app_config'" in done.stderr
