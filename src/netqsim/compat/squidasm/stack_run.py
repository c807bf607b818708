"""``squidasm.run.stack.run``: SquidASM's ``run(config, programs, num_times)`` on netqsim.

The run takes its seed and formalism from the runner's session, i.e. from the
script's ``netsquid.set_random_state`` and ``netsquid.set_qstate_formalism``
calls, and returns netqsim's results: one list per stack in config order,
one result per iteration, as SquidASM returns them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from netqsim.compat.session import current_session
from netqsim.config import StackNetworkConfig
from netqsim.host.program import Program
from netqsim.runtime.run import RunResults
from netqsim.runtime.run import run as netqsim_run

__all__ = ["run"]


def run(
    config: StackNetworkConfig,
    programs: Mapping[str, Program | Sequence[Program]],
    num_times: int = 1,
) -> RunResults:
    """Run ``programs`` (stack name -> program) ``num_times`` times on ``config``.

    As SquidASM's: all iterations in one simulation. The seed is the next one
    of the session's stream (see :class:`netqsim.compat.session.Session`).
    """
    active = current_session()
    return netqsim_run(config, programs, num_times=num_times, seed=active.next_seed(),
                       formalism=active.formalism)
