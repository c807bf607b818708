"""Programs for the sweep robustness tests (referenced as tests.robustness.sweep_programs:X)."""

from __future__ import annotations

import sys
import time
from typing import Any

from tests.experiments.programs import Rotate


class Stall(Rotate):
    """``Rotate`` that first spends wall time outside simulated time (results unchanged).

    In its first iteration, every point sleeps ``pause_s`` seconds; the point
    with ``n == stall_at`` sleeps ``stall_s`` seconds (``None``: forever, so
    only a wall-clock limit ends it).
    """

    def __init__(self, n: int = 0, d: int = 2, stall_at: int | None = None,
                 stall_s: float | None = None, pause_s: float = 0.0) -> None:
        super().__init__(n=n, d=d)
        self.stall_at, self.stall_s, self.pause_s = stall_at, stall_s, pause_s
        self.first = True

    def run(self, context: Any) -> Any:
        first, self.first = self.first, False
        if first:
            time.sleep(self.pause_s)
        if first and self.n == self.stall_at:
            end = time.monotonic() + (self.stall_s if self.stall_s is not None else 1e9)
            while time.monotonic() < end:
                time.sleep(0.01)
        return (yield from super().run(context))


class Exits(Rotate):
    """``Rotate`` that calls ``sys.exit(3)`` when ``n == exit_at``."""

    def __init__(self, n: int = 0, d: int = 2, exit_at: int | None = None) -> None:
        super().__init__(n=n, d=d)
        self.exit_at = exit_at

    def run(self, context: Any) -> Any:
        if self.n == self.exit_at:
            sys.exit(3)
        return (yield from super().run(context))
