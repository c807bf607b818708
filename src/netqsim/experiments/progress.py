"""A one-line progress bar with ETA, shown only on a terminal.

``Progress(total, enabled=None)`` draws on ``stream`` (stderr) when
``enabled`` is true, or, with ``enabled=None``, when the stream is a
terminal. Otherwise it is silent: logs and notebooks stay clean.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO


def format_duration(seconds: float) -> str:
    """``1:02:03`` / ``2:03`` / ``0:07`` for a number of seconds."""
    if seconds != seconds or seconds < 0 or seconds == float("inf"):  # NaN / negative
        return "?"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """Counts finished points and redraws ``[####....] 12/40 30% 0:12 < 0:28``."""

    def __init__(self, total: int, *, enabled: bool | None = None, stream: TextIO | None = None,
                 width: int = 30, already: int = 0, label: str = "points",
                 min_interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.total = total
        self.width = width
        self.label = label
        self.done = 0
        self.already = already
        self.failed = 0
        self.start = time.monotonic()
        self.min_interval = min_interval
        self._last_draw = 0.0
        self._drawn = False

    def __enter__(self) -> Progress:
        self.draw(force=True)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def update(self, n: int = 1, *, failed: int = 0) -> None:
        """``n`` more points finished (``failed`` of them with an error)."""
        self.done += n
        self.failed += failed
        self.draw(force=self.done >= self.total)

    def line(self) -> str:
        """The current progress line (without the carriage return)."""
        total = max(self.total, 1)
        frac = min(1.0, self.done / total)
        filled = round(frac * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        text = (f"[{bar}] {self.done}/{self.total} {self.label} {frac * 100:3.0f}% "
                f"elapsed {format_duration(elapsed)} ETA {format_duration(eta)}")
        if self.already:
            text += f" ({self.already} done before)"
        if self.failed:
            text += f" ({self.failed} failed)"
        return text

    def draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < self.min_interval:
            return
        self._last_draw = now
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        """Finish the line (the last state stays visible)."""
        if self.enabled and self._drawn:
            self.draw(force=True)
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
