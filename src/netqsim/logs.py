"""Stack logs: what each node's host, controller, network stack and processor do, in simulated time.

Every component of a node logs to a standard :mod:`logging` logger named after
its layer and node, under the ``netqsim`` logger:

==========================  ==============================================================
``netqsim.host.NODE``       host messages sent to the node controller and their answers
``netqsim.qnodeos.NODE``    messages the controller received and answered, subroutines run
``netqsim.netstack.NODE``   EPR requests sent, received and accepted; pairs delivered
``netqsim.processor.NODE``  quantum instructions (init, gates, measurements), with duration
``netqsim.program.NODE``    a program's own records (:func:`program_logger`)
==========================  ==============================================================

Each record carries ``sim_time``: the simulated time in ns of the simulation
that logged it (read from that simulation's clock, so two simulations in one
process never mix their times); ``simtime``, SquidASM's name, holds the same.
All these records are at INFO.

Logging is off by default: the ``netqsim`` logger starts at WARNING. The stack
reads whether INFO is enabled once, when a component is built (that is, when a
network is built for a run), so with logging off a run pays one attribute test
per call site; set the level before the run.

:class:`LogManager` is SquidASM's interface to these logs
(``LogManager.set_log_level("INFO")``, ``LogManager.log_to_file(path)``, ...).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

__all__ = [
    "FORMAT",
    "NO_TIME",
    "ROOT_LOGGER",
    "LogManager",
    "SimTimeFilter",
    "StackLog",
    "logging_restored",
    "program_logger",
]

#: The logger every netqsim log record descends from.
ROOT_LOGGER = "netqsim"
#: The format of :class:`LogManager`'s handlers (SquidASM's, with netqsim's time attribute).
FORMAT = "%(levelname)s:%(sim_time)s ns:%(name)s:%(message)s"
#: ``sim_time`` of a record that no simulation stamped (logged outside any simulation).
NO_TIME = "-"

_root = logging.getLogger(ROOT_LOGGER)
if _root.level == logging.NOTSET:  # off by default, unless configured before this import
    _root.setLevel(logging.WARNING)


class Clock(Protocol):
    """Anything with the simulated time in ns (a netqsim ``Simulator``)."""

    @property
    def now(self) -> float: ...


class StackLog:
    """A component's logger, bound to the simulation whose time its records carry.

    ``on`` says whether INFO records of this logger are enabled; it is read once,
    at construction, so that a call site guarded by ``if log.on:`` costs nothing
    measurable while logging is off.
    """

    __slots__ = ("_clock", "logger", "on")

    def __init__(self, layer: str, node: str, clock: Clock | None) -> None:
        #: The :mod:`logging` logger, ``netqsim.<layer>.<node>``.
        self.logger = logging.getLogger(f"{ROOT_LOGGER}.{layer}.{node}")
        self._clock = clock
        #: True if INFO records are enabled (as when this object was made).
        self.on = self.logger.isEnabledFor(logging.INFO)

    def _emit(self, level: int, msg: str, args: tuple[Any, ...]) -> None:
        if self.logger.isEnabledFor(level):
            now = NO_TIME if self._clock is None else self._clock.now
            # stacklevel 3: the record names the component's call site, not this class.
            self.logger.log(level, msg, *args, extra={"sim_time": now, "simtime": now},
                            stacklevel=3)

    def log(self, level: int, msg: str, *args: Any) -> None:
        """Log ``msg % args`` at ``level``, stamped with the simulation's current time."""
        self._emit(level, msg, args)

    def info(self, msg: str, *args: Any) -> None:
        """Log ``msg % args`` at INFO, stamped with the simulation's current time."""
        self._emit(logging.INFO, msg, args)

    def debug(self, msg: str, *args: Any) -> None:
        """Log ``msg % args`` at DEBUG, stamped with the simulation's current time."""
        self._emit(logging.DEBUG, msg, args)

    def warning(self, msg: str, *args: Any) -> None:
        """Log ``msg % args`` at WARNING, stamped with the simulation's current time."""
        self._emit(logging.WARNING, msg, args)


def program_logger(context: Any) -> StackLog:
    """The logger ``netqsim.program.<node>`` for a program, stamped with its simulation's time.

    ``context`` is the program's ``ProgramContext`` (its ``node_name`` and ``sim``;
    without a simulator the records carry ``sim_time`` ``"-"``).
    """
    return StackLog("program", context.node_name, context.sim)


class SimTimeFilter(logging.Filter):
    """Gives every record ``sim_time`` (and SquidASM's ``simtime``), for formats that show it.

    Records of the stack already carry the time of their simulation. Others
    (a program's logger from :meth:`LogManager.get_stack_logger`) get
    ``fallback()``, or ``"-"`` if that is None.
    """

    def __init__(self, fallback: Callable[[], float | None] | None = None) -> None:
        super().__init__()
        self.fallback = fallback

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``sim_time`` if missing; never drops a record."""
        if not hasattr(record, "sim_time"):
            now = self.fallback() if self.fallback is not None else None
            record.sim_time = record.simtime = NO_TIME if now is None else now
        return True


class LogManager:
    """Set up and get netqsim's loggers, as SquidASM's ``LogManager`` does for its stack.

    The stack logger is ``netqsim`` (SquidASM's is ``Stack``); its children
    are the per-node loggers of the module docstring. On first use a handler
    that prints to stderr in :data:`FORMAT` is attached (and records no longer
    propagate to the root logger, so they are not printed twice);
    :meth:`log_to_file` adds a file in the same format.
    """

    STACK_LOGGER = ROOT_LOGGER
    #: Marks the handlers this class attached, so :meth:`reset` finds them.
    _MARK = "_netqsim_log_manager"

    @classmethod
    def sim_time_fallback(cls) -> float | None:
        """The time given to records that carry none (None: shown as ``-``)."""
        return None

    @classmethod
    def _handler(cls, handler: logging.Handler, kind: str) -> logging.Handler:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.addFilter(SimTimeFilter(cls.sim_time_fallback))
        setattr(handler, cls._MARK, kind)
        return handler

    @classmethod
    def _setup(cls) -> logging.Logger:
        logger = logging.getLogger(cls.STACK_LOGGER)
        if not hasattr(logger, cls._MARK):  # once, until reset()
            setattr(logger, cls._MARK, "set up")
            logger.addHandler(cls._handler(logging.StreamHandler(sys.stderr), "console"))
            logger.propagate = False
        return logger

    @classmethod
    def get_stack_logger(cls, sub_logger: str | None = None) -> logging.Logger:
        """The ``netqsim`` logger, or its child ``netqsim.<sub_logger>``."""
        logger = cls._setup()
        if sub_logger is None:
            return logger
        if not isinstance(sub_logger, str):
            raise TypeError(
                f"LogManager.get_stack_logger: sub_logger must be a string or None, "
                f"got {type(sub_logger).__name__} {sub_logger!r}"
            )
        return logger.getChild(sub_logger)

    @classmethod
    def set_log_level(cls, level: int | str) -> None:
        """Set the level of every netqsim logger (``"INFO"``, ``logging.DEBUG``, ...).

        Takes effect for the runs that start afterwards.
        """
        if isinstance(level, str):
            number = logging.getLevelName(level.upper())  # a level name gives its number
            if not isinstance(number, int):
                raise ValueError(
                    f"LogManager.set_log_level: unknown level {level!r} (levels: "
                    "CRITICAL, ERROR, WARNING, INFO, DEBUG, NOTSET or a number)"
                )
            level = number
        elif isinstance(level, bool) or not isinstance(level, int):
            raise TypeError(
                f"LogManager.set_log_level: level must be a level name or an int, "
                f"got {type(level).__name__} {level!r}"
            )
        cls._setup().setLevel(level)

    @classmethod
    def get_log_level(cls) -> int:
        """The level of the netqsim logger (``logging.WARNING`` unless set)."""
        return cls._setup().level

    @classmethod
    def log_to_file(cls, path: str | Path) -> None:
        """Also write the logs to the file ``path`` (overwritten), in :data:`FORMAT`."""
        handler = logging.FileHandler(path, mode="w", encoding="utf-8")
        cls._setup().addHandler(cls._handler(handler, "file"))

    @classmethod
    def disable_console_logging(cls) -> None:
        """Stop printing the logs to stderr (files set up with :meth:`log_to_file` stay)."""
        logger = cls._setup()
        for handler in list(logger.handlers):
            if getattr(handler, cls._MARK, None) == "console":
                logger.removeHandler(handler)
                handler.close()

    @classmethod
    def reset(cls) -> None:
        """Undo this class's setup: handlers removed (files closed), level WARNING again."""
        logger = logging.getLogger(cls.STACK_LOGGER)
        for handler in list(logger.handlers):
            if getattr(handler, cls._MARK, None) is not None:
                logger.removeHandler(handler)
                handler.close()
        logger.propagate = True
        logger.setLevel(logging.WARNING)
        if hasattr(logger, cls._MARK):
            delattr(logger, cls._MARK)


@contextmanager
def logging_restored() -> Iterator[None]:
    """Within the block, log setup may change; afterwards it is as before.

    The ``netqsim`` logger gets back its level, propagation, handlers (those
    removed inside the block are attached again) and :class:`LogManager` setup;
    the levels of its child loggers come back too, and so do the root logger's
    handlers and level (scripts call ``logging.basicConfig``). Handlers added
    inside the block are removed and closed (their files flushed). The script
    runners use it, so a script run in-process leaves no log setup behind.
    """
    logger, root = logging.getLogger(ROOT_LOGGER), logging.getLogger()
    saved = {log: (log.level, log.propagate, list(log.handlers)) for log in (logger, root)}
    children = _child_levels()
    mark = getattr(logger, LogManager._MARK, None)
    try:
        yield
    finally:
        for log, (level, propagate, handlers) in saved.items():
            for handler in list(log.handlers):
                if handler not in handlers:
                    log.removeHandler(handler)
                    handler.close()
            log.handlers[:] = handlers
            log.setLevel(level)
            log.propagate = propagate
        for name in _child_levels():
            logging.getLogger(name).setLevel(children.get(name, logging.NOTSET))
        if mark is None:
            if hasattr(logger, LogManager._MARK):
                delattr(logger, LogManager._MARK)
        else:
            setattr(logger, LogManager._MARK, mark)


def _child_levels() -> dict[str, int]:
    """The level of every logger below ``netqsim`` that exists now."""
    prefix = ROOT_LOGGER + "."
    return {name: log.level for name, log in logging.root.manager.loggerDict.items()
            if name.startswith(prefix) and isinstance(log, logging.Logger)}
