"""SIGKILL of `netqsim sweep` leaves no process behind (issue 11, finding 8).

Before: the worker processes, the fork server and the resource tracker lived
on for minutes after the sweep process was killed, holding its output pipes
open, so whoever read the sweep's output never saw the end of it.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.robustness.sweep_helpers import (
    SLOW_SWEEP,
    start,
    stop,
    sweep_command,
    wait_for,
    write_sweep_file,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="reads the process tree from /proc")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def read_to_eof(stream, timeout: float) -> bool:
    """Read ``stream`` until its end; False if that does not come within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready and not os.read(fd, 65536):
            return True
    return False


def test_sigkill_of_the_sweep_ends_workers_fork_server_and_resource_tracker(tmp_path):
    path = write_sweep_file(tmp_path, SLOW_SWEEP)
    out = tmp_path / "out"
    proc = start(sweep_command(path, out, "processes"), stdout=subprocess.PIPE,
                 stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: list((out / "parts").glob("part-*.parquet"))), "no part written"
        helpers = descendants(proc.pid)
        # two workers, the fork server and the resource tracker
        assert len(helpers) >= 4, helpers
        proc.send_signal(signal.SIGKILL)
        assert read_to_eof(proc.stdout, 5.0), "the sweep's stdout is still held open"
        assert read_to_eof(proc.stderr, 5.0), "the sweep's stderr is still held open"
        assert wait_for(lambda: not any(alive(p) for p in helpers), timeout=5.0), [
            p for p in helpers if alive(p)]
    finally:
        stop(proc)  # its whole session: also whatever outlived it
