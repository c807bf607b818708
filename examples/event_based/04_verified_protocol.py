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

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # eventkit.py, however this is run
import eventkit as kit
from eventkit import DONE, BaseSession, Node, run_machine

from netqsim.config import StackNetworkConfig

FIDELITY = 0.9
RUNS = 1000

WAIT_ACCEPT = "WAIT_ACCEPT"
WAIT_VERDICT = "WAIT_VERDICT"
WAIT_REQUEST = "WAIT_REQUEST"
WAIT_BIT = "WAIT_BIT"
REQUEST = "generate randomness?"

@dataclass
class Session(BaseSession):
    bit: int | None = None
    verdict: str | None = None


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


class Alice(Node):
    NAME, EPR = "verified_client", True

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_ACCEPT, ALICE_DISPATCH,
                                       opening=REQUEST)
        return {"bit": session.bit, "verdict": session.verdict}


class Bob(Node):
    NAME, EPR = "verified_server", True

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_REQUEST, BOB_DISPATCH,
                                       key=kind)
        return {"bit": session.bit, "verdict": session.verdict}


def load_config(path: str | Path | None, fidelity: float | None) -> StackNetworkConfig:
    """CONFIG (or the perfect two-node network), with a depolarising link of ``fidelity``."""
    return kit.load_config(path, fidelity, default_fidelity=FIDELITY)


def expected_mismatch(config: StackNetworkConfig) -> float | None:
    """2/3 (1 - F) for a depolarise link, 0 for a perfect one, None for other links."""
    return kit.closed_form(config, lambda fidelity: 2.0 / 3.0 * (1.0 - fidelity))


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None, FIDELITY)
    pair = kit.run_pair(config, Alice, Bob, runs=runs, seed=seed)
    mismatches = 0
    for ra, rb in zip(pair.alice, pair.bob, strict=True):
        assert ra["verdict"] == rb["verdict"]  # both sides agree on the verdict
        mismatches += ra["verdict"] == "mismatch"
        assert (ra["bit"] != rb["bit"]) == (ra["verdict"] == "mismatch")
    rate, sigma = kit.binomial(mismatches, runs)
    return {"trace": pair.trace, "runs": runs, "mismatches": mismatches, "rate": rate,
            "sigma": sigma, "expected": expected_mismatch(config)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = kit.parser(__doc__, fidelity=FIDELITY, runs=RUNS).parse_args(argv)
    outcome = run_example(load_config(args.config, args.fidelity), args.runs, args.seed)
    return kit.report(outcome, f"mismatch rate {outcome['rate']:.4f} +- {outcome['sigma']:.4f} "
                      f"over {outcome['runs']} runs (Z basis); closed form 2/3 (1 - F) = "
                      f"{kit.shown(outcome['expected'])}")


if __name__ == "__main__":
    main()
