"""``squidasm.run.stack.run``: SquidASM's ``run(config, programs, num_times)`` on netqsim.

The run takes its seed and formalism from the runner's session, i.e. from the
script's ``netsquid.set_random_state`` and ``netsquid.set_qstate_formalism``
calls, and returns netqsim's results: one list per stack in config order,
one result per iteration, as SquidASM returns them. Each program is handed to
netqsim inside a thin wrapper that shows the session the simulation's clock
when the program starts, so ``netsquid.sim_time()`` reads it.

A simulation that stalls (programs still wait when nothing is left to happen,
e.g. one side stops early on a wrongly decoded bit) ends as SquidASM's does:
the run returns the iterations each node finished, and a
:class:`StalledRunWarning` says who waited on what.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from netqsim.compat.session import Session, current_session
from netqsim.config import StackNetworkConfig
from netqsim.host.program import Program, ProgramContext, ProgramMeta
from netqsim.runtime.run import RunResults
from netqsim.runtime.run import run as netqsim_run

__all__ = ["StalledRunWarning", "run"]


class StalledRunWarning(RuntimeWarning):
    """A run stalled and returned only the iterations that finished (as SquidASM does)."""


def run(
    config: StackNetworkConfig,
    programs: Mapping[str, Program | Sequence[Program]],
    num_times: int = 1,
) -> RunResults:
    """Run ``programs`` (stack name -> program) ``num_times`` times on ``config``.

    As SquidASM's: all iterations in one simulation, and a simulation that
    stalls returns what finished (with a :class:`StalledRunWarning`). The seed
    is the next one of the session's stream (see
    :class:`netqsim.compat.session.Session`).
    """
    active = current_session()
    watched = {node: _watch(value, active) for node, value in programs.items()}
    results = netqsim_run(config, watched, num_times=num_times, seed=active.next_seed(),
                          formalism=active.formalism, on_stall="return")
    for stall in results.stalls:
        finished = ", ".join(f"{name} {len(runs)}" for name, runs in results.by_node().items())
        warnings.warn(
            f"{stall}\nAs in SquidASM, run() returns the iterations that finished "
            f"({finished} of {num_times}).", StalledRunWarning, stacklevel=2,
        )
    return results


class _Clocked(Program):
    """``program`` itself, except that starting it shows the session the simulator."""

    def __init__(self, program: Program, active: Session) -> None:
        self._program = program
        self._session = active

    @property
    def meta(self) -> ProgramMeta:
        """The wrapped program's meta."""
        return self._program.meta

    def run(self, context: ProgramContext) -> Any:
        """Note the simulator, then the wrapped program's ``run``."""
        if context.sim is not None:
            self._session.watch(context.sim)
        return self._program.run(context)


def _watch(value: Any, active: Session) -> Any:
    # Anything that is not a Program goes through unchanged, so netqsim's own
    # checks report it.
    if isinstance(value, Program):
        return _Clocked(value, active)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_Clocked(p, active) if isinstance(p, Program) else p for p in value]
    return value
