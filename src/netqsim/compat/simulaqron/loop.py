"""asyncio on simulated time: the event loop a SimulaQron script's ``asyncio.run`` gets.

:class:`SimulatedLoop` is an ``asyncio`` event loop (``BaseEventLoop``) whose
clock is the simulator's and whose sockets are netqsim's classical streams, so
asyncio's own machinery -- tasks, ``asyncio.sleep``, ``gather``,
``wait_for``, ``open_connection``/``start_server`` and their
``StreamReader``/``StreamWriter`` -- runs unchanged in a script, in simulated
time. It runs on the script's thread. Whenever it has nothing ready to run,
its *idle wait* is one ``call(...)`` into the simulator that returns at the
first of: bytes or a connection arriving for this node, its next timer, or
the end of serving. Meanwhile the other scripts and the simulation run. A
blocking call inside a handler (``conn.flush()``) blocks this script only.

Addresses are SimulaQron's application sockets: ``open_connection(host,
port)`` connects to the node whose ``app_socket`` is ``host:port``, and a
script may listen only on its own node's. Connecting takes no simulated time;
the server accepts one classical-link delay later. A connection made before
the server listens waits for it (SimulaQron's scripts start their servers
first and sleep before starting clients; here every script starts at t=0).

Under :func:`simulated_asyncio`, ``asyncio.run`` (and ``new_event_loop`` /
``get_event_loop``) on a script's thread gives a :class:`SimulatedLoop`;
other threads get asyncio's usual loops.
"""

from __future__ import annotations

import asyncio
import errno
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from netqsim.compat.simulaqron.context import ScriptNode, current_script
from netqsim.compat.simulaqron.transport import SimulatedServer, SimulatedTransport, Source
from netqsim.compat.threads import ThreadAbandoned
from netqsim.kernel import AnyOf, Event

__all__ = ["ServingEnded", "SimulatedLoop", "SimulatedLoopPolicy", "simulated_asyncio"]

Gen = Generator[Any, Any, Any]


class ServingEnded(BaseException):
    """Ends a script that only serves once every other script has finished.

    Raised out of the serving script's ``asyncio.run``; the runner (and
    ``SimulaQronClassicalServer.start_serving``) treat it as a normal end. A
    ``BaseException``, so that a script's ``except Exception`` does not stop it.
    """


class IdleWait(AnyOf):
    """What a script's idle event loop waits for (described in deadlock reports)."""

    __slots__ = ("_what",)

    def __init__(self, sim: Any, events: list[Event], what: str) -> None:
        super().__init__(sim, events)
        self._what = what

    def describe(self) -> str:
        return self._what


class _Selector:
    """The loop's stand-in for a selector: its ``select`` is the idle wait."""

    def __init__(self, loop: SimulatedLoop) -> None:
        self._loop = loop

    def select(self, timeout: float | None) -> list[tuple[Callable[[Any], None], Any]]:
        loop = self._loop
        arrived: list[tuple[Callable[[Any], None], Any]] = loop._arrived()
        if arrived or timeout == 0:
            return arrived
        if loop._abandoned:  # the run has ended: let asyncio's shutdown finish at once
            raise ThreadAbandoned(f"the run of {loop.script.script.name} has ended")
        if not loop._ending:
            try:
                arrived = loop.script.call(loop._idle(timeout))
            except ThreadAbandoned:
                loop._abandoned = True
                raise
        if loop._ending:
            raise ServingEnded(f"{loop.script.name} stopped serving: every client has finished")
        return arrived

    def close(self) -> None:
        pass


class SimulatedLoop(asyncio.BaseEventLoop):
    """An asyncio event loop for one SimulaQron script, in simulated time (see module doc)."""

    def __init__(self, script: ScriptNode) -> None:
        super().__init__()
        self.script = script
        self._selector = _Selector(self)
        self._sources: list[Source] = []
        self.transports: list[SimulatedTransport] = []
        self.servers: list[SimulatedServer] = []
        self._handler_tasks: set[asyncio.Task[Any]] = set()
        self.accepting = False
        self._idle_stop: Event | None = None
        self._ending = False
        self._abandoned = False
        script.loop = self

    # -- asyncio's hooks ---------------------------------------------------------------
    def time(self) -> float:
        """The simulated time, in seconds (asyncio's unit)."""
        return self.script.sim.now * 1e-9

    def _process_events(self, event_list: list[tuple[Callable[[Any], None], Any]]) -> None:
        for deliver, message in event_list:
            deliver(message)

    def _write_to_self(self) -> None:
        # Nothing to wake: the loop waits in simulated time, not on a socket.
        pass

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        """Log an error no coroutine received (asyncio's way), and fail the script for it.

        A connection handler that raises is such an error: asyncio logs it and
        the server goes on serving; the script's exit status becomes 1.
        """
        # Once the run has ended, tasks cancelled on the way out are no news.
        if self._abandoned:
            return
        if isinstance(context.get("exception"), Exception):
            self.script.failed = True
        super().call_exception_handler(context)

    def create_task(self, coro: Any, **options: Any) -> Any:  # type: ignore[override]
        task = super().create_task(coro, **options)
        if self.accepting:  # a server's connection handler
            self._handler_tasks = {t for t in self._handler_tasks if not t.done()}
            self._handler_tasks.add(task)
        return task

    def close(self) -> None:
        """Close this loop's connections (the peers see EOF) and servers, then the loop."""
        for server in list(self.servers):
            server._stop_listening()
        for transport in list(self.transports):
            transport._shut()
        if self.script.loop is self:
            self.script.loop = None
        super().close()

    # -- sources and the idle wait -----------------------------------------------------
    def add_source(self, source: Source) -> None:
        self._sources.append(source)

    def remove_source(self, source: Source) -> None:
        if source in self._sources:
            self._sources.remove(source)

    def _arrived(self) -> list[tuple[Callable[[Any], None], Any]]:
        """Everything that has arrived by now, source by source, in arrival order."""
        out: list[tuple[Callable[[Any], None], Any]] = []
        for source in list(self._sources):
            if not source.paused:
                out.extend((source.deliver, m) for m in source.channel.take_arrived())
        return out

    def _idle(self, timeout: float | None) -> Gen:
        """Wait in simulated time for the first arrival, timer or end of serving."""
        sim = self.script.sim
        active = [s for s in self._sources if not s.paused]
        receives = [(s, s.channel.recv()) for s in active]
        events: list[Event] = [r for _, r in receives]
        timer = None
        if timeout is not None:
            timer = sim.timeout(timeout * 1e9)
            events.append(timer)
        self._idle_stop = stop = sim.event("end of serving")
        events.append(stop)
        wait = IdleWait(sim, events, self._describe_wait(active, timeout))
        try:
            yield wait
        except BaseException:
            for source, receive in receives:
                source.channel.cancel(receive)  # nothing taken is lost
            raise
        finally:
            self._idle_stop = None
            if timer is not None and not timer.processed:
                sim.unschedule(timer)
        out = []
        for source, receive in receives:
            if receive.processed and not stop.triggered:
                out.append((source.deliver, receive.value))
                out.extend((source.deliver, m) for m in source.channel.take_arrived())
            else:
                source.channel.cancel(receive)
        return out

    def _describe_wait(self, sources: list[Source], timeout: float | None) -> str:
        what = list(dict.fromkeys(s.what for s in sources))
        if timeout is not None:
            what.append(f"a timer at t={(self.time() + timeout) * 1e9:g} ns")
        waited = " or ".join(what) if what else (
            "nothing that can happen (no connection open, no server listening, no timer)"
        )
        return f"{waited} (asyncio loop of {self.script.script.name}, node {self.script.name!r})"

    def describe_tasks(self) -> list[str]:
        """Where each waiting task of this loop is, in the script's own code (for reports)."""
        if self._idle_stop is None:
            return []
        script = self.script
        lines = []
        for task in asyncio.all_tasks(self):
            frames = [f for f in task.get_stack()
                      if Path(f.f_code.co_filename).resolve().is_relative_to(script.folder)]
            if frames:
                code = frames[-1].f_code
                coro = getattr(task.get_coro(), "__qualname__", "a task")
                lines.append(f"{script.script.name} (node {script.name!r}): task {coro}() "
                             f"waits in {Path(code.co_filename).name} line "
                             f"{frames[-1].f_lineno} ({code.co_name})")
        return sorted(lines)

    # -- serving -------------------------------------------------------------------------
    @property
    def serving_idle(self) -> bool:
        """True while the loop only waits for new clients: listening, no handler running."""
        return (
            self._idle_stop is not None
            and any(server.is_serving() for server in self.servers)
            and all(task.done() for task in self._handler_tasks)
        )

    def end_serving(self) -> None:
        """End the loop's serving: its idle wait raises :class:`ServingEnded`."""
        self._ending = True
        if self._idle_stop is not None and not self._idle_stop.triggered:
            # The wait ends normally; the loop's thread raises ServingEnded itself
            # (a BaseException must not pass through the baton's process).
            self._idle_stop.succeed()

    # -- connections ---------------------------------------------------------------------
    async def create_connection(  # type: ignore[override]
        self, protocol_factory: Callable[[], asyncio.BaseProtocol], host: str | None = None,
        port: int | None = None, **options: Any,
    ) -> tuple[asyncio.Transport, asyncio.BaseProtocol]:
        """Connect to the node whose SimulaQron application socket is ``host:port``."""
        _refuse_options("create_connection", options)
        script = self.script
        peer = script.run.node_at(host, port)
        if peer is None:
            raise ConnectionRefusedError(
                errno.ECONNREFUSED,
                f"no node of the SimulaQron network has its application socket at "
                f"{host}:{port} (nodes: {script.run.describe_addresses()})",
            )
        if peer not in script.run.scripted:
            raise ConnectionRefusedError(
                errno.ECONNREFUSED,
                f"no script runs as node {peer!r}, so nothing listens on {host}:{port}",
            )
        _, writer = script.host.streams.open(peer)
        transport = SimulatedTransport(self, writer)
        protocol = protocol_factory()
        transport.set_protocol(protocol)
        protocol.connection_made(transport)
        return transport, protocol

    async def create_server(  # type: ignore[override]
        self, protocol_factory: Callable[[], asyncio.BaseProtocol], host: Any = None,
        port: int | None = None, *, start_serving: bool = True, **options: Any,
    ) -> SimulatedServer:
        """Listen on this script's node's application socket."""
        _refuse_options("create_server", options, allowed=("backlog", "reuse_address",
                                                           "reuse_port", "family", "flags"))
        script = self.script
        own = script.run.address_of(script.name)
        hosts = host if isinstance(host, (list, tuple)) else [host]
        if port != own[1] or any(script.run.node_at(h, port) != script.name for h in hosts):
            raise OSError(
                errno.EADDRNOTAVAIL,
                f"{script.script.name} runs node {script.name!r}, whose application socket "
                f"is {own[0]}:{own[1]}; it cannot listen on {host}:{port}",
            )
        server = SimulatedServer(self, protocol_factory, own)
        if start_serving:
            server._listen()
        return server


def _refuse_options(what: str, options: dict[str, Any], allowed: tuple[str, ...] = ()) -> None:
    unsupported = sorted(k for k, v in options.items() if v not in (None, 0, False)
                         and k not in allowed)
    if unsupported:
        raise ValueError(
            f"{what}: option(s) {', '.join(unsupported)} are not supported by netqsim's "
            "simulated connections (plain TCP between SimulaQron application sockets only)"
        )


class SimulatedLoopPolicy(asyncio.AbstractEventLoopPolicy):
    """Gives script threads a :class:`SimulatedLoop`; other threads asyncio's usual loops."""

    def __init__(self, previous: asyncio.AbstractEventLoopPolicy) -> None:
        self._previous = previous

    @staticmethod
    def _script() -> ScriptNode | None:
        try:
            return current_script()
        except RuntimeError:
            return None

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        script = self._script()
        return SimulatedLoop(script) if script is not None else self._previous.new_event_loop()

    def get_event_loop(self) -> asyncio.AbstractEventLoop:
        script = self._script()
        if script is None:
            return self._previous.get_event_loop()
        if script.loop is None or script.loop.is_closed():
            SimulatedLoop(script)
        return script.loop  # type: ignore[return-value]

    def set_event_loop(self, loop: asyncio.AbstractEventLoop | None) -> None:
        script = self._script()
        if script is None:
            self._previous.set_event_loop(loop)
        elif isinstance(loop, SimulatedLoop):
            script.loop = loop

    def get_child_watcher(self) -> Any:
        return self._previous.get_child_watcher()  # type: ignore[attr-defined]

    def set_child_watcher(self, watcher: Any) -> None:
        self._previous.set_child_watcher(watcher)  # type: ignore[attr-defined]


@contextmanager
def simulated_asyncio() -> Iterator[None]:
    """Install :class:`SimulatedLoopPolicy` for the block (asyncio's policy is global)."""
    previous = asyncio.get_event_loop_policy()
    asyncio.set_event_loop_policy(SimulatedLoopPolicy(previous))
    try:
        yield
    finally:
        asyncio.set_event_loop_policy(previous)
