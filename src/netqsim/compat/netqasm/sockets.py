"""netqasm's blocking ``Socket`` and ``BroadcastChannel`` between apps, in simulated time.

``Socket("alice", "bob")`` connects app (role) alice to app bob over the
classical link between their nodes; ``recv()`` blocks the app until the
message has arrived (:func:`netqsim.compat.threads.call`). Messages keep
their order; ``send_structured`` travels as JSON text and ``recv_structured``
rebuilds the ``StructuredMessage``, as netqasm's thread sockets do. Each
send and receive is written to the app's ``<app>_class_comm.yaml`` when the
run logs to files (``*_silent`` calls are not).
"""

from __future__ import annotations

import json
from typing import Any

from netqasm.sdk.classical_communication.message import StructuredMessage

from netqsim.compat.netqasm.apprun import current_run
from netqsim.compat.threads import call
from netqsim.kernel import Event

__all__ = ["BroadcastChannel", "Socket"]


def _no_message(app: str, remote: str) -> RuntimeError:
    return RuntimeError(f"no message from {remote!r} has arrived at {app!r} yet (block=False)")


class Socket:
    """A classical socket from app ``app_name`` to app ``remote_app_name`` (netqasm's API).

    ``timeout`` (wall-clock seconds in netqasm) is accepted and ignored:
    waiting happens in simulated time, and a receive that can never complete
    ends the run with a deadlock report instead of hanging.
    """

    def __init__(self, app_name: str, remote_app_name: str, socket_id: int = 0,
                 timeout: float | None = None, use_callbacks: bool = False,
                 log_config: Any = None) -> None:
        if app_name == remote_app_name:
            raise ValueError(f"Socket({app_name!r}, {remote_app_name!r}): an app cannot "
                             "connect to itself")
        run = current_run()
        self._run = run
        self._app_name = app_name
        self._remote_app_name = remote_app_name
        self._id = socket_id
        self._node = run.node_of(app_name, f"Socket({app_name!r}, {remote_app_name!r})")
        self._remote_node = run.node_of(remote_app_name,
                                        f"Socket({app_name!r}, {remote_app_name!r})")
        classical = run.network.classical
        # Two roles on one node talk without a link (at once, as netqasm's thread sockets).
        self._local = self._node == self._remote_node
        if not self._local and not classical.has_link(self._node, self._remote_node):
            classical.delay(self._node, self._remote_node)  # raises, naming the nodes
        self._classical = classical
        self._key = ("netqasm-socket", socket_id, app_name, remote_app_name)
        self._inbox = classical.mailbox(self._node, self._remote_node,
                                        ("netqasm-socket", socket_id, remote_app_name, app_name))

    @property
    def app_name(self) -> str:
        """This socket's app."""
        return self._app_name

    @property
    def remote_app_name(self) -> str:
        """The app at the other end."""
        return self._remote_app_name

    @property
    def id(self) -> int:
        """The socket id (both ends use the same)."""
        return self._id

    # -- sending ------------------------------------------------------------
    def _send(self, msg: str) -> None:
        if self._local:
            self._classical.mailbox(self._remote_node, self._node, self._key).send(msg, delay=0.0)
        else:
            self._classical.send(self._node, self._remote_node, self._key, msg)

    def _log(self, operation: str, msg: Any, sender: str, receiver: str, log: str) -> None:
        logs = self._run.logs
        if logs.enabled:
            line, file = self._run.user_line()
            logs.class_comm(self._app_name, operation, msg, sender, receiver, self._id,
                            line, file, log)

    def send(self, msg: str) -> None:
        """Send a string to the remote app."""
        if not isinstance(msg, str):
            raise TypeError(f"Messages needs to be a string, not {type(msg)}")
        self._log("SEND", msg, self._app_name, self._remote_app_name,
                  f"Send classical message to {self._remote_app_name}: {msg}")
        self._send(msg)

    def send_silent(self, msg: str) -> None:
        """Send a string without logging it."""
        if not isinstance(msg, str):
            raise TypeError(f"Messages needs to be a string, not {type(msg)}")
        self._send(msg)

    def send_structured(self, msg: StructuredMessage) -> None:
        """Send a ``StructuredMessage`` (as JSON text)."""
        raw = json.dumps(msg.__dict__)
        self._log("SEND", f"{msg.header}: {msg.payload}", self._app_name, self._remote_app_name,
                  f"Send classical message to {self._remote_app_name}: {raw}")
        self._send(raw)

    # -- receiving ----------------------------------------------------------
    def _receive(self, block: bool) -> Any:
        event = self._inbox.recv()
        if block:
            return call(event)
        if event.callbacks is None or (event.triggered and event.arrival <= self._run.sim.now):
            return event.value
        self._inbox.cancel(event)
        raise _no_message(self._app_name, self._remote_app_name)

    def _wait_logged(self) -> None:
        self._log("WAIT_RECV", None, self._remote_app_name, self._app_name,
                  f"Waiting for a classical message from {self._remote_app_name}...")

    def recv(self, block: bool = True, timeout: float | None = None,
             maxsize: int | None = None) -> str:
        """The next string from the remote app (``block=False``: RuntimeError if none yet)."""
        self._wait_logged()
        msg = self._receive(block)
        self._log("RECV", msg, self._remote_app_name, self._app_name,
                  f"Message received from {self._remote_app_name}: {msg}")
        return msg

    def recv_silent(self, block: bool = True, timeout: float | None = None,
                    maxsize: int | None = None) -> str:
        """The next string, without logging it."""
        return self._receive(block)

    def recv_structured(self, block: bool = True, timeout: float | None = None,
                        maxsize: int | None = None) -> StructuredMessage:
        """The next ``StructuredMessage``."""
        self._wait_logged()
        fields = json.loads(self._receive(block))
        msg = StructuredMessage(header=fields["header"], payload=fields["payload"])
        self._log("RECV", f"{msg.header}: {msg.payload}", self._remote_app_name,
                  self._app_name, f"Message received from {self._remote_app_name}: {msg}")
        return msg

    def wait_event(self) -> Event:
        """The kernel event of the next message (for :class:`BroadcastChannel`)."""
        return self._inbox.recv()

    def withdraw(self, event: Event) -> None:
        """Give back a message event taken with :meth:`wait_event` and not consumed."""
        self._inbox.cancel(event)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"<netqasm Socket {self._app_name} -> {self._remote_app_name} ({self._id})>"


class BroadcastChannel:
    """netqasm's ``BroadcastChannel``: one socket to each app in ``remote_app_names``."""

    def __init__(self, app_name: str, remote_app_names: list[str], **kwargs: Any) -> None:
        self._app_name = app_name
        self._sockets = {remote: Socket(app_name, remote, **kwargs)
                         for remote in remote_app_names}

    def send(self, msg: str) -> None:
        """Send ``msg`` to every remote app."""
        for socket in self._sockets.values():
            socket.send(msg)

    def recv(self, block: bool = True, timeout: float | None = None) -> tuple[str, str]:
        """(remote app, message) of the first message to arrive from any remote app.

        Messages arriving at the same simulated time are taken in the order of
        ``remote_app_names``.
        """
        waits = {remote: socket.wait_event() for remote, socket in self._sockets.items()}
        sim = current_run().sim
        now = sim.now
        ready = [remote for remote, event in waits.items()
                 if event.callbacks is None or (event.triggered and event.arrival <= now)]
        if not ready:
            if not block:
                for remote, event in waits.items():
                    self._sockets[remote].withdraw(event)
                raise RuntimeError(f"no broadcast message has arrived at {self._app_name!r} "
                                   "yet (block=False)")
            call(sim.any_of(list(waits.values())))
            now = sim.now
            ready = [remote for remote, event in waits.items() if event.processed]
        chosen = ready[0]
        for remote, event in waits.items():
            if remote != chosen:
                self._sockets[remote].withdraw(event)
        return chosen, waits[chosen].value
