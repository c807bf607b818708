"""Host layer: the program API, the NetQASM connection, classical sockets and streams.

Event-based programming (``async def`` programs, streams, state machines,
simulated-time helpers) lives in :mod:`netqsim.host.streams`,
:mod:`netqsim.host.framing`, :mod:`netqsim.host.statemachine` and
:mod:`netqsim.host.aio`.
"""

from netqsim.host.aio import AsyncioInSimulationError, SimTimeoutError, gather, sleep, timeout
from netqsim.host.connection import HostConnection
from netqsim.host.framing import recv_line, recv_message, send_line, send_message
from netqsim.host.host import Host
from netqsim.host.program import Program, ProgramContext, ProgramMeta
from netqsim.host.sockets import Socket
from netqsim.host.statemachine import (
    HandlerError,
    StateMachine,
    StateMachineError,
    Transition,
    UnexpectedEOFError,
    UnknownMessageError,
)
from netqsim.host.streams import StreamReader, StreamWriter

__all__ = [
    "AsyncioInSimulationError",
    "HandlerError",
    "Host",
    "HostConnection",
    "Program",
    "ProgramContext",
    "ProgramMeta",
    "SimTimeoutError",
    "Socket",
    "StateMachine",
    "StateMachineError",
    "StreamReader",
    "StreamWriter",
    "Transition",
    "UnexpectedEOFError",
    "UnknownMessageError",
    "gather",
    "recv_line",
    "recv_message",
    "send_line",
    "send_message",
    "sleep",
    "timeout",
]
