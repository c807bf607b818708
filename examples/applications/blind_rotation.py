"""Blind quantum computation: a client has a server apply a rotation it cannot learn.

The client (Alice) wants ``H Rz(phi)|+>`` computed by the server (Bob)
without revealing ``phi``. With ``remote_state_prepare`` she puts
``Rz(theta + m0 pi)|+>`` (``theta`` secret and random) and ``Z^m1 |+>`` on
the server, which entangles them with CZ. She then sends the measurement
angle ``delta = phi - theta - m0 pi + r pi`` (r a random secret bit):
``delta`` is uniformly random whatever ``phi`` is, so the server learns
nothing. The server measures the first qubit with ``measure_xy(delta)`` and
returns s. The second qubit is then ``Z^m1 X^(s xor r) H Rz(phi)|+>``; the
client sends the corrections so that the example can check the output
(fidelity from ``get_qubit_state``, and a measurement in its eigenbasis).

Closed form (noiseless gates): a Werner pair of fidelity F prepares each
qubit with depolarising probability ``p = 4(1-F)/3``. The first qubit's noise
leaves the output with fidelity ``1 - p/2``; the second's is a Z error with
probability p/2, so ``F_out = (1-p/2)^2 + (p/2)[(1-p/2) cos^2 phi + (p/2) sin^2 phi]``.

Run: ``python examples/applications/blind_rotation.py [CONFIG] [--runs N]``
(default ``configs/werner_link_two_nodes.yaml``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from appkit import Row, gate_noise, link_fidelity, load, memory_note, parser, report

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig
from netqsim.util import (
    fidelity_to,
    get_qubit_state,
    get_reference_state,
    mean_estimate,
    measure_xy,
    proportion,
    recv_remote_state,
    remote_state_prepare,
)

DEFAULT = "werner_link_two_nodes.yaml"
PHI = 3 * math.pi / 8  # the client's secret rotation
#: H Rz(phi)|+> has Bloch vector (0, -sin phi, cos phi): phi' = -pi/2, theta' = phi.
OUTPUT = get_reference_state(-math.pi / 2, PHI)


class Client(Program):
    """Alice: prepares the server's qubits remotely and steers its measurement."""

    def __init__(self, phi: float = PHI) -> None:
        self.phi = phi

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("bqc_client", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=2)

    def run(self, context: Any) -> Any:
        theta = float(context.rng.integers(8)) * math.pi / 4
        r = int(context.rng.integers(2))
        m0 = yield from remote_state_prepare(context, "Bob", theta)
        m1 = yield from remote_state_prepare(context, "Bob", 0.0)
        socket = context.csockets["Bob"]
        delta = (self.phi - theta - m0 * math.pi + r * math.pi) % (2 * math.pi)
        socket.send_float(delta)
        s = yield from socket.recv_int()
        socket.send(f"{m1} {s ^ r}")  # corrections, only to check the result
        return {"delta": delta}


class Server(Program):
    """Bob: CZ, measures at the angle he is told, applies the corrections he is sent."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("bqc_server", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=2)

    def run(self, context: Any) -> Any:
        conn, socket = context.connection, context.csockets["Alice"]
        q0 = yield from recv_remote_state(context, "Alice")
        q1 = yield from recv_remote_state(context, "Alice")
        q0.cphase(q1)
        delta = yield from socket.recv_float()
        s = measure_xy(q0, delta)
        yield from conn.flush()
        socket.send_int(int(s))
        z, x = (int(v) for v in (yield from socket.recv()).split())
        if z:
            q1.Z()
        if x:
            q1.X()
        yield from conn.flush()
        fid = fidelity_to(get_qubit_state(q1), OUTPUT)
        # Check by measuring: the output H Rz(phi) H|0> goes back to |0> under
        # H Rz(-phi) H, so outcome 0 means "right output".
        q1.H()
        q1.rot_Z(angle=(-PHI) % (2 * math.pi))
        q1.H()
        check = q1.measure()
        yield from conn.flush()
        return {"fidelity": fid, "check": int(check)}


def expected(config: StackNetworkConfig, phi: float = PHI) -> float:
    """Closed-form output fidelity (link noise only)."""
    p = 4 * (1 - link_fidelity(config, "Alice", "Bob")) / 3
    return (1 - p / 2) ** 2 + p / 2 * ((1 - p / 2) * math.cos(phi) ** 2
                                       + p / 2 * math.sin(phi) ** 2)


def simulate(config: StackNetworkConfig, runs: int = 300, seed: int = 19) -> list[Row]:
    """Rows: exact output fidelity, P(check outcome 0), and the angle's mean (hidden)."""
    results = netqsim.run(config, {"Alice": Client(), "Bob": Server()},
                          num_times=runs, seed=seed)
    bob, alice = results["Bob"], results["Alice"]
    f = expected(config)
    zeros = sum(r["check"] == 0 for r in bob)
    # delta is uniform on the 16 multiples of pi/8 (theta on 8, r on 2): its
    # cosine averages to 0, whatever phi is.
    return [Row("output fidelity (density matrix)", mean_estimate(r["fidelity"] for r in bob),
                f),
            Row("P(check outcome 0)", proportion(zeros, runs), f),
            Row("<cos delta> seen by the server",
                mean_estimate(math.cos(r["delta"]) for r in alice), 0.0)]


def main(argv: Sequence[str] | None = None) -> list[Row]:
    args = parser(__doc__.splitlines()[0], 300, 19).parse_args(argv)
    config = load(args.config, DEFAULT)
    rows = simulate(config, args.runs, args.seed)
    noisy = any(gate_noise(config, n) != (0.0, 0.0) for n in ("Alice", "Bob"))
    report(f"Blind rotation H Rz(3pi/8)|+>, {args.runs} runs", rows,
           ["the closed form covers link noise only; this config has gate noise"
            if noisy else "", memory_note(config)])
    return rows


if __name__ == "__main__":
    main()
