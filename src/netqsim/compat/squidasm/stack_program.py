"""``squidasm.sim.stack.program`` and ``.csocket``: netqsim's program API and socket."""

from netqsim.host.program import Program, ProgramContext, ProgramMeta
from netqsim.host.sockets import Socket as ClassicalSocket

__all__ = ["ClassicalSocket", "Program", "ProgramContext", "ProgramMeta"]
