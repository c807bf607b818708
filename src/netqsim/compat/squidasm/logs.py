"""``squidasm.sim.stack.common`` and ``netsquid_netbuilder.logger``: SquidASM's ``LogManager``.

netqsim's :class:`netqsim.logs.LogManager`; records a script's own loggers
write (``LogManager.get_stack_logger("Program Alice").info(...)``) show the
simulated time that ``netsquid.sim_time()`` gives, as SquidASM's do.
"""

from __future__ import annotations

from netqsim.compat.session import current_session
from netqsim.logs import LogManager as _NativeLogManager
from netqsim.logs import SimTimeFilter

__all__ = ["LogManager", "SimTimeFilter"]


class LogManager(_NativeLogManager):
    """netqsim's LogManager; a record without a time gets the script's ``sim_time()``."""

    @classmethod
    def sim_time_fallback(cls) -> float | None:
        """``netsquid.sim_time()`` of the running script (None outside a runner)."""
        try:
            return current_session().sim_time()
        except RuntimeError:
            return None
