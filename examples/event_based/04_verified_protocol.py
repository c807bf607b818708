"""04 -- a multi-state protocol: negotiate, then quantum, then classical verification.

As in 03, Alice asks ``generate randomness?``, Bob answers ``yes`` and both
measure their half of an EPR pair in the Z (computational) basis. Then Alice
sends her bit (``bit 0``/``bit 1``) and Bob answers ``match`` or
``mismatch``. Alice's ``bit`` message may arrive while Bob's handler is still
waiting for his measurement; it waits in the stream until Bob's machine is in
``WAIT_BIT`` and reads it.

On a depolarising (Werner) link of fidelity F the pair is
``F |Phi+><Phi+| + (1-F)/3 (the other three Bell states)``; a Z-basis mismatch
happens for Psi+ and Psi-, so the mismatch rate is ``2/3 (1 - F)`` (the same
in any basis shared by both nodes). The example runs the protocol N times and
prints the mismatch rate with its binomial standard error next to that closed
form. It covers the link only: gate and memory noise in CONFIG (if any) are
not in it.

Transitions:

=====  ==============  ======================  ================================  ============
node   state           message                 action                            next state
=====  ==============  ======================  ================================  ============
Alice  (start)         --                      send "generate randomness?"       WAIT_ACCEPT
Alice  WAIT_ACCEPT     yes                     EPR create_keep, measure Z,       WAIT_VERDICT
                                               flush; send "bit b"
Alice  WAIT_VERDICT    match / mismatch        record the verdict; close         DONE
Bob    WAIT_REQUEST    generate randomness?    send yes; EPR recv_keep,          WAIT_BIT
                                               measure Z, flush
Bob    WAIT_BIT        bit b                   compare; send match / mismatch    DONE
=====  ==============  ======================  ================================  ============

Run: ``python examples/event_based/04_verified_protocol.py [CONFIG] [--fidelity F]
[--runs N]``. Without CONFIG: ``configs/perfect_two_nodes.yaml`` with its
link replaced by a depolarising link of fidelity F (default 0.9); with CONFIG:
its own link, unless ``--fidelity`` is given.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import netqsim
from netqsim import Program, ProgramMeta, StateMachine
from netqsim.config import DepolariseLinkConfig, LinkConfig, StackNetworkConfig
from netqsim.host.framing import send_line
from netqsim.host.streams import StreamWriter

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
FIDELITY = 0.9
RUNS = 1000

Trace = list[tuple[float, str, str]]

WAIT_ACCEPT = "WAIT_ACCEPT"
WAIT_VERDICT = "WAIT_VERDICT"
WAIT_REQUEST = "WAIT_REQUEST"
WAIT_BIT = "WAIT_BIT"
DONE = "DONE"
REQUEST = "generate randomness?"


@dataclass
class Session:
    peer: str
    writer: StreamWriter
    context: Any
    trace: Trace | None
    bit: int | None = None
    verdict: str | None = None

    def log(self, text: str) -> None:
        if self.trace is not None:
            self.trace.append((self.context.now, self.context.node_name, text))

    def send(self, text: str) -> None:
        send_line(self.writer, text)
        self.log(f"-> {text}")

    def on_message(self, state: str, message: str) -> None:
        self.log(f"<- {message} (in {state})")


async def measure_pair(session: Session, role: str) -> int:
    """Create (Alice) or receive (Bob) one EPR pair and measure it in Z."""
    socket = session.context.epr_sockets[session.peer]
    qubit = (socket.create_keep() if role == "create" else socket.recv_keep())[0]
    outcome = qubit.measure()
    await session.context.connection.flush()
    session.log(f"measured bit {int(outcome)}")
    return int(outcome)


# -- Alice ------------------------------------------------------------------------------------
async def alice_on_yes(session: Session, message: str) -> str:
    session.bit = await measure_pair(session, "create")
    session.send(f"bit {session.bit}")
    return WAIT_VERDICT


async def alice_on_verdict(session: Session, message: str) -> str:
    session.verdict = message
    return DONE


ALICE_DISPATCH = {
    (WAIT_ACCEPT, "yes"): alice_on_yes,
    (WAIT_VERDICT, "match"): alice_on_verdict,
    (WAIT_VERDICT, "mismatch"): alice_on_verdict,
}


# -- Bob --------------------------------------------------------------------------------------
async def bob_on_request(session: Session, message: str) -> str:
    session.send("yes")
    session.bit = await measure_pair(session, "recv")
    return WAIT_BIT


async def bob_on_bit(session: Session, message: str) -> str:
    theirs = int(message.split()[1])
    session.verdict = "match" if theirs == session.bit else "mismatch"
    session.send(session.verdict)
    return DONE


BOB_DISPATCH = {
    (WAIT_REQUEST, REQUEST): bob_on_request,
    (WAIT_BIT, "bit"): bob_on_bit,  # "bit 0" / "bit 1", see kind()
}


def kind(message: str) -> str:
    """The dispatch key: a message ending in a number ("bit 1") without the number."""
    head, _, last = message.rpartition(" ")
    return head if last.isdigit() else message


class Alice(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="verified_client", epr_sockets=[self.peer], max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        session.send(REQUEST)
        machine = StateMachine(WAIT_ACCEPT, ALICE_DISPATCH, final=DONE,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"bit": session.bit, "verdict": session.verdict}


class Bob(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="verified_server", epr_sockets=[self.peer], max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        machine = StateMachine(WAIT_REQUEST, BOB_DISPATCH, final=DONE, key=kind,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"bit": session.bit, "verdict": session.verdict}


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


def expected_mismatch(config: StackNetworkConfig) -> float | None:
    """2/3 (1 - F) for a depolarise link, 0 for a perfect one, None for other links."""
    link = config.links[0]
    if link.typ == "perfect":
        return 0.0
    if link.typ == "depolarise":
        return 2.0 / 3.0 * (1.0 - link.cfg.fidelity)
    return None


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None, FIDELITY)
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: Alice(b, trace), b: Bob(a, trace)}, num_times=runs,
                          seed=seed)
    mismatches = 0
    for ra, rb in zip(results[a], results[b], strict=True):
        assert ra["verdict"] == rb["verdict"]  # both sides agree on the verdict
        mismatches += ra["verdict"] == "mismatch"
        assert (ra["bit"] != rb["bit"]) == (ra["verdict"] == "mismatch")
    rate = mismatches / runs
    return {"trace": trace, "runs": runs, "mismatches": mismatches, "rate": rate,
            "sigma": math.sqrt(max(rate * (1 - rate), 1e-12) / runs),
            "expected": expected_mismatch(config)}


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
    print(f"result: mismatch rate {outcome['rate']:.4f} +- {outcome['sigma']:.4f} over "
          f"{outcome['runs']} runs (Z basis); closed form 2/3 (1 - F) = {closed}")
    return outcome


if __name__ == "__main__":
    main()
