"""Protocol building blocks for programs: teleportation, distributed gates, GHZ, QKD, RSP.

Every routine that waits (for a flush or a classical message) returns a
:class:`Routine`, which works in both program styles::

    # generator program (SquidASM style)
    q = yield from teleport_recv(context, "Alice")

    # async program (event-based style)
    q = await teleport_recv(context, "Alice")

A :class:`Routine` wraps a generator that yields kernel events; ``yield from``
iterates it and ``await`` drives the same generator (``__await__``). Use each
routine object once. Write your own with the :func:`routine` decorator::

    @routine
    def my_step(context):
        yield from context.connection.flush()
        return 42

Routines that only queue operations (:func:`measure_xy`) are plain functions:
their results are futures, readable after the next flush.

The SquidASM names (``teleport_send``, ``teleport_recv``,
``distributed_CNOT_control`` ...) are kept; snake-case aliases exist for the
distributed gates. Conventions:

* Bell-state corrections on received pairs are done by the SDK
  (``recv_keep`` delivers Phi+ to the program).
* ``measure_xy(q, angle)`` measures in the basis ``|0> +- e^{-i angle}|1>``
  (``Rz(angle)``, ``H``, Z measurement, SquidASM's ``measXY``); outcome 0
  is ``Rz(-angle)|+>``.
* Messages are strings on the program's classical sockets (``context.csockets``);
  :func:`send_int` / :func:`recv_int` and :func:`send_float` /
  :func:`recv_float` carry numbers as their decimal text.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from netqasm.qlink_compat import Basis, BellState, RandomBasis
from netqasm.sdk.qubit import Qubit

__all__ = [
    "QKDResult",
    "Routine",
    "distributed_CNOT_control",
    "distributed_CNOT_target",
    "distributed_CPhase_control",
    "distributed_CPhase_target",
    "distributed_cnot_control",
    "distributed_cnot_target",
    "distributed_cphase_control",
    "distributed_cphase_target",
    "ghz_chain",
    "ghz_line",
    "ghz_star_center",
    "ghz_star_leaf",
    "measure_xy",
    "measured_basis",
    "qkd_receiver",
    "qkd_sender",
    "queue_recv_remote_state",
    "queue_remote_state",
    "recv_float",
    "recv_int",
    "recv_remote_state",
    "remote_state_prepare",
    "routine",
    "send_float",
    "send_int",
    "teleport_recv",
    "teleport_send",
]

T = TypeVar("T")
P = ParamSpec("P")
Gen = Generator[Any, Any, T]


class Routine(Generic[T]):
    """A waiting step of a program: ``yield from`` it or ``await`` it (once)."""

    __slots__ = ("_gen", "_name")

    def __init__(self, gen: Generator[Any, Any, T], name: str = "routine") -> None:
        self._gen = gen
        self._name = name

    def __iter__(self) -> Generator[Any, Any, T]:
        return self._gen

    def __await__(self) -> Generator[Any, Any, T]:
        return self._gen

    def __repr__(self) -> str:
        return f"<Routine {self._name}: use 'yield from' or 'await'>"


def routine(func: Callable[P, Generator[Any, Any, T]]) -> Callable[P, Routine[T]]:
    """Turn a generator function into one returning a :class:`Routine`."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Routine[T]:
        return Routine(func(*args, **kwargs), func.__name__)

    return wrapper


def _sockets(context: Any, peer: str) -> tuple[Any, Any, Any]:
    try:
        csocket = context.csockets[peer]
        epr_socket = context.epr_sockets[peer]
    except KeyError:
        raise KeyError(
            f"the program needs a classical socket and an EPR socket to {peer!r}: list it in "
            "ProgramMeta(csockets=[...], epr_sockets=[...])"
        ) from None
    return context.connection, csocket, epr_socket


# ------------------------------------------------------------------ classical values


def send_int(socket: Any, value: int) -> None:
    """Send an integer on a classical socket (as its decimal text)."""
    socket.send_int(value)


@routine
def recv_int(socket: Any) -> Gen[int]:
    """Receive the next message on a classical socket as an integer."""
    return int((yield from socket.recv()))


def send_float(socket: Any, value: float) -> None:
    """Send a float on a classical socket (its shortest exact text: it arrives unchanged)."""
    socket.send_float(value)


@routine
def recv_float(socket: Any) -> Gen[float]:
    """Receive the next message on a classical socket as a float."""
    return float((yield from socket.recv()))


# ------------------------------------------------------------------ single-qubit helpers


def measure_xy(qubit: Qubit, angle: float) -> Any:
    """Queue a measurement in the XY plane at ``angle``; returns the outcome's future.

    Rz(angle), H, then a Z measurement (SquidASM's ``measXY``): outcome 0
    projects onto ``Rz(-angle)|+>`` (up to a phase), i.e. ``|0> + e^{-i angle}|1>``.
    The angle goes through the SDK's ``rot_Z(angle=...)``, which approximates it
    by rotations of ``n pi / 2^d``.
    """
    angle = float(angle) % (2 * math.pi)
    if angle > 1e-12:
        qubit.rot_Z(angle=angle)
    qubit.H()
    return qubit.measure()


# ------------------------------------------------------------------ teleportation


@routine
def teleport_send(qubit: Qubit, context: Any, peer_name: str) -> Gen[tuple[int, int]]:
    """Teleport ``qubit`` to ``peer_name``; returns the two Bell-measurement bits (m1, m2).

    Creates one EPR pair, does CNOT(qubit, pair), H(qubit), measures both, and
    sends ``"m1,m2"``. ``qubit`` is consumed.
    """
    conn, csocket, epr_socket = _sockets(context, peer_name)
    epr = epr_socket.create_keep()[0]
    qubit.cnot(epr)
    qubit.H()
    m1 = qubit.measure()
    m2 = epr.measure()
    yield from conn.flush()
    bits = int(m1), int(m2)
    csocket.send(f"{bits[0]},{bits[1]}")
    return bits


@routine
def teleport_recv(context: Any, peer_name: str) -> Gen[Qubit]:
    """Receive a teleported qubit from ``peer_name``: X^m2 Z^m1 applied; returns it (flushed)."""
    conn, csocket, epr_socket = _sockets(context, peer_name)
    epr = epr_socket.recv_keep()[0]
    yield from conn.flush()
    msg = yield from csocket.recv()
    m1, m2 = (int(v) for v in str(msg).split(","))
    if m2:
        epr.X()
    if m1:
        epr.Z()
    yield from conn.flush()
    return epr


# ------------------------------------------------------------------ distributed gates


@routine
def distributed_CNOT_control(context: Any, peer_name: str, ctrl_qubit: Qubit) -> Gen[None]:
    """Control side of a CNOT with the target on ``peer_name`` (one pair, two bits).

    Cat-entangles the control with one half of an EPR pair (CNOT, measure,
    send the bit), then applies Z if the target side's bit is 1.
    """
    conn, csocket, epr_socket = _sockets(context, peer_name)
    epr = epr_socket.create_keep()[0]
    ctrl_qubit.cnot(epr)
    m = epr.measure()
    yield from conn.flush()
    csocket.send(str(int(m)))
    bit = yield from csocket.recv()
    if int(bit):
        ctrl_qubit.Z()
    yield from conn.flush()


def _remote_target(gate: str) -> Callable[[Any, str, Qubit], Routine[None]]:
    @routine
    def target(context: Any, peer_name: str, target_qubit: Qubit) -> Gen[None]:
        conn, csocket, epr_socket = _sockets(context, peer_name)
        epr = epr_socket.recv_keep()[0]
        yield from conn.flush()
        bit = yield from csocket.recv()
        if int(bit):
            epr.X()
        getattr(epr, gate)(target_qubit)
        epr.H()
        m = epr.measure()
        yield from conn.flush()
        csocket.send(str(int(m)))

    return target


distributed_CNOT_target = _remote_target("cnot")
distributed_CNOT_target.__name__ = distributed_CNOT_target.__qualname__ = (
    "distributed_CNOT_target"
)
distributed_CNOT_target.__doc__ = """Target side of a distributed CNOT (control on ``peer_name``).

Receives the pair, applies X^m (the control side's bit), CNOT(pair, target),
measures the pair in X and sends that bit back.
"""

distributed_CPhase_target = _remote_target("cphase")
distributed_CPhase_target.__name__ = distributed_CPhase_target.__qualname__ = (
    "distributed_CPhase_target"
)
distributed_CPhase_target.__doc__ = """Target side of a distributed CPHASE (CZ) with ``peer_name``.

As :func:`distributed_CNOT_target` with CZ(pair, target) instead of CNOT.
"""

#: The control side of a distributed CPHASE is the same as a CNOT's.
distributed_CPhase_control = distributed_CNOT_control

distributed_cnot_control = distributed_CNOT_control
distributed_cnot_target = distributed_CNOT_target
distributed_cphase_control = distributed_CPhase_control
distributed_cphase_target = distributed_CPhase_target


# ------------------------------------------------------------------ remote state preparation


def queue_remote_state(epr_socket: Any, theta: float) -> Any:
    """Queue the creating side of a remote state preparation; returns m's future.

    Creates one pair and measures this half with :func:`measure_xy` at
    ``theta``: after the next flush the peer holds ``Rz(theta + m pi)|+>``
    (SquidASM's ``remote_state_preparation``). Nothing waits here.
    """
    return measure_xy(epr_socket.create_keep()[0], theta)


def queue_recv_remote_state(epr_socket: Any) -> Qubit:
    """Queue the receiving side of :func:`queue_remote_state`; the qubit is usable after a flush."""
    return epr_socket.recv_keep()[0]


@routine
def remote_state_prepare(context: Any, peer_name: str, theta: float) -> Gen[int]:
    """Prepare ``Rz(theta + m pi)|+>`` on ``peer_name``'s qubit; returns m (0 or 1).

    :func:`queue_remote_state` on the EPR socket to ``peer_name``, then a
    flush. The peer calls :func:`recv_remote_state`. No classical message is
    needed.
    """
    m = queue_remote_state(context.epr_sockets[peer_name], theta)
    yield from context.connection.flush()
    return int(m)


@routine
def recv_remote_state(context: Any, peer_name: str) -> Gen[Qubit]:
    """The receiving side of :func:`remote_state_prepare`: returns the prepared qubit."""
    qubit = queue_recv_remote_state(context.epr_sockets[peer_name])
    yield from context.connection.flush()
    return qubit


# ------------------------------------------------------------------ GHZ states


@routine
def ghz_line(
    connection: Any,
    down_epr_socket: Any = None,
    up_epr_socket: Any = None,
    down_socket: Any = None,
    up_socket: Any = None,
    corrections: bool = True,
) -> Gen[tuple[Qubit, int]]:
    """This node's part of a GHZ state grown along a line; returns (qubit, m).

    Every node of the line calls it: it receives a pair on ``down_epr_socket``
    (none at the start) and creates one on ``up_epr_socket`` (none at the
    end); a middle node CNOTs its received half onto its created half and
    measures that in Z.

    With ``corrections`` (the default) the outcomes travel up the line on the
    classical sockets: each node waits for the bit from below, applies X to
    its qubit if it is 1 and sends its own outcome on; the n nodes end in
    ``(|0...0> + |1...1>)/sqrt 2`` and m is 0. Without, no message is sent and
    m is the middle node's outcome (0 at the ends): the next node's qubit is
    flipped iff the outcomes below it add up to 1 (mod 2). Needs
    ``max_qubits >= 2`` on middle nodes.
    """
    if down_epr_socket is None and up_epr_socket is None:
        raise TypeError("ghz_line needs down_epr_socket or up_epr_socket; both are None")
    if corrections:
        for sock, epr, side in ((down_socket, down_epr_socket, "down"),
                                (up_socket, up_epr_socket, "up")):
            if epr is not None and sock is None:
                raise TypeError(f"ghz_line with corrections needs {side}_socket next to "
                                f"{side}_epr_socket (the outcomes travel on it)")
    own: Qubit | None = None
    if down_epr_socket is not None:
        own = down_epr_socket.recv_keep()[0]
    if up_epr_socket is None:  # end of the line
        yield from connection.flush()
        assert own is not None
        if corrections:
            bit = yield from down_socket.recv()
            if int(bit):
                own.X()
                yield from connection.flush()
        return own, 0
    up_half = up_epr_socket.create_keep()[0]
    if own is None:  # start: its half of the first pair is its GHZ qubit
        yield from connection.flush()
        if corrections:
            up_socket.send("0")
        return up_half, 0
    if not corrections:
        own.cnot(up_half)
        m = up_half.measure()
        yield from connection.flush()
        return own, int(m)
    yield from connection.flush()
    bit = yield from down_socket.recv()
    if int(bit):
        own.X()
    # own is corrected before the CNOT, so this outcome is the next node's bit.
    own.cnot(up_half)
    m = up_half.measure()
    yield from connection.flush()
    up_socket.send(str(int(m)))
    return own, 0


@routine
def ghz_chain(context: Any, left: str | None, right: str | None) -> Gen[Qubit]:
    """This node's qubit of a GHZ state grown along a chain; returns it.

    Call on every node of the chain with its neighbours (``None`` at the
    ends): :func:`ghz_line` with corrections, on the EPR and classical
    sockets to ``left`` (down) and ``right`` (up). Needs ``max_qubits >= 2``.
    The n nodes end in ``(|0...0> + |1...1>)/sqrt 2``.
    """
    if left is None and right is None:
        raise ValueError("ghz_chain needs at least one neighbour")
    down_epr, down = ((None, None) if left is None
                      else (context.epr_sockets[left], context.csockets[left]))
    up_epr, up = ((None, None) if right is None
                  else (context.epr_sockets[right], context.csockets[right]))
    qubit, _ = yield from ghz_line(context.connection, down_epr, up_epr, down, up)
    return qubit


@routine
def ghz_star_center(context: Any, leaves: Sequence[str]) -> Gen[Qubit]:
    """The centre of a GHZ state over a star: one pair per leaf; returns the centre's qubit.

    The centre CNOTs its first pair's qubit onto the others, measures those in
    Z and sends each leaf its bit (the first leaf gets 0). Needs
    ``max_qubits >= len(leaves)``. With the leaves' :func:`ghz_star_leaf`
    this gives a GHZ state of ``len(leaves) + 1`` qubits.
    """
    if not leaves:
        raise ValueError("ghz_star_center needs at least one leaf")
    conn = context.connection
    halves = [context.epr_sockets[leaf].create_keep()[0] for leaf in leaves]
    first = halves[0]
    bits = []
    for half in halves[1:]:
        first.cnot(half)
        bits.append(half.measure())
    yield from conn.flush()
    context.csockets[leaves[0]].send("0")
    for leaf, bit in zip(leaves[1:], bits, strict=True):
        context.csockets[leaf].send(str(int(bit)))
    return first


@routine
def ghz_star_leaf(context: Any, center: str) -> Gen[Qubit]:
    """A leaf of :func:`ghz_star_center`: receives its pair, corrects it, returns its qubit."""
    conn = context.connection
    qubit = context.epr_sockets[center].recv_keep()[0]
    yield from conn.flush()
    bit = yield from context.csockets[center].recv()
    if int(bit):
        qubit.X()
        yield from conn.flush()
    return qubit


# ------------------------------------------------------------------ QKD


def measured_basis(conn: Any, result: Any) -> Basis:
    """The basis a measure-directly pair was measured in, as the node reported it.

    netqasm's ``EprMeasureResult`` does not expose it; it sits next to the
    outcome in the program's result array.
    """
    future = result.raw_measurement_outcome
    value = conn.shared_memory.get_array_part(address=future._address, index=future._index + 1)
    return Basis(int(value))


# Raw outcomes of the two halves differ for these heralded Bell states, per basis.
_ANTI_CORRELATED = {
    Basis.Z: {BellState.PSI_PLUS.value, BellState.PSI_MINUS.value},
    Basis.X: {BellState.PSI_MINUS.value, BellState.PHI_MINUS.value},
}


@dataclass
class QKDResult:
    """What one QKD session gave one side.

    ``key`` is the secret key (sifted bits not used for testing); ``qber`` the
    error rate on the ``num_tested`` test bits (``nan`` if none);
    ``num_sifted`` the pairs measured in the same basis by both sides.
    """

    key: list[int]
    qber: float
    num_pairs: int
    num_sifted: int
    num_tested: int
    errors: int
    bases: list[str] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """The result as a plain dict (for a program's result)."""
        return {"key": self.key, "qber": self.qber, "num_pairs": self.num_pairs,
                "num_sifted": self.num_sifted, "num_tested": self.num_tested,
                "errors": self.errors}


def _measure_pairs(context: Any, peer: str, num_pairs: int, create: bool) -> Gen[tuple]:
    conn, epr_socket = context.connection, context.epr_sockets[peer]
    if create:
        results = epr_socket.create_measure(
            number=num_pairs, random_basis_local=RandomBasis.XZ,
            random_basis_remote=RandomBasis.XZ,
        )
    else:
        results = epr_socket.recv_measure(number=num_pairs)
    yield from conn.flush()
    bits, bases = [], []
    for result in results:
        basis = measured_basis(conn, result)
        bit = int(result.raw_measurement_outcome)
        if not create and int(result.raw_bell_state) in _ANTI_CORRELATED[basis]:
            bit ^= 1  # the receiver undoes the heralded Bell state's flip
        bits.append(bit)
        bases.append(basis.name)
    return bits, bases


@routine
def qkd_sender(
    context: Any, peer_name: str, num_pairs: int, test_fraction: float = 0.25,
    num_test_bits: int | None = None,
) -> Gen[QKDResult]:
    """Entanglement-based BB84 (BBM92/E91 style), the side that creates the pairs.

    ``num_pairs`` pairs are measured directly in a random basis (X or Z) on
    both sides (one ``create_measure`` request). The sides exchange their
    bases and keep the pairs measured alike (sifting); this side picks the
    test bits among those with ``context.rng``: each with probability
    ``test_fraction``, or, if ``num_test_bits`` is given, exactly that many
    (all if fewer were sifted). Both reveal their test bits, and each side
    computes the QBER. Returns a :class:`QKDResult`.
    """
    if num_test_bits is not None and num_test_bits < 0:
        raise ValueError(f"qkd_sender: num_test_bits must be >= 0, got {num_test_bits}")
    csocket = context.csockets[peer_name]
    bits, bases = yield from _measure_pairs(context, peer_name, num_pairs, create=True)
    csocket.send("".join(b[0] for b in bases))
    other = yield from csocket.recv()
    sifted = [i for i in range(num_pairs) if bases[i][0] == other[i]]
    if num_test_bits is None:
        test = sorted(i for i in sifted if context.rng.random() < test_fraction)
    else:
        picked = context.rng.choice(len(sifted), size=min(num_test_bits, len(sifted)),
                                    replace=False)
        test = sorted(sifted[int(k)] for k in picked)
    csocket.send(json.dumps({"test": test, "bits": [bits[i] for i in test]}))
    their_bits = json.loads((yield from csocket.recv()))
    errors = sum(bits[i] != b for i, b in zip(test, their_bits, strict=True))
    tested = set(test)
    key = [bits[i] for i in sifted if i not in tested]
    return QKDResult(key, errors / len(test) if test else math.nan, num_pairs, len(sifted),
                     len(test), errors, bases)


@routine
def qkd_receiver(context: Any, peer_name: str, num_pairs: int) -> Gen[QKDResult]:
    """The receiving side of :func:`qkd_sender`; returns its :class:`QKDResult`."""
    csocket = context.csockets[peer_name]
    bits, bases = yield from _measure_pairs(context, peer_name, num_pairs, create=False)
    other = yield from csocket.recv()
    csocket.send("".join(b[0] for b in bases))
    sifted = [i for i in range(num_pairs) if bases[i][0] == other[i]]
    message = json.loads((yield from csocket.recv()))
    test, their_bits = message["test"], message["bits"]
    csocket.send(json.dumps([bits[i] for i in test]))
    errors = sum(bits[i] != b for i, b in zip(test, their_bits, strict=True))
    tested = set(test)
    key = [bits[i] for i in sifted if i not in tested]
    return QKDResult(key, errors / len(test) if test else math.nan, num_pairs, len(sifted),
                     len(test), errors, bases)
