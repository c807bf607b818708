"""Programs for the sweep robustness tests (referenced as tests.robustness.sweep_programs:X)."""

from __future__ import annotations

import time
from typing import Any

from tests.experiments.programs import Rotate


class Stall(Rotate):
    """``Rotate``, except that for ``n == stall_at`` it never finishes (wall time)."""

    def __init__(self, n: int = 0, d: int = 2, stall_at: int | None = None) -> None:
        super().__init__(n=n, d=d)
        self.stall_at = stall_at

    def run(self, context: Any) -> Any:
        if self.n == self.stall_at:
            while True:  # stuck outside simulated time: only a wall-clock limit ends it
                time.sleep(0.01)
        return (yield from super().run(context))
