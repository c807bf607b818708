"""The SquidASM-compatible program API: Program, ProgramMeta, ProgramContext."""

from __future__ import annotations

import abc
from collections.abc import Coroutine, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from netqasm.sdk.epr_socket import EPRSocket

    from netqsim.host.connection import HostConnection
    from netqsim.host.sockets import Socket
    from netqsim.host.streams import StreamOp, StreamPorts
    from netqsim.kernel import Simulator


@dataclass
class ProgramMeta:
    """What a program needs from its node: sockets and qubits.

    ``csockets`` and ``epr_sockets`` name the remote nodes the program talks
    to classically and shares entanglement with. ``max_qubits`` describes the
    hardware to netqasm's SDK (communication qubits, pairs per request); as in
    SquidASM it does not cap the program, which may use every qubit of its
    node (:mod:`netqsim.host.qubit_limits`). ``parameters`` is accepted for older
    SquidASM programs and not used by the simulator. When a node runs several
    programs, each has its own sockets: the k-th program on node A with a
    socket to B talks to the k-th program on B with a socket to A
    (:mod:`netqsim.host.pairing`).
    """

    name: str
    csockets: Sequence[str] = field(default_factory=list)
    epr_sockets: Sequence[str] = field(default_factory=list)
    max_qubits: int = 1
    parameters: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.max_qubits, int) or self.max_qubits < 1:
            raise ValueError(
                f"ProgramMeta({self.name!r}).max_qubits must be a positive integer, "
                f"got {self.max_qubits!r}"
            )
        if self.max_qubits > 255:
            raise ValueError(
                f"ProgramMeta({self.name!r}).max_qubits = {self.max_qubits} exceeds the "
                "255 qubits a NetQASM application can register"
            )
        for kind in ("csockets", "epr_sockets"):
            # a node listed twice is one socket, as in SquidASM
            setattr(self, kind, list(dict.fromkeys(getattr(self, kind))))


class ProgramContext:
    """What a running program gets: its connection, sockets and environment.

    ``connection`` compiles and sends quantum code to the node controller;
    ``csockets`` and ``epr_sockets`` map remote node names to classical
    sockets and EPR sockets. ``now`` is the simulated time in ns and ``rng``
    the program's own random generator (seeded from the run's seed).
    """

    def __init__(
        self,
        netqasm_connection: HostConnection,
        csockets: Mapping[str, Socket],
        epr_sockets: Mapping[str, EPRSocket],
        app_id: int,
        node_name: str = "",
        sim: Simulator | None = None,
        rng: np.random.Generator | None = None,
        streams: StreamPorts | None = None,
    ) -> None:
        self._connection = netqasm_connection
        self._csockets = dict(csockets)
        self._epr_sockets = dict(epr_sockets)
        self._app_id = app_id
        self._node_name = node_name
        self._sim = sim
        self._rng = rng
        self._streams = streams

    @property
    def connection(self) -> HostConnection:
        """The NetQASM connection to this node's controller."""
        return self._connection

    @property
    def csockets(self) -> dict[str, Socket]:
        """Classical sockets, by remote node name."""
        return self._csockets

    @property
    def epr_sockets(self) -> dict[str, EPRSocket]:
        """EPR sockets, by remote node name."""
        return self._epr_sockets

    @property
    def app_id(self) -> int:
        """The application id the node controller knows this program by."""
        return self._app_id

    @property
    def node_name(self) -> str:
        """The name of the node the program runs on."""
        return self._node_name

    @property
    def now(self) -> float:
        """The current simulated time in ns."""
        return self._sim.now if self._sim is not None else 0.0

    @property
    def sim(self) -> Simulator | None:
        """The simulator running the program."""
        return self._sim

    @property
    def rng(self) -> np.random.Generator:
        """The program's random generator (seeded: same seed, same draws)."""
        if self._rng is None:
            raise RuntimeError("this context has no random generator")
        return self._rng

    def _stream_ports(self) -> StreamPorts:
        if self._streams is None:
            raise RuntimeError(
                "this context has no classical streams (contexts made by a netqsim host have)"
            )
        return self._streams

    def open_stream(self, peer: str) -> StreamOp:
        """A classical stream to ``peer``: ``reader, writer = await context.open_stream(peer)``.

        Completes at once (no simulated time passes); ``peer``'s program
        receives the stream with :meth:`accept_stream`. The k-th stream this
        node opens to ``peer`` pairs with ``peer``'s k-th ``accept_stream``
        from this node. Generator programs: ``yield from context.open_stream(peer)``.
        The reader and writer follow asyncio's ``StreamReader``/``StreamWriter``
        API; see :mod:`netqsim.host.streams`.
        """
        from netqsim.host.streams import Ready, StreamOp

        pair = self._stream_ports().open(peer)
        return StreamOp(iter(Ready(pair)), f"open_stream({peer!r}) on {self._node_name}")

    def accept_stream(self, peer: str) -> StreamOp:
        """Wait for ``peer`` to open a stream to this node: ``reader, writer = await ...``.

        Returns when ``peer``'s connection request arrives (one classical link
        delay after its ``open_stream``).
        """
        return self._stream_ports().accept(peer)


ProgramRun = Generator[Any, Any, Any] | Coroutine[Any, Any, Any]


class Program(abc.ABC):
    """A program that runs on one node: subclass it and define ``meta`` and ``run``.

    ``run(context)`` is a generator (``yield from conn.flush()``, SquidASM
    style) or an ``async def`` (``await conn.flush()``); what it returns
    (usually a dict of results; any value, as in SquidASM) is collected per
    node and iteration by :func:`netqsim.run`.

    >>> from netqsim import Program, ProgramMeta
    >>> class Coin(Program):
    ...     @property
    ...     def meta(self):
    ...         return ProgramMeta(name="coin", max_qubits=1)
    ...     def run(self, context):
    ...         from netqasm.sdk.qubit import Qubit
    ...         q = Qubit(context.connection)
    ...         q.H()
    ...         m = q.measure()
    ...         yield from context.connection.flush()
    ...         return {"outcome": int(m)}
    """

    @property
    @abc.abstractmethod
    def meta(self) -> ProgramMeta:
        """The program's sockets and qubit needs."""

    @abc.abstractmethod
    def run(self, context: ProgramContext) -> ProgramRun:
        """The program body; returns its result (usually a dict)."""
