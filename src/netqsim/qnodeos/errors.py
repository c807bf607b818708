"""Errors raised while a node controller executes an application's messages."""

from __future__ import annotations

from netqasm.backend.messages import ErrorCode

from netqsim.hardware.errors import NoQubitError, UnsupportedInstruction


class InstructionError(Exception):
    """An instruction (or message) could not be executed by a node controller.

    Carries what the host needs to report it: the node, the application id,
    the simulated time, the instruction text and the NetQASM error code that
    went over the wire.
    """

    def __init__(
        self,
        node: str,
        app_id: int | None,
        time: float,
        what: str,
        cause: BaseException,
        code: ErrorCode | None = None,
    ) -> None:
        self.node = node
        self.app_id = app_id
        self.time = time
        self.what = what
        self.cause = cause
        self.code = code if code is not None else error_code(cause)
        app = f"app {app_id}" if app_id is not None else "no app"
        super().__init__(
            f"node {node!r}, {app}, t={time:g} ns, {what}: "
            f"{type(cause).__name__}: {cause} [{self.code.name}]"
        )


def error_code(exc: BaseException) -> ErrorCode:
    """The NetQASM error code that reports ``exc`` to the host."""
    if isinstance(exc, NoQubitError):
        return ErrorCode.NO_QUBIT
    if isinstance(exc, UnsupportedInstruction):
        return ErrorCode.UNSUPP
    return ErrorCode.GENERAL
