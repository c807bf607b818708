"""Exceptions raised by quantum processors.

The node controller maps them to NetQASM error codes:
:class:`UnsupportedInstruction` -> ``ErrorCode.UNSUPP``, :class:`NoQubitError`
-> ``ErrorCode.NO_QUBIT``, anything else (including :class:`PositionError`)
-> ``ErrorCode.GENERAL``.
"""

from __future__ import annotations


class HardwareError(Exception):
    """Base class of every error raised by ``netqsim.hardware``."""


class UnsupportedInstruction(HardwareError):
    """The device cannot execute this instruction on these positions.

    Raised for instructions outside the device's instruction set (a vanilla
    ``h`` on an NV centre, an NV ``crot_x`` on a generic device) and for
    topology violations (a controlled rotation between two carbons). The
    message names the instruction, the positions and the device.
    """


class NoQubitError(HardwareError):
    """No physical qubit is free for the request (maps to ``ErrorCode.NO_QUBIT``)."""


class PositionError(HardwareError, IndexError):
    """A position is out of range, or an operation used a position that holds no qubit.

    The message names the device and the position.
    """
