"""05 -- quantum teleportation written as two state machines.

Alice wants to send |psi> = Ry(pi/4)|0> to Bob. She asks ``teleport?``; Bob
answers ``ready`` and, in the same handler, receives his half of an EPR pair
(``recv_keep`` + flush) and keeps it in memory across handlers. Alice's
``ready`` handler prepares |psi>, creates the pair, does the Bell measurement
(CNOT, H, two measurements) and sends ``corrections m1 m2``. Bob's handler
for that message applies X^m2 Z^m1 and checks the state: Ry(-pi/4) and a Z
measurement, so outcome 0 means "|psi> arrived". He answers ``ack`` with the
outcome; both machines are done.

With perfect devices, a Werner link of fidelity F turns teleportation into a
depolarising channel and the received state's fidelity is ``(2F + 1) / 3``
for every input state. The fidelity is estimated as P(outcome 0) over N runs
and printed with its binomial standard error next to that closed form.

Transitions:

=====  ================  =================  ===============================  ================
node   state             message            action                           next state
=====  ================  =================  ===============================  ================
Alice  (start)           --                 send "teleport?"                 WAIT_READY
Alice  WAIT_READY        ready              prepare psi, EPR create_keep,    WAIT_ACK
                                            CNOT, H, measure both, flush;
                                            send "corrections m1 m2"
Alice  WAIT_ACK          ack r              record r                         DONE
Bob    WAIT_REQUEST      teleport?          send ready; EPR recv_keep,       WAIT_CORRECTIONS
                                            flush (keep the qubit)
Bob    WAIT_CORRECTIONS  corrections m1 m2  X^m2 Z^m1, Ry(-pi/4), measure,   DONE
                                            flush; send "ack r"
=====  ================  =================  ===============================  ================

Run: ``python examples/event_based/05_teleport_state_machine.py [CONFIG] [--fidelity F]
[--runs N]``. Without CONFIG: ``configs/perfect_two_nodes.yaml`` with its link
replaced by a depolarising link of fidelity F (default 0.9); with CONFIG: its
own link, unless ``--fidelity`` is given. The closed form covers the link
only (no gate or memory noise).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta, StateMachine
from netqsim.config import DepolariseLinkConfig, LinkConfig, StackNetworkConfig
from netqsim.host.framing import send_line
from netqsim.host.streams import StreamWriter

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
FIDELITY = 0.9
RUNS = 1000
#: |psi> = Ry(THETA_N * pi / 2**THETA_D)|0>, the SDK's angle notation: pi/4.
THETA_N, THETA_D = 1, 2

Trace = list[tuple[float, str, str]]

WAIT_READY = "WAIT_READY"
WAIT_ACK = "WAIT_ACK"
WAIT_REQUEST = "WAIT_REQUEST"
WAIT_CORRECTIONS = "WAIT_CORRECTIONS"
DONE = "DONE"


@dataclass
class Session:
    peer: str
    writer: StreamWriter
    context: Any
    trace: Trace | None
    qubit: Any = None  # Bob's half of the pair, kept between handlers
    outcome: int | None = None

    def log(self, text: str) -> None:
        if self.trace is not None:
            self.trace.append((self.context.now, self.context.node_name, text))

    def send(self, text: str) -> None:
        send_line(self.writer, text)
        self.log(f"-> {text}")

    def on_message(self, state: str, message: str) -> None:
        self.log(f"<- {message} (in {state})")


def kind(message: str) -> str:
    """Dispatch on the first word (``corrections 0 1`` -> ``corrections``)."""
    return message.split()[0]


# -- Alice ------------------------------------------------------------------------------------
async def alice_on_ready(session: Session, message: str) -> str:
    conn = session.context.connection
    psi = Qubit(conn)
    psi.rot_Y(n=THETA_N, d=THETA_D)
    epr = session.context.epr_sockets[session.peer].create_keep()[0]
    psi.cnot(epr)
    psi.H()
    m1, m2 = psi.measure(), epr.measure()
    await conn.flush()
    session.log(f"Bell measurement: m1={int(m1)} m2={int(m2)}")
    session.send(f"corrections {int(m1)} {int(m2)}")
    return WAIT_ACK


async def alice_on_ack(session: Session, message: str) -> str:
    session.outcome = int(message.split()[1])
    return DONE


ALICE_DISPATCH = {(WAIT_READY, "ready"): alice_on_ready, (WAIT_ACK, "ack"): alice_on_ack}


# -- Bob --------------------------------------------------------------------------------------
async def bob_on_request(session: Session, message: str) -> str:
    session.send("ready")
    session.qubit = session.context.epr_sockets[session.peer].recv_keep()[0]
    await session.context.connection.flush()
    session.log("holds his half of the EPR pair")
    return WAIT_CORRECTIONS


async def bob_on_corrections(session: Session, message: str) -> str:
    m1, m2 = (int(x) for x in message.split()[1:])
    qubit = session.qubit
    if m2:
        qubit.X()
    if m1:
        qubit.Z()
    qubit.rot_Y(n=2**(THETA_D + 1) - THETA_N, d=THETA_D)  # Ry(-theta), up to a global phase
    outcome = qubit.measure()
    await session.context.connection.flush()
    session.outcome = int(outcome)
    session.log(f"corrected and checked: outcome {session.outcome} (0 = |psi> arrived)")
    session.send(f"ack {session.outcome}")
    return DONE


BOB_DISPATCH = {
    (WAIT_REQUEST, "teleport?"): bob_on_request,
    (WAIT_CORRECTIONS, "corrections"): bob_on_corrections,
}


class Alice(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="teleport_sender", epr_sockets=[self.peer], max_qubits=2)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        session.send("teleport?")
        machine = StateMachine(WAIT_READY, ALICE_DISPATCH, final=DONE, key=kind,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"outcome": session.outcome}


class Bob(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="teleport_receiver", epr_sockets=[self.peer], max_qubits=2)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        machine = StateMachine(WAIT_REQUEST, BOB_DISPATCH, final=DONE, key=kind,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"outcome": session.outcome}


def load_config(path: str | Path | None, fidelity: float | None) -> StackNetworkConfig:
    """CONFIG (or the perfect two-node network), with a depolarising link of ``fidelity``."""
    config = StackNetworkConfig.from_file(path or DEFAULT_CONFIG)
    if fidelity is None and path is None:
        fidelity = FIDELITY
    if fidelity is not None:
        link = config.links[0]
        config.links[0] = LinkConfig(
            stack1=link.stack1, stack2=link.stack2, typ="depolarise",
            cfg=DepolariseLinkConfig(fidelity=fidelity, prob_success=1.0, t_cycle=1000.0),
        )
    return config


def expected_fidelity(config: StackNetworkConfig) -> float | None:
    """(2F + 1) / 3 for a depolarise link, 1 for a perfect one, None for other links."""
    link = config.links[0]
    if link.typ == "perfect":
        return 1.0
    if link.typ == "depolarise":
        return (2.0 * link.cfg.fidelity + 1.0) / 3.0
    return None


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None, FIDELITY)
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: Alice(b, trace), b: Bob(a, trace)}, num_times=runs,
                          seed=seed)
    outcomes = [r["outcome"] for r in results[b]]
    assert outcomes == [r["outcome"] for r in results[a]]  # Alice got Bob's ack
    fidelity = outcomes.count(0) / runs
    return {"trace": trace, "runs": runs, "fidelity": fidelity,
            "sigma": math.sqrt(max(fidelity * (1 - fidelity), 1e-12) / runs),
            "expected": expected_fidelity(config)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes "
                        "with a depolarising link)")
    parser.add_argument("--fidelity", type=float, default=None,
                        help=f"use a depolarising link of this fidelity (default {FIDELITY} "
                        "without CONFIG)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcome = run_example(load_config(args.config, args.fidelity), args.runs, args.seed)
    for time, node, text in outcome["trace"]:
        print(f"{time / 1000:10.3f} us  {node:<6} {text}")
    expected = outcome["expected"]
    closed = "n/a for this link type" if expected is None else f"{expected:.4f}"
    print(f"result: teleported-state fidelity {outcome['fidelity']:.4f} +- "
          f"{outcome['sigma']:.4f} over {outcome['runs']} runs; closed form (2F + 1)/3 = "
          f"{closed}")
    return outcome


if __name__ == "__main__":
    main()
