"""Programs for the example sweeps: teleportation and an entanglement-based QKD round.

Sweep files refer to them as ``programs.py:TeleportSender`` (a file next to
the sweep file); Python code can import this file as a module.

* :class:`TeleportSender` / :class:`TeleportReceiver`: teleport Ry(theta)|0>
  (theta = ``theta_n`` pi / 2^``theta_d``); the receiver corrects, keeps the
  qubit ``wait_ns`` in memory, undoes the preparation and measures. Its
  ``success`` is 1 when the outcome is 0, so the mean of ``success`` is the
  teleportation fidelity as measured (including the check gate's noise).
* :class:`QKDSender` / :class:`QKDReceiver`: one BBM92 round: both measure
  their half of an EPR pair in a basis chosen at random (Z or X), the sender
  sends basis and outcome; the receiver, after ``wait_ns`` in memory, reports
  ``sifted`` (same basis) and, for sifted rounds, ``error`` (outcomes differ).
  The mean of ``error`` over sifted rounds is the QBER.
* :class:`Flaky`: raises for some parameter values, to show how a failing
  point is recorded.
"""

from __future__ import annotations

from typing import Any

from netqasm.sdk.qubit import Qubit, QubitMeasureBasis

from netqsim import Program, ProgramMeta
from netqsim.util import teleport_recv, teleport_send


class TeleportSender(Program):
    """Prepares Ry(theta)|0>, teleports it to ``peer``, sends the two correction bits."""

    def __init__(self, peer: str = "Bob", theta_n: int = 1, theta_d: int = 2) -> None:
        self.peer, self.theta_n, self.theta_d = peer, int(theta_n), int(theta_d)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="teleport_sender", csockets=[self.peer],
                           epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: Any) -> Any:
        q = Qubit(context.connection)
        q.rot_Y(n=self.theta_n, d=self.theta_d)
        m1, m2 = yield from teleport_send(q, context, self.peer)
        return {"m1": m1, "m2": m2}


class TeleportReceiver(Program):
    """Receives, corrects, waits ``wait_ns``, undoes Ry(theta) and measures (0 = success)."""

    def __init__(self, peer: str = "Alice", theta_n: int = 1, theta_d: int = 2,
                 wait_ns: float = 0.0) -> None:
        self.peer, self.theta_n, self.theta_d = peer, int(theta_n), int(theta_d)
        if wait_ns < 0:
            raise ValueError(f"wait_ns must be >= 0, got {wait_ns}")
        self.wait_ns = float(wait_ns)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="teleport_receiver", csockets=[self.peer],
                           epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        start = context.now
        epr = yield from teleport_recv(context, self.peer)
        if self.wait_ns:
            yield context.sim.timeout(self.wait_ns)
        # Ry(-theta) as Ry(2 pi - theta): the same gate up to a global phase.
        epr.rot_Y(n=2 ** (self.theta_d + 1) - self.theta_n, d=self.theta_d)
        outcome = epr.measure()
        yield from conn.flush()
        return {"success": int(int(outcome) == 0), "duration": context.now - start}


class QKDSender(Program):
    """Measures its EPR half in a random basis; sends basis and outcome to ``peer``."""

    def __init__(self, peer: str = "Bob") -> None:
        self.peer = peer

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="qkd_sender", csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        basis = "ZX"[int(context.rng.integers(2))]
        epr = context.epr_sockets[self.peer].create_keep()[0]
        m = epr.measure(basis=QubitMeasureBasis[basis])
        yield from conn.flush()
        context.csockets[self.peer].send(f"{basis}{int(m)}")
        return {"basis": basis, "m": int(m)}


class QKDReceiver(Program):
    """Keeps its half ``wait_ns``, measures in a random basis, compares with the sender's."""

    def __init__(self, peer: str = "Alice", wait_ns: float = 0.0) -> None:
        self.peer, self.wait_ns = peer, float(wait_ns)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="qkd_receiver", csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        basis = "ZX"[int(context.rng.integers(2))]
        epr = context.epr_sockets[self.peer].recv_keep()[0]
        yield from conn.flush()
        if self.wait_ns:
            yield context.sim.timeout(self.wait_ns)
        m = epr.measure(basis=QubitMeasureBasis[basis])
        yield from conn.flush()
        message = yield from context.csockets[self.peer].recv()
        sifted = message[0] == basis
        error = int(message[1] != str(int(m))) if sifted else None
        return {"basis": basis, "m": int(m), "sifted": int(sifted), "error": error}


class Flaky(TeleportReceiver):
    """A receiver that raises when ``wait_ns`` is above ``fail_above`` (for the examples)."""

    def __init__(self, peer: str = "Alice", wait_ns: float = 0.0,
                 fail_above: float = float("inf")) -> None:
        super().__init__(peer, wait_ns=wait_ns)
        self.fail_above = fail_above

    def run(self, context: Any) -> Any:
        if self.wait_ns > self.fail_above:
            raise RuntimeError(f"wait_ns = {self.wait_ns} is above {self.fail_above}")
        return (yield from super().run(context))


def qber(rows: Any) -> dict[str, float]:
    """Metric function: QBER over sifted rounds, and the sifted fraction, of one point."""
    bob = rows[rows["node"] == "Bob"]
    sifted = bob[bob["sifted"] == 1]
    return {"value": float(sifted["error"].mean()) if len(sifted) else float("nan"),
            "sifted_fraction": float(bob["sifted"].mean()) if len(bob) else float("nan")}
