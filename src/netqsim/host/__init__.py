"""Host layer: the program API, the NetQASM connection and classical sockets."""

from netqsim.host.connection import HostConnection
from netqsim.host.host import Host, ProgramResultError
from netqsim.host.program import Program, ProgramContext, ProgramMeta
from netqsim.host.sockets import Socket

__all__ = [
    "Host",
    "HostConnection",
    "Program",
    "ProgramContext",
    "ProgramMeta",
    "ProgramResultError",
    "Socket",
]
