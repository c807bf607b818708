"""The node controller (QNodeOS): the host's counterpart on a quantum node.

It receives the host's messages as bytes, decodes them with netqasm's
``deserialize_host_msg``, runs them, and answers with netqasm's return
messages, serialized: ``ReturnRegMessage``/``ReturnArrayMessage`` for the
values the host needs, then ``MsgDoneMessage(msg_id)``. A message that fails
is answered with ``ErrorMessage(code)`` followed by ``MsgDoneMessage(msg_id)``
(the error message itself carries no id), and the details are kept in
:attr:`NodeController.errors` under that id.

Message ids count the messages received on the host channel, from 0; the
host counts the messages it sends the same way.

Every message gets exactly one ``MsgDoneMessage``, whatever its bytes. The
messages of one application id are answered in the order they arrived (each
id has its own queue, so applications do not wait for each other): messages
behind a ``StopAppMessage`` get an error naming it, and an ``InitNewAppMessage``
behind it starts the id again once the stop has run.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator
from typing import Any

from netqasm.backend.messages import (
    ErrorCode,
    ErrorMessage,
    InitNewAppMessage,
    Message,
    OpenEPRSocketMessage,
    Signal,
    SignalMessage,
    StopAppMessage,
    SubroutineMessage,
)
from netqasm.backend.qnodeos import QNodeController
from netqasm.lang.encoding import METADATA_BYTES, Metadata
from netqasm.lang.instr.flavour import Flavour, VanillaFlavour
from netqasm.lang.parsing import deserialize

from netqsim.hardware.errors import UnsupportedInstruction
from netqsim.kernel import Channel, Event, Simulator
from netqsim.logs import StackLog
from netqsim.qnodeos.errors import InstructionError
from netqsim.qnodeos.executor import NodeExecutor
from netqsim.qnodeos.wire import (
    decode_host_message,
    done_message,
    encode_return_message,
    message_app_id,
)

Gen = Generator[Any, Any, Any]

# Distinct subroutine bodies remembered per controller.
_DECODED_CACHE_SIZE = 256

#: The largest application id a subroutine header (16 bits) can name.
MAX_APP_ID = 2**16 - 1


class ControllerStopped(RuntimeError):
    """A message reached a node controller after it was stopped."""


class NodeController(QNodeController):
    """Serves one node's host: applications, subroutines, EPR sockets, STOP.

    ``inbox`` carries the host's serialized messages, ``outbox`` the replies.
    Each application gets its own worker, so an application that waits (for
    entanglement, say) does not hold up the others; the quantum processor
    still does one instruction at a time.
    """

    def __init__(
        self,
        name: str,
        node_id: int,
        sim: Simulator,
        processor: Any,
        inbox: Channel,
        outbox: Channel,
        instr_proc_time: float = 0.0,
        flavour: Flavour | None = None,
    ) -> None:
        super().__init__(
            name=name,
            flavour=flavour,
            node_id=node_id,
            sim=sim,
            processor=processor,
            instr_proc_time=instr_proc_time,
        )
        self._sim = sim
        self._inbox = inbox
        self._outbox = outbox
        self._received = 0
        self._apps: dict[int, _App] = {}
        self._stopped = False
        self._decoded: dict[bytes, list[Any]] = {}
        #: Details of every failed message, by message id.
        self.errors: dict[int, InstructionError] = {}
        self._log = StackLog("qnodeos", name, sim)
        sim.process(self._serve(), name=f"{name}/qnodeos", daemon=True)

    @classmethod
    def _get_executor_class(cls, flavour: Flavour | None = None) -> type[NodeExecutor]:
        return NodeExecutor

    @property
    def executor(self) -> NodeExecutor:
        """The executor that runs this node's subroutines."""
        return self._executor  # type: ignore[return-value]

    @property
    def stopped(self) -> bool:
        """True once a ``SignalMessage(STOP)`` has been answered."""
        return self._stopped

    def stop(self) -> None:
        self._stopped = True

    def _mark_message_finished(self, msg_id: int, msg: Message) -> None:
        self._reply(msg_id, [])

    # -- replies --------------------------------------------------------------------
    def _reply(self, msg_id: int, returns: list[Any]) -> None:
        # All parts go out in one step, so replies to different applications
        # never interleave on the channel.
        send = self._outbox.send
        for message in returns:
            send(encode_return_message(message))
        send(done_message(msg_id))
        if self._log.on:
            self._log.info("answered message %d (%d return values)", msg_id, len(returns))

    def _fail(self, msg_id: int, error: InstructionError) -> None:
        if self._log.on:
            self._log.info("answered message %d with %s: %s", msg_id, error.code.name, error)
        self.errors[msg_id] = error
        self._outbox.send(bytes(ErrorMessage(err_code=error.code)))
        self._outbox.send(done_message(msg_id))

    def _error(
        self, msg_id: int, app_id: int | None, what: str, cause: BaseException,
        code: ErrorCode | None = None,
    ) -> None:
        self._fail(msg_id, InstructionError(self.name, app_id, self._sim.now, what, cause, code))

    # -- receiving -------------------------------------------------------------------
    def _serve(self) -> Gen:
        while True:
            raw = yield self._inbox.recv()
            msg_id = self._received
            self._received += 1
            try:
                msg = decode_host_message(raw)
            except Exception as exc:
                if self._stopped:
                    self._error(msg_id, None, "message after STOP", self._stopped_error())
                else:
                    self._error(msg_id, None, f"undecodable message {bytes(raw[:16])!r}", exc)
                continue
            if self._log.on:
                self._log.info("received message %d: %s (app %s)", msg_id, type(msg).__name__,
                               message_app_id(msg))
            if self._stopped:
                self._reject(
                    msg_id, message_app_id(msg), "message after STOP", self._stopped_error()
                )
                continue
            try:
                self._dispatch(msg_id, msg)
            except Exception as exc:  # every path answers itself; this is the backstop
                self._reject(msg_id, message_app_id(msg), type(msg).__name__, exc)

    def _stopped_error(self) -> ControllerStopped:
        return ControllerStopped(
            f"the controller of node {self.name!r} was stopped by a STOP signal "
            "and accepts no further messages"
        )

    def _reject(self, msg_id: int, app_id: int | None, what: str, cause: Exception) -> None:
        """Answer with an error; in the application's turn if ``app_id`` is running, so
        that each application's messages are answered in the order they came."""
        app = self._apps.get(app_id) if app_id is not None else None
        if app is None:
            self._error(msg_id, app_id, what, cause)
        else:
            app.put(msg_id, what, _raising(cause))

    def _dispatch(self, msg_id: int, msg: Any) -> None:
        if isinstance(msg, SignalMessage):
            self._signal(msg_id, msg)
        elif isinstance(msg, InitNewAppMessage):
            self._init_app(msg_id, msg)
        elif isinstance(msg, SubroutineMessage):
            try:
                app_id, instructions = self._decode_subroutine(msg.subroutine)
            except Exception as exc:
                self._undecodable_subroutine(msg_id, msg, exc)
                return
            # The executor runs the decoded body as it is; a netqasm Subroutine
            # object around it would only cost a scan of every operand.
            self._enqueue(
                msg_id, app_id, "subroutine", self.executor.execute(app_id, instructions)
            )
        elif isinstance(msg, OpenEPRSocketMessage):
            self._enqueue(
                msg_id, msg.app_id, f"OpenEPRSocket({msg.epr_socket_id} -> node "
                f"{msg.remote_node_id})", self._handle_open_epr_socket(msg),
            )
        elif isinstance(msg, StopAppMessage):
            self._enqueue(msg_id, msg.app_id, "StopApp", self._stop_app(msg), stops=True)
        else:  # pragma: no cover - deserialize_host_msg knows no other types
            self._error(msg_id, None, "message", TypeError(f"unknown message {msg!r}"))

    def _signal(self, msg_id: int, msg: SignalMessage) -> None:
        try:
            Signal(msg.signal)
        except ValueError:
            known = ", ".join(f"{s.name} = {s.value}" for s in Signal)
            self._error(msg_id, None, "SignalMessage", ValueError(
                f"unknown signal {msg.signal} (known signals: {known})"
            ))
            return
        for _ in self.handle_netqasm_message(msg_id, msg):  # replies, then stops
            pass

    def _decode_subroutine(self, raw: bytes) -> tuple[int, list[Any]]:
        """A subroutine's application id and instructions; programs that loop send
        the same body again and again, so decoded bodies are kept (they are never
        modified, and the executor caches its plans by their identity)."""
        body = bytes(raw[METADATA_BYTES:])
        instructions = self._decoded.get(body)
        if instructions is None:
            subroutine = deserialize(raw, flavour=self.flavour)
            if len(self._decoded) >= _DECODED_CACHE_SIZE:
                del self._decoded[next(iter(self._decoded))]  # drop the oldest
            self._decoded[body] = subroutine.instructions
            return subroutine.app_id, subroutine.instructions  # type: ignore[return-value]
        return Metadata.from_buffer_copy(raw[:METADATA_BYTES]).app_id, instructions

    def _undecodable_subroutine(
        self, msg_id: int, msg: SubroutineMessage, exc: Exception
    ) -> None:
        if isinstance(exc, KeyError):
            # An instruction id this node's flavour does not have: the
            # subroutine was compiled for another device.
            flavour = type(self.flavour or VanillaFlavour()).__name__
            cause: Exception = UnsupportedInstruction(
                f"instruction id {exc.args[0]} is not in the {flavour} instruction set of "
                f"node {self.name!r} (compile for this node's device: NV nodes need "
                "netqasm's NVSubroutineTranspiler)"
            )
        else:
            cause = exc
        self._reject(msg_id, message_app_id(msg), "undecodable subroutine", cause)

    # -- applications --------------------------------------------------------------------
    def _init_app(self, msg_id: int, msg: InitNewAppMessage) -> None:
        app_id = msg.app_id
        what = "InitNewApp"
        if app_id > MAX_APP_ID:
            self._error(msg_id, app_id, what, ValueError(
                f"application id {app_id} does not fit the 16-bit application id of a "
                f"subroutine header (at most {MAX_APP_ID})"
            ))
            return
        app = self._apps.get(app_id)
        if app is None:
            self._handle_init_new_app(msg)
            app = self._apps[app_id] = _App()
            self._sim.process(
                self._app_worker(app_id, app), name=f"{self.name}/app {app_id}", daemon=True
            )
            self._reply(msg_id, [])
        elif app.stopped_by is not None:
            # The id is being stopped: a new application with it starts once the
            # StopApp queued before it has run (messages run in order per app id).
            app.stopped_by = None
            app.put(msg_id, what, self._reinit_app(msg, app))
        else:
            app.put(msg_id, what, _raising(ValueError(
                f"application id {app_id} is already running on node {self.name!r}"
            )))

    def _reinit_app(self, msg: InitNewAppMessage, app: _App) -> Gen:
        self._handle_init_new_app(msg)
        app.ended = False
        return
        yield  # a job is a generator

    def _enqueue(
        self, msg_id: int, app_id: int, what: str, job: Gen, stops: bool = False
    ) -> None:
        app = self._apps.get(app_id)
        if app is None:
            job.close()
            self._error(msg_id, app_id, what, KeyError(
                f"no application with id {app_id} is running on node {self.name!r} "
                f"(running: {sorted(self._apps) or 'none'})"
            ))
            return
        if app.stopped_by is not None:
            job.close()
            job = _raising(KeyError(
                f"application {app_id} on node {self.name!r} was stopped by the StopApp of "
                f"message {app.stopped_by}, sent before this {what}; start it again with "
                "InitNewApp first"
            ))
        elif stops:
            app.stopped_by = msg_id
        app.put(msg_id, what, job)

    def _stop_app(self, msg: StopAppMessage) -> Gen:
        try:
            yield from self._handle_stop_app(msg)
        finally:
            # Even a stop that failed half-way ends the application here: its id
            # can be started again (the executor then says what is left over).
            self._apps[msg.app_id].ended = True

    def _app_worker(self, app_id: int, app: _App) -> Gen:
        """Runs one application id's messages in order, each answered once."""
        while True:
            if app.jobs:
                # Let work for other applications that arrived meanwhile go first,
                # as when each message reaches its application's queue separately.
                yield self._sim.timeout(0.0)
            while not app.jobs:
                if app.ended:
                    del self._apps[app_id]  # stopped, and nothing queued behind the stop
                    return
                app.wake = self._sim.event(f"a message for application {app_id}")
                yield app.wake
            msg_id, what, job = app.jobs.popleft()
            try:
                yield from job
            except InstructionError as err:
                self.executor.take_returns(app_id)  # nothing of a failed subroutine is kept
                self._fail(msg_id, err)
            except Exception as exc:
                self.executor.take_returns(app_id)
                self._error(msg_id, app_id, what, exc)
            else:
                self._reply(msg_id, self.executor.take_returns(app_id))


class _App:
    """The messages queued for one application id, and where it is in its life."""

    __slots__ = ("ended", "jobs", "stopped_by", "wake")

    def __init__(self) -> None:
        self.jobs: deque[tuple[int, str, Gen]] = deque()
        self.wake: Event | None = None
        #: Message id of the StopApp queued for the application, if any.
        self.stopped_by: int | None = None
        #: True once the StopApp ran (until a queued InitNewApp starts the id again).
        self.ended = False

    def put(self, msg_id: int, what: str, job: Gen) -> None:
        self.jobs.append((msg_id, what, job))
        wake, self.wake = self.wake, None
        if wake is not None:
            wake.succeed()


def _raising(exc: Exception) -> Gen:
    """A job that fails with ``exc`` when its turn comes."""
    raise exc
    yield  # a job is a generator


__all__ = ["MAX_APP_ID", "ControllerStopped", "NodeController"]
