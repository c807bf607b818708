"""``squidasm.sim.stack.common``, ``netsquid_netbuilder.logger``, ``netsquid_driver.logger``.

SquidASM's ``LogManager`` is netqsim's :class:`netqsim.logs.LogManager`;
records a script's own loggers write
(``LogManager.get_stack_logger("Program Alice").info(...)``) show the
simulated time that ``netsquid.sim_time()`` gives, as SquidASM's do. Newer
SquidASM examples reach the same logger tree through netsquid-driver's
``SnippetLogManager.get_logger(name)``.
"""

from __future__ import annotations

import logging

from netqsim.compat.session import current_session
from netqsim.logs import LogManager as _NativeLogManager
from netqsim.logs import SimTimeFilter

__all__ = ["LogManager", "SimTimeFilter", "SnippetLogManager"]


class LogManager(_NativeLogManager):
    """netqsim's LogManager; a record without a time gets the script's ``sim_time()``."""

    @classmethod
    def sim_time_fallback(cls) -> float | None:
        """``netsquid.sim_time()`` of the running script (None outside a runner)."""
        try:
            return current_session().sim_time()
        except RuntimeError:
            return None


class SnippetLogManager(LogManager):
    """netsquid-driver's name for the LogManager; ``get_logger`` is ``get_stack_logger``."""

    @classmethod
    def get_logger(cls, sub_logger: str | None = None) -> logging.Logger:
        """The stack logger, or its child ``sub_logger`` (as :meth:`get_stack_logger`)."""
        return cls.get_stack_logger(sub_logger)
