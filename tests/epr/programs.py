"""Reusable programs and helpers for the entanglement integration tests.

Programs are SquidASM-style: ``meta`` names the sockets, ``run`` is a
generator that flushes with ``yield from``. Most use ``max_qubits=2``;
``max_qubits=1`` takes a different SDK path (see ``test_errors.py``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from netqasm.sdk.qubit import Qubit, QubitMeasureBasis

from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig
from netqsim.hardware.processor import joint_state
from netqsim.quantum import bell_state, fidelity

#: Single-qubit observables a program can measure: Pauli X/Y/Z and the CHSH
#: observables (Z + X)/sqrt2 and (Z - X)/sqrt2.
OBSERVABLES = ("X", "Y", "Z", "Z+X", "Z-X")


def device(num_qubits: int = 2, T2: float = 0.0, **times: float) -> GenericQDeviceConfig:
    """A noiseless generic device whose operations take no time (unless given)."""
    values = {"init_time": 0, "single_qubit_gate_time": 0, "two_qubit_gate_time": 0,
              "measure_time": 0}
    values.update(times)
    return GenericQDeviceConfig.perfect_config(num_qubits=num_qubits, T1=0, T2=T2, **values)


def measure_in(qubit: Qubit, basis: str) -> Any:
    """Measure ``qubit`` in the eigenbasis of observable ``basis`` (outcome 0 = +1)."""
    if basis in ("X", "Y", "Z"):
        return qubit.measure(basis=QubitMeasureBasis[basis])
    # Measuring Z after Ry(-t) measures cos(t) Z + sin(t) X; angles are n pi / 2^d.
    if basis == "Z+X":
        qubit.rot_Y(n=7, d=2)  # Ry(7 pi/4) = -Ry(-pi/4)
    elif basis == "Z-X":
        qubit.rot_Y(n=1, d=2)  # Ry(pi/4)
    else:
        raise ValueError(f"unknown basis {basis!r}; use one of {OBSERVABLES}")
    return qubit.measure()


class _Chooser:
    """Picks a basis per iteration: in turn (``cycle``, same on both nodes) or at random."""

    def __init__(self, bases: Sequence[str], choose: str) -> None:
        if choose not in ("cycle", "rng"):
            raise ValueError(choose)
        self.bases, self.choose, self.count = tuple(bases), choose, 0

    def __call__(self, context: Any) -> str:
        if self.choose == "rng":
            return self.bases[int(context.rng.integers(len(self.bases)))]
        basis = self.bases[self.count % len(self.bases)]
        self.count += 1
        return basis


class KeepMeasure(Program):
    """``create_keep`` (role ``create``) or ``recv_keep`` (``recv``) with ``peer``, then measure.

    Every pair is measured in one basis per iteration, chosen from ``bases``
    in turn (``choose="cycle"``: both nodes agree) or with ``context.rng``
    (``choose="rng"``). ``wait_ns`` is spent between delivery and measurement.
    Returns the outcomes ``m``, the ``basis``, the times ``t0`` (request),
    ``t1`` (delivered) and ``end``.
    """

    def __init__(
        self, peer: str, role: str, bases: Sequence[str] = ("Z",), *, choose: str = "cycle",
        number: int = 1, wait_ns: float = 0.0, max_qubits: int = 2, name: str | None = None,
    ) -> None:
        if role not in ("create", "recv"):
            raise ValueError(role)
        self.peer, self.role, self.number, self.wait_ns = peer, role, number, wait_ns
        self.chooser = _Chooser(bases, choose)
        self.max_qubits = max(max_qubits, number)
        self.name = name or f"keep_{role}_{peer}"

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=self.name, epr_sockets=[self.peer], max_qubits=self.max_qubits)

    def run(self, context):
        conn, epr = context.connection, context.epr_sockets[self.peer]
        t0 = context.now
        request = epr.create_keep if self.role == "create" else epr.recv_keep
        qubits = request(number=self.number)
        yield from conn.flush()
        t1 = context.now
        if self.wait_ns:
            yield context.sim.timeout(self.wait_ns)
        basis = self.chooser(context)
        outcomes = [measure_in(q, basis) for q in qubits]
        yield from conn.flush()
        return {"m": [int(m) for m in outcomes], "basis": basis, "t0": t0, "t1": t1,
                "end": context.now}


def keep_pair(
    a: str = "Alice", b: str = "Bob", bases: Sequence[str] = ("Z",), **kwargs: Any
) -> dict[str, Program]:
    """Programs for ``a`` (creator) and ``b`` (receiver) measuring in the same bases in turn."""
    return {a: KeepMeasure(b, "create", bases, **kwargs),
            b: KeepMeasure(a, "recv", bases, **kwargs)}


def paired(results: Any, a: str = "Alice", b: str = "Bob") -> list[tuple[dict, dict]]:
    """Per iteration, the two nodes' result dicts."""
    return list(zip(results[a], results[b], strict=True))


def correlator(pairs: Sequence[tuple[dict, dict]], basis_a: str, basis_b: str) -> tuple[float, int]:
    """Mean of (-1)^(m_a + m_b) over all pairs measured in these bases, and their number."""
    signs = [1 - 2 * (x ^ y) for ra, rb in pairs
             if ra["basis"] == basis_a and rb["basis"] == basis_b
             for x, y in zip(ra["m"], rb["m"], strict=True)]
    if not signs:
        raise AssertionError(f"no pair was measured in {basis_a}/{basis_b}")
    return float(np.mean(signs)), len(signs)


def correlator_sigma(mean: float, n: int) -> float:
    """Standard error of a +-1 correlator's sample mean: sqrt((1 - E^2) / n)."""
    return math.sqrt(max(1 - mean**2, 0.0) / n)


def assert_within_5_sigma(observed: float, expected: float, sigma: float, what: str) -> None:
    """``|observed - expected| < 5 sigma``, with a message giving all numbers."""
    assert sigma > 0, what
    assert abs(observed - expected) < 5 * sigma, (
        f"{what}: observed {observed:.5g}, expected {expected:.5g}, 5 sigma = {5 * sigma:.3g}"
    )


def assert_binomial_rate(hits: int, n: int, p: float, what: str) -> None:
    """``hits`` out of ``n`` is consistent with rate ``p`` within 5 sigma (exact if p is 0 or 1)."""
    if p in (0.0, 1.0):
        assert hits == round(n * p), f"{what}: {hits}/{n}, expected rate {p}"
        return
    sigma = math.sqrt(p * (1 - p) / n)
    assert_within_5_sigma(hits / n, p, sigma, what)


# --------------------------------------------------------------------- state inspection


class ProbePair(Program):
    """Keep one pair; the receiver reads the pair's joint state, then tells the creator.

    The receiver reaches the simulated network through its connection and
    records the fidelity of the (corrected) pair to Phi+ and the full density
    matrix, ``wait_ns`` after delivery.
    """

    def __init__(self, peer: str, role: str, wait_ns: float = 0.0) -> None:
        self.peer, self.role, self.wait_ns = peer, role, wait_ns

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=f"probe_{self.role}", epr_sockets=[self.peer],
                           csockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn, epr, socket = (context.connection, context.epr_sockets[self.peer],
                             context.csockets[self.peer])
        if self.role == "create":
            epr.create_keep()
            yield from conn.flush()
            yield from socket.recv()  # keep the qubit until the receiver has looked
            return {}
        epr.recv_keep()
        yield from conn.flush()
        if self.wait_ns:
            yield context.sim.timeout(self.wait_ns)
        network = conn.network
        here = network.node(context.node_name).processor
        there = network.node(self.peer).processor
        (own,) = here.used_positions
        (theirs,) = there.used_positions
        rho = joint_state([(there, theirs), (here, own)])  # creator's qubit first
        socket.send("done")
        return {"fidelity": fidelity(rho, bell_state(0)), "rho": rho}


# --------------------------------------------------------------------- multi-node programs


class SwapEnd(Program):
    """An end node of a swap: ``create`` (left end) or ``recv`` (right end, corrects) a pair.

    The right end receives the middle node's Bell-measurement outcomes and
    applies X^m2 Z^m1 before measuring in ``basis``.
    """

    def __init__(self, middle: str, role: str, basis: str) -> None:
        self.middle, self.role, self.basis = middle, role, basis

    @property
    def meta(self) -> ProgramMeta:
        csockets = [self.middle] if self.role == "recv" else []
        return ProgramMeta(name=f"swap_end_{self.role}", epr_sockets=[self.middle],
                           csockets=csockets, max_qubits=2)

    def run(self, context):
        conn, epr = context.connection, context.epr_sockets[self.middle]
        if self.role == "create":
            (q,) = epr.create_keep()
            yield from conn.flush()
        else:
            (q,) = epr.recv_keep()
            yield from conn.flush()
            m1, m2 = (int(v) for v in (yield from context.csockets[self.middle].recv()).split())
            if m2:
                q.X()
            if m1:
                q.Z()
        m = measure_in(q, self.basis)
        yield from conn.flush()
        return {"m": [int(m)], "basis": self.basis}


class SwapMiddle(Program):
    """The middle node: pairs with ``left`` and ``right``, Bell-measures, tells ``right``."""

    def __init__(self, left: str, right: str) -> None:
        self.left, self.right = left, right

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="swap_middle", epr_sockets=[self.left, self.right],
                           csockets=[self.right], max_qubits=2)

    def run(self, context):
        conn = context.connection
        (q1,) = context.epr_sockets[self.left].recv_keep()
        (q2,) = context.epr_sockets[self.right].create_keep()
        q1.cnot(q2)
        q1.H()
        m1, m2 = q1.measure(), q2.measure()
        yield from conn.flush()
        context.csockets[self.right].send(f"{int(m1)} {int(m2)}")
        return {"m1": int(m1), "m2": int(m2)}


class GhzChainNode(Program):
    """One node of a GHZ state grown along a chain of Bell pairs.

    A node receives a pair from ``left`` (if any) and creates one with
    ``right`` (if any). It waits for the left neighbour's correction bit c,
    applies X^c to its left qubit (which then carries the GHZ bit), does
    CNOT(left -> right), measures the right qubit in Z and sends that outcome
    to ``right`` as its correction bit. Finally it measures its GHZ qubit in
    ``basis``.
    """

    def __init__(self, left: str | None, right: str | None, basis: str) -> None:
        self.left, self.right, self.basis = left, right, basis

    @property
    def meta(self) -> ProgramMeta:
        peers = [p for p in (self.left, self.right) if p]
        return ProgramMeta(name="ghz", epr_sockets=peers, csockets=peers, max_qubits=2)

    def run(self, context):
        conn = context.connection
        own = None
        if self.left:
            (own,) = context.epr_sockets[self.left].recv_keep()
        if self.right:
            (right,) = context.epr_sockets[self.right].create_keep()
            if own is None:  # the first node: its half of the first pair is the GHZ qubit
                own = right
                yield from conn.flush()
            else:
                yield from conn.flush()
                if int((yield from context.csockets[self.left].recv())):
                    own.X()
                own.cnot(right)
                bit = right.measure()
                yield from conn.flush()
                context.csockets[self.right].send(str(int(bit)))
        else:
            yield from conn.flush()
            if int((yield from context.csockets[self.left].recv())):
                own.X()
        if self.left is None:
            context.csockets[self.right].send("0")
        m = measure_in(own, self.basis)
        yield from conn.flush()
        return {"m": [int(m)], "basis": self.basis}


def ghz_chain(names: Sequence[str], basis: str) -> dict[str, Program]:
    """GHZ programs for nodes ``names`` linked in a chain."""
    out: dict[str, Program] = {}
    for i, name in enumerate(names):
        left = names[i - 1] if i > 0 else None
        right = names[i + 1] if i + 1 < len(names) else None
        out[name] = GhzChainNode(left, right, basis)
    return out


# --------------------------------------------------------------------- measure directly, RSP


def reported_basis(conn: Any, result: Any) -> int:
    """The measurement basis (netqasm ``Basis`` value) the node controller reported.

    netqasm's ``EprMeasureResult`` does not expose it; it sits next to the
    outcome in the result array.
    """
    future = result.raw_measurement_outcome
    return int(conn.shared_memory.get_array_part(address=future._address,
                                                 index=future._index + 1))


class MeasureDirectly(Program):
    """``create_measure(**kwargs)`` (role ``create``) or ``recv_measure`` with ``peer``.

    Returns per pair the raw outcome, the post-processed ``measurement_outcome``
    (receiver only; the SDK post-processes as if both measured in Z), the
    reported basis and the heralded Bell state.
    """

    def __init__(self, peer: str, role: str, number: int = 1, **kwargs: Any) -> None:
        self.peer, self.role, self.number, self.kwargs = peer, role, number, kwargs

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=f"measure_{self.role}", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn, epr = context.connection, context.epr_sockets[self.peer]
        if self.role == "create":
            results = epr.create_measure(number=self.number, **self.kwargs)
        else:
            results = epr.recv_measure(number=self.number)
        yield from conn.flush()
        return {
            "raw": [int(r.raw_measurement_outcome) for r in results],
            "out": [r.measurement_outcome if self.role == "recv" else None for r in results],
            "basis": [reported_basis(conn, r) for r in results],
            "bell": [int(r.raw_bell_state) for r in results],
        }


class RspCreate(Program):
    """``create_rsp(**kwargs)``: the creator's outcome and reported basis."""

    def __init__(self, peer: str, **kwargs: Any) -> None:
        self.peer, self.kwargs = peer, kwargs

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="rsp_create", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn = context.connection
        (result,) = context.epr_sockets[self.peer].create_rsp(**self.kwargs)
        yield from conn.flush()
        return {"m": [int(result.raw_measurement_outcome)],
                "reported": reported_basis(conn, result)}


class RspRecv(Program):
    """``recv_rsp``, then measure the prepared qubit in ``basis``."""

    def __init__(self, peer: str, basis: str) -> None:
        self.peer, self.basis = peer, basis

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="rsp_recv", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn = context.connection
        (q,) = context.epr_sockets[self.peer].recv_rsp()
        yield from conn.flush()
        m = measure_in(q, self.basis)
        yield from conn.flush()
        return {"m": [int(m)], "basis": self.basis}


class SequentialMeasure(Program):
    """``count`` sequential pairs (``create_keep``/``recv_keep``), each measured by a post routine.

    Sequential pairs fit in one communication qubit per end node; returns ``{"m": [...]}``.
    """

    def __init__(self, peer: str, role: str, count: int) -> None:
        self.peer, self.role, self.count = peer, role, count

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=f"seq_{self.role}", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: Any) -> Any:
        conn, epr = context.connection, context.epr_sockets[self.peer]
        outcomes = conn.new_array(self.count)

        def measure(_: Any, qubit: Any, index: Any) -> None:
            qubit.measure(future=outcomes.get_future_index(index))

        request = epr.create_keep if self.role == "create" else epr.recv_keep
        request(number=self.count, sequential=True, post_routine=measure)
        yield from conn.flush()
        return {"m": [int(outcomes.get_future_index(i)) for i in range(self.count)]}
