"""Programs for the sweep robustness tests (referenced as tests.robustness.sweep_programs:X)."""

from __future__ import annotations

import time
from typing import Any

from tests.experiments.programs import Rotate


class Stall(Rotate):
    """``Rotate``, except that for ``n == stall_at`` it first sleeps ``stall_s`` s of wall
    time (``None``: forever), outside simulated time: only a wall-clock limit ends it."""

    def __init__(self, n: int = 0, d: int = 2, stall_at: int | None = None,
                 stall_s: float | None = None) -> None:
        super().__init__(n=n, d=d)
        self.stall_at, self.stall_s = stall_at, stall_s

    def run(self, context: Any) -> Any:
        if self.n == self.stall_at:
            end = time.monotonic() + (self.stall_s if self.stall_s is not None else 1e9)
            while time.monotonic() < end:
                time.sleep(0.01)
        return (yield from super().run(context))
