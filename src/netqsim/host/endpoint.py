"""The host's end of the host <-> node controller channel."""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from netqasm.backend.messages import (
    ErrorCode,
    ErrorMessage,
    MsgDoneMessage,
    ReturnArrayMessage,
    ReturnRegMessage,
)
from netqasm.lang.operand import Register
from netqasm.runtime.settings import get_is_using_hardware
from netqasm.sdk.shared_memory import Arrays, SharedMemory

from netqsim.host.shared_memory import HostSharedMemory
from netqsim.kernel import Channel, Event, Simulator
from netqsim.logs import StackLog
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.wire import decode_return_message, done_message_id


class HostEndpoint:
    """Sends a node's host messages as bytes and matches the replies to them.

    Every message sent gets the next message id; the controller answers each
    with zero or more return messages and ``MsgDoneMessage(msg_id)``. The
    event returned by :meth:`send` fires when that reply is complete, after
    the returned values were written into the given shared memory; it fails
    with :class:`~netqsim.qnodeos.errors.InstructionError` if the controller
    answered with an ``ErrorMessage``.
    """

    def __init__(
        self,
        sim: Simulator,
        node: str,
        to_controller: Channel,
        from_controller: Channel,
        error_details: Callable[[int], InstructionError | None] | None = None,
    ) -> None:
        self._sim = sim
        self._node = node
        self._to_controller = to_controller
        self._from_controller = from_controller
        self._error_details = error_details
        self._sent = 0
        self._pending: dict[int, tuple[Event, SharedMemory | None, int | None, str]] = {}
        #: The host's log (``netqsim.host.<node>``): messages sent and answered.
        self.log = StackLog("host", node, sim)
        sim.process(self._read_replies(), name=f"{node}/host replies", daemon=True)

    def send(
        self,
        message: Any,
        memory: SharedMemory | None = None,
        app_id: int | None = None,
        what: str = "message",
    ) -> Event:
        """Send ``message`` (serialized); the event fires with the complete reply."""
        return self.send_raw(bytes(message), memory, app_id, what)

    def completed(self) -> Event:
        """An event that has already succeeded (a flush with nothing to send)."""
        return self._sim.event("empty flush").succeed()

    def send_raw(
        self,
        raw: bytes,
        memory: SharedMemory | None = None,
        app_id: int | None = None,
        what: str = "raw bytes",
    ) -> Event:
        """Send bytes as they are (also malformed ones, for tests); as :meth:`send`."""
        msg_id = self._sent
        self._sent += 1
        done = self._sim.event(f"{self._node} controller's reply to {what} (message {msg_id})")
        self._pending[msg_id] = (done, memory, app_id, what)
        self._to_controller.send(bytes(raw))
        if self.log.on:
            self.log.info("sent message %d: %s", msg_id, what)
        return done

    def _read_replies(self) -> Generator[Any, Any, None]:
        returns: list[Any] = []
        error: ErrorCode | None = None
        while True:
            raw = yield self._from_controller.recv()
            done = done_message_id(raw)  # most replies: skip building a message object
            if done is not None:
                self._complete(done, returns, error)
                returns, error = [], None
                continue
            msg = decode_return_message(raw)
            if isinstance(msg, MsgDoneMessage):
                self._complete(msg.msg_id, returns, error)
                returns, error = [], None
            elif isinstance(msg, ErrorMessage):
                error = ErrorCode(msg.err_code)
            else:
                returns.append(msg)

    def _complete(self, msg_id: int, returns: list[Any], error: ErrorCode | None) -> None:
        done, memory, app_id, what = self._pending.pop(msg_id)
        if self.log.on:
            self.log.info("message %d answered%s: %s (%d return values)", msg_id,
                          "" if error is None else f" with {error.name}", what, len(returns))
        if error is not None:
            detail = self._error_details(msg_id) if self._error_details is not None else None
            if detail is None:
                detail = InstructionError(
                    self._node, app_id, self._sim.now, what,
                    RuntimeError(f"the controller answered {error.name}"), error,
                )
            done.fail(detail)
            return
        if memory is not None:
            for ret in returns:
                if isinstance(ret, ReturnRegMessage):
                    memory.set_register(Register.from_raw(ret.register), ret.value)
                elif isinstance(ret, ReturnArrayMessage):
                    store_returned_array(memory, ret.address, ret.values)
        done.succeed()


#: Shared memories that store arrays exactly as netqasm's SharedMemory does.
_NETQASM_MEMORIES = (SharedMemory, HostSharedMemory)


def store_returned_array(memory: Any, address: int, values: list[int | None]) -> None:
    """``memory.init_new_array(address, new_array=values)``: a returned array replaces any old one.

    netqasm checks every value's width first, but only on hardware (in a
    simulation its check returns at once, and values off the wire are int32
    anyway); for its own shared memory, outside hardware mode, the list is
    stored as netqasm would store it, without a call per value.
    """
    if (
        type(memory) in _NETQASM_MEMORIES
        and type(memory._arrays) is Arrays
        and type(values) is list
        and not get_is_using_hardware()
    ):
        memory._arrays._arrays[address] = values
        return
    memory.init_new_array(address, new_array=values)
