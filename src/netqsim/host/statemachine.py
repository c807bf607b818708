"""An optional helper for the event-based state-machine pattern.

A protocol node is a set of named states, handlers that run when a given
message arrives in a given state and return the next state, a dispatch table
``{(state, message): handler}``, and a loop that reads messages and calls
the handlers. :class:`StateMachine` is that loop, written once::

    machine = StateMachine(
        initial=WAITING,
        dispatch={(WAITING, "hello"): handle_hello, (TALKING, "bye"): handle_bye},
        final=DONE,
    )
    state = await machine.run(reader, writer)   # handlers get (writer, message)

A plain hand-written loop works just as well; the helper adds a documented
policy for messages the table does not list (``unknown="ignore"``, the
default, or ``"raise"``, or a fallback handler), errors that name node,
state and message, and a history of transitions with simulated timestamps.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Generator, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from netqsim.host.framing import recv_line, recv_message
from netqsim.host.streams import StreamOp, StreamReader
from netqsim.kernel import Interrupt

Gen = Generator[Any, Any, Any]

FRAMINGS = ("line", "length", "raw")
UNKNOWN_POLICIES = ("ignore", "raise")
EOF_POLICIES = ("stop", "raise")
#: How many bytes a ``framing="raw"`` read takes (SimulaQron's examples read 255).
RAW_READ_SIZE = 255

__all__ = [
    "HandlerError",
    "StateMachine",
    "StateMachineError",
    "Transition",
    "UnexpectedEOFError",
    "UnknownMessageError",
]


class StateMachineError(Exception):
    """A state machine stopped: ``node``, ``state`` and ``message`` say where."""

    def __init__(self, text: str, node: str, state: Hashable, message: Any) -> None:
        super().__init__(text)
        self.node = node
        self.state = state
        self.message = message


class UnknownMessageError(StateMachineError):
    """A message arrived for which the dispatch table has no entry (``unknown="raise"``)."""


class HandlerError(StateMachineError):
    """A handler raised (the original exception is ``__cause__``) or returned no state."""


class UnexpectedEOFError(StateMachineError):
    """The messages ended (the peer closed the stream) before a final state was reached."""


@dataclass(frozen=True)
class Transition:
    """One step of a run: at ``time`` (ns), ``message`` in ``state`` led to ``next_state``.

    ``handler`` is the handler's name, or ``None`` for an ignored message
    (then ``next_state == state``).
    """

    time: float | None
    state: Hashable
    message: Any
    next_state: Hashable
    handler: str | None

    @property
    def ignored(self) -> bool:
        return self.handler is None


def _name(handler: Any) -> str:
    return getattr(handler, "__qualname__", None) or repr(handler)


class StateMachine:
    """States, a dispatch table of handlers, and the loop that runs them.

    * ``initial``: the state a run starts in.
    * ``dispatch``: ``{(state, key): handler}``. A handler is called as
      ``handler(*args, message)`` with the ``args`` given to :meth:`run` and
      returns the next state; it may be an ``async def`` (await quantum
      operations and streams in it), a generator function (generator
      programs) or a plain function.
    * ``final``: a state or a collection of states; a run ends when it
      reaches one (and returns it).
    * ``unknown``: what to do with a message the table has no entry for in
      the current state: ``"ignore"`` (default: skip it, recorded in
      :attr:`ignored`), ``"raise"`` (:class:`UnknownMessageError`), or a
      fallback handler, called like the others.
    * ``key``: maps a message to its dispatch key (default: the message
      itself), e.g. ``lambda m: m.split()[0]`` for messages with arguments.
    * ``on_eof``: when the messages end before a final state: ``"raise"``
      (:class:`UnexpectedEOFError`) or ``"stop"`` (the run returns the
      current state). Default: ``"stop"`` if there are no final states (a
      server that serves until its peer closes), else ``"raise"``.
    * ``node``: the node name used in errors (default: the reader's node).
    * ``on_message``: called as ``on_message(state, message)`` when a
      message is taken, before its handler runs; ``on_transition``: called
      with each :class:`Transition` once the handler returned (ignored
      messages included). Use them to print a trace.

    A handler that raises stops the run with :class:`HandlerError`, whose
    message names the node, the state, the message and the handler.
    """

    def __init__(
        self,
        initial: Hashable,
        dispatch: Mapping[tuple[Hashable, Hashable], Callable[..., Any]],
        *,
        final: Hashable | Collection[Hashable] = (),
        unknown: str | Callable[..., Any] = "ignore",
        key: Callable[[Any], Hashable] | None = None,
        on_eof: str | None = None,
        node: str | None = None,
        on_message: Callable[[Hashable, Any], Any] | None = None,
        on_transition: Callable[[Transition], Any] | None = None,
    ) -> None:
        self.dispatch = dict(dispatch)
        for entry, handler in self.dispatch.items():
            if not (isinstance(entry, tuple) and len(entry) == 2):
                raise ValueError(
                    f"dispatch keys are (state, message) pairs, got {entry!r}"
                )
            if not callable(handler):
                raise TypeError(f"dispatch[{entry!r}] = {handler!r} is not callable")
        if isinstance(final, (str, bytes)) or not isinstance(final, Collection):
            final = (final,)
        self.final = frozenset(final)
        if not callable(unknown) and unknown not in UNKNOWN_POLICIES:
            raise ValueError(
                f"unknown must be one of {', '.join(UNKNOWN_POLICIES)} or a handler, "
                f"got {unknown!r}"
            )
        if on_eof is None:
            on_eof = "raise" if self.final else "stop"
        if on_eof not in EOF_POLICIES:
            raise ValueError(f"on_eof must be one of {', '.join(EOF_POLICIES)}, got {on_eof!r}")
        states = {state for state, _ in self.dispatch}
        if initial not in states and initial not in self.final:
            raise ValueError(
                f"initial state {initial!r} has no transitions in the dispatch table "
                f"(states with transitions: {', '.join(map(repr, sorted(states, key=str)))})"
            )
        self.initial = initial
        self.unknown = unknown
        self.key = key
        self.on_eof = on_eof
        self.node = node
        self.on_message = on_message
        self.on_transition = on_transition
        #: The current state (the initial one before and at the start of a run).
        self.state: Hashable = initial
        #: Every transition of the last run, ignored messages included.
        self.history: list[Transition] = []

    @property
    def ignored(self) -> list[Transition]:
        """The messages of the last run that were ignored (no entry in their state)."""
        return [t for t in self.history if t.ignored]

    def states(self) -> set[Hashable]:
        """Every state the dispatch table mentions as a source, plus the final ones."""
        return {state for state, _ in self.dispatch} | set(self.final)

    # -- running ------------------------------------------------------------------------
    def run(self, source: Any, *args: Any, framing: str = "line") -> StreamOp:
        """Run from :attr:`initial` until a final state; the final state.

        ``source`` gives the messages: a :class:`StreamReader` (messages
        framed by ``framing``: ``"line"`` for :func:`~netqsim.host.framing.recv_line`,
        ``"length"`` for :func:`~netqsim.host.framing.recv_message`, ``"raw"``
        for one ``read(255)`` decoded, as in SimulaQron's examples, which
        is correct only while messages never arrive together), or a
        function returning an awaitable of the next message, ``None`` when
        there are no more (e.g. ``lambda: socket.recv()``). ``args`` are
        passed to every handler before the message.

        ``await machine.run(...)``, or ``yield from`` in generator programs.
        """
        receive = self._receiver(source, framing)
        node = self.node or getattr(source, "node", None) or "?"
        sim = getattr(source, "sim", None)
        return StreamOp(self._run(receive, args, node, sim), f"state machine of {node}")

    def _receiver(self, source: Any, framing: str) -> Callable[[], Any]:
        if isinstance(source, StreamReader):
            if framing == "line":
                return lambda: recv_line(source)
            if framing == "length":
                return lambda: recv_message(source)
            if framing == "raw":
                return lambda: StreamOp(_raw(source), f"{source.key}: read({RAW_READ_SIZE})")
            raise ValueError(f"framing must be one of {', '.join(FRAMINGS)}, got {framing!r}")
        if callable(source):
            return source  # type: ignore[no-any-return]
        raise TypeError(
            f"StateMachine.run reads from a StreamReader or a function returning the next "
            f"message, got {source!r}"
        )

    def _run(self, receive: Callable[[], Any], args: tuple[Any, ...], node: str,
             sim: Any) -> Gen:
        state = self.state = self.initial
        self.history = []
        while state not in self.final:
            message = yield from _wait(receive())
            if message is None:
                if self.on_eof == "stop":
                    return state
                raise UnexpectedEOFError(
                    f"node {node!r}: the messages ended in state {state!r}, before a final "
                    f"state ({', '.join(map(repr, sorted(self.final, key=str)))})",
                    node, state, None,
                )
            if self.on_message is not None:
                self.on_message(state, message)
            dispatch_key = self.key(message) if self.key is not None else message
            handler = self.dispatch.get((state, dispatch_key))
            if handler is None:
                if self.unknown == "ignore":
                    self._record(sim, state, message, state, None)
                    continue
                if self.unknown == "raise":
                    expected = [m for s, m in self.dispatch if s == state]
                    raise UnknownMessageError(
                        f"node {node!r} got message {message!r} in state {state!r}, which "
                        f"has no handler for it (expected one of: "
                        f"{', '.join(map(repr, expected)) or 'nothing'})",
                        node, state, message,
                    )
                if not callable(self.unknown):  # __init__ allows only the policies or a handler
                    raise ValueError(
                        f"unknown must be one of {', '.join(UNKNOWN_POLICIES)} or a handler, "
                        f"got {self.unknown!r}"
                    )
                handler = self.unknown
            try:
                next_state = yield from _wait(handler(*args, message))
            except (Interrupt, StateMachineError):
                raise
            except Exception as exc:
                raise HandlerError(
                    f"handler {_name(handler)} failed on node {node!r} in state {state!r} "
                    f"on message {message!r}: {type(exc).__name__}: {exc}",
                    node, state, message,
                ) from exc
            if next_state is None:
                raise HandlerError(
                    f"handler {_name(handler)} on node {node!r} (state {state!r}, message "
                    f"{message!r}) returned None; a handler returns the next state",
                    node, state, message,
                )
            self._record(sim, state, message, next_state, _name(handler))
            state = self.state = next_state
        return state

    def _record(self, sim: Any, state: Hashable, message: Any, next_state: Hashable,
                handler: str | None) -> None:
        transition = Transition(sim.now if sim is not None else None, state, message,
                                next_state, handler)
        self.history.append(transition)
        if self.on_transition is not None:
            self.on_transition(transition)

    def __repr__(self) -> str:
        return (f"<StateMachine in {self.state!r}: {len(self.dispatch)} transitions, "
                f"final {sorted(self.final, key=str)}>")


def _wait(result: Any) -> Gen:
    """Wait for what a handler or receiver returned: awaitable, generator or plain value."""
    if inspect.iscoroutine(result):
        return (yield from result.__await__())
    if inspect.isgenerator(result):
        return (yield from result)
    if hasattr(result, "__await__"):
        return (yield from result.__await__())
    return result


def _raw(reader: StreamReader) -> Gen:
    data = yield from reader.read(RAW_READ_SIZE)
    return data.decode("utf-8") if data else None
