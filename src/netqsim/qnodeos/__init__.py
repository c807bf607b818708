"""The node controller (QNodeOS): message handling and subroutine execution."""

from netqsim.qnodeos.controller import ControllerStopped, NodeController
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.executor import NodeExecutor

__all__ = ["ControllerStopped", "InstructionError", "NodeController", "NodeExecutor"]
