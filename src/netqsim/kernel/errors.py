"""Exceptions raised by the discrete-event kernel."""

from __future__ import annotations

from typing import Any


class SimulationError(RuntimeError):
    """Base class for errors that stop a simulation run."""


class ProcessError(SimulationError):
    """A process raised an exception that no other process handled.

    The original exception is available as ``exception`` and as ``__cause__``;
    ``process`` is the failed process and ``time`` the simulated time (ns) at
    which it failed.
    """

    def __init__(self, process: Any, time: float, exception: BaseException) -> None:
        self.process = process
        self.time = time
        self.exception = exception
        super().__init__(
            f"process {process.name!r} failed at t={time:g} ns: "
            f"{type(exception).__name__}: {exception}"
        )


class DeadlockError(SimulationError):
    """The event queue ran empty while processes were still waiting.

    ``waiting`` lists ``(process, event)`` pairs: each blocked process and the
    event it waits on.
    """

    def __init__(
        self, time: float, waiting: list[tuple[Any, Any]], reason: str = "",
        pending: list[str] | None = None,
    ) -> None:
        self.time = time
        self.waiting = waiting
        #: What components reported as unfinished (see Simulator.add_stall_reporter).
        self.pending = list(pending or [])
        lines = [
            f"simulation stalled at t={time:g} ns{reason}: no events are left but "
            f"{len(waiting)} process(es) still wait:"
        ]
        for proc, event in waiting:
            lines.append(f"  - process {proc.name!r} waits on {describe(event)}")
        if self.pending:
            lines.append("unfinished work:")
            lines.extend(f"  - {item}" for item in self.pending)
        super().__init__("\n".join(lines))


class Interrupt(Exception):
    """Thrown into a process by :meth:`Process.interrupt`; ``cause`` says why."""

    def __init__(self, cause: Any = None) -> None:
        super().__init__(cause)
        self.cause = cause


def describe(event: Any) -> str:
    """A one-line human description of what an event stands for."""
    describer = getattr(event, "describe", None)
    return describer() if describer is not None else repr(event)
