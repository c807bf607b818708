"""Helpers of the sweep robustness tests: sweep files and `netqsim sweep` subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.experiments.conftest import NETWORK

ROOT = Path(__file__).resolve().parents[2]

#: 24 points of at least 0.15 s each (a pause in wall time): the first part is written
#: after 1 s, well before the end, so a signal then lands in the middle of the sweep.
SLOW_SWEEP = """\
network: network.yaml
programs:
  Alice: {program: 'tests.robustness.sweep_programs:Stall', args: {d: 3, pause_s: 0.15}}
  Bob: tests.experiments.programs:Rotate
parameters:
  - {path: 'programs[Alice].args.n', name: n, range: {start: 0, stop: 5}}
  - {path: 'links[0].cfg.fidelity', linspace: {start: 0.7, stop: 1.0, num: 4}}
num_times: 10
seed: 9
"""
SLOW_POINTS = 24


def write_sweep_file(folder: Path, text: str, name: str = "sweep.yaml") -> Path:
    """``text`` as a sweep file in ``folder``, next to the two-node ``network.yaml``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "network.yaml").write_text(NETWORK)
    path = folder / name
    path.write_text(text)
    return path


def _env() -> dict[str, str]:
    """This environment, with the repository on the path (for the tests' programs)."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path}


def sweep_command(path: Path, out: Path, executor: str, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "netqsim.cli", "sweep", str(path), "-e", executor,
               "-o", str(out), *extra]
    if executor != "serial":
        command += ["--workers", "2"]
    return command


def start(command: list[str], **kwargs) -> subprocess.Popen:
    """Start ``command`` in its own session, with Ctrl-C (SIGINT) handled as usual."""
    env = _env()

    def default_sigint() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            preexec_fn=default_sigint, **kwargs)


def run(command: list[str], timeout: float = 120) -> subprocess.CompletedProcess:
    env = _env()
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


def wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def stop(proc: subprocess.Popen) -> None:
    """Kill ``proc`` and its session if it is still running (test clean-up)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()


def cli(capsys, *args) -> tuple[int, str, str]:
    """``netqsim ARGS`` in this process: (exit status, stdout, stderr)."""
    from netqsim.cli import main

    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err
