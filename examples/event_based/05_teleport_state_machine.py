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

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netqasm.sdk.qubit import Qubit

sys.path.insert(0, str(Path(__file__).resolve().parent))  # eventkit.py, however this is run
import eventkit as kit
from eventkit import DONE, BaseSession, Node, run_machine

from netqsim.config import StackNetworkConfig

FIDELITY = 0.9
RUNS = 1000
#: |psi> = Ry(THETA_N * pi / 2**THETA_D)|0>, the SDK's angle notation: pi/4.
THETA_N, THETA_D = 1, 2

WAIT_READY = "WAIT_READY"
WAIT_ACK = "WAIT_ACK"
WAIT_REQUEST = "WAIT_REQUEST"
WAIT_CORRECTIONS = "WAIT_CORRECTIONS"


@dataclass
class Session(BaseSession):
    qubit: Any = None  # Bob's half of the pair, kept between handlers
    outcome: int | None = None


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


class Alice(Node):
    NAME, EPR, MAX_QUBITS = "teleport_sender", True, 2

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_READY, ALICE_DISPATCH,
                                       opening="teleport?", key=kind)
        return {"outcome": session.outcome}


class Bob(Node):
    NAME, EPR, MAX_QUBITS = "teleport_receiver", True, 2

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_REQUEST, BOB_DISPATCH,
                                       key=kind)
        return {"outcome": session.outcome}


def load_config(path: str | Path | None, fidelity: float | None) -> StackNetworkConfig:
    """CONFIG (or the perfect two-node network), with a depolarising link of ``fidelity``."""
    return kit.load_config(path, fidelity, default_fidelity=FIDELITY)


def expected_fidelity(config: StackNetworkConfig) -> float | None:
    """(2F + 1) / 3 for a depolarise link, 1 for a perfect one, None for other links."""
    return kit.closed_form(config, lambda fidelity: (2.0 * fidelity + 1.0) / 3.0)


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None, FIDELITY)
    pair = kit.run_pair(config, Alice, Bob, runs=runs, seed=seed)
    outcomes = [r["outcome"] for r in pair.bob]
    assert outcomes == [r["outcome"] for r in pair.alice]  # Alice got Bob's ack
    fidelity, sigma = kit.binomial(outcomes.count(0), runs)
    return {"trace": pair.trace, "runs": runs, "fidelity": fidelity, "sigma": sigma,
            "expected": expected_fidelity(config)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = kit.parser(__doc__, fidelity=FIDELITY, runs=RUNS).parse_args(argv)
    outcome = run_example(load_config(args.config, args.fidelity), args.runs, args.seed)
    return kit.report(outcome, f"teleported-state fidelity {outcome['fidelity']:.4f} +- "
                      f"{outcome['sigma']:.4f} over {outcome['runs']} runs; closed form "
                      f"(2F + 1)/3 = {kit.shown(outcome['expected'])}")


if __name__ == "__main__":
    main()
