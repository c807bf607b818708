"""03 -- quantum operations inside handlers: shared randomness from an EPR pair.

Alice asks ``generate randomness?``; Bob answers ``yes``. Then, inside the
handlers, each node builds its quantum operations with the NetQASM SDK
(Alice ``create_keep``, Bob ``recv_keep``, both ``measure``) and awaits
``connection.flush()``. While a handler awaits its flush, simulated time
moves on and the other node keeps running (here: Bob's controller serves
the entanglement request Alice's handler issued). Both nodes end with one
bit; on a perfect link the two bits are equal, and uniformly random.

Transitions:

=====  ==============  ======================  ================================  ==========
node   state           message                 action                            next state
=====  ==============  ======================  ================================  ==========
Alice  (start)         --                      send "generate randomness?"       WAIT_ACCEPT
Alice  WAIT_ACCEPT     yes                     EPR create_keep, measure, flush   DONE
Bob    WAIT_REQUEST    generate randomness?    send yes; EPR recv_keep, measure  DONE
=====  ==============  ======================  ================================  ==========

Run: ``python examples/event_based/03_quantum_handlers.py [CONFIG] [--runs N]``
(default ``configs/perfect_two_nodes.yaml``, 10 runs; the trace shows the first).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # eventkit.py, however this is run
import eventkit as kit
from eventkit import DONE, BaseSession, Node, load_config, run_machine

from netqsim.config import StackNetworkConfig

RUNS = 10

WAIT_ACCEPT = "WAIT_ACCEPT"
WAIT_REQUEST = "WAIT_REQUEST"
REQUEST = "generate randomness?"


@dataclass
class Session(BaseSession):
    bit: int | None = None


async def alice_on_yes(session: Session, message: str) -> str:
    conn = session.context.connection
    qubit = session.context.epr_sockets[session.peer].create_keep()[0]
    outcome = qubit.measure()
    session.log("EPR create_keep + measure: flushing")
    await conn.flush()  # simulated time passes; Bob keeps running meanwhile
    session.bit = int(outcome)
    session.log(f"measured bit {session.bit}")
    return DONE


async def bob_on_request(session: Session, message: str) -> str:
    session.send("yes")
    conn = session.context.connection
    qubit = session.context.epr_sockets[session.peer].recv_keep()[0]
    outcome = qubit.measure()
    session.log("EPR recv_keep + measure: flushing")
    await conn.flush()
    session.bit = int(outcome)
    session.log(f"measured bit {session.bit}")
    return DONE


ALICE_DISPATCH = {(WAIT_ACCEPT, "yes"): alice_on_yes}
BOB_DISPATCH = {(WAIT_REQUEST, REQUEST): bob_on_request}


class Alice(Node):
    NAME, EPR = "randomness_client", True

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_ACCEPT, ALICE_DISPATCH,
                                       opening=REQUEST)
        return {"bit": session.bit, "end": context.now}


class Bob(Node):
    NAME, EPR = "randomness_server", True

    async def run(self, context: Any) -> dict[str, Any]:
        session, _ = await run_machine(self, context, Session, WAIT_REQUEST, BOB_DISPATCH)
        return {"bit": session.bit, "end": context.now}


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    pair = kit.run_pair(config or load_config(None), Alice, Bob, runs=runs, seed=seed)
    pairs = [(ra["bit"], rb["bit"]) for ra, rb in zip(pair.alice, pair.bob, strict=True)]
    return {"trace": pair.trace, "pairs": pairs, "agree": sum(x == y for x, y in pairs)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = kit.parser(__doc__, runs=RUNS).parse_args(argv)
    outcome = run_example(load_config(args.config), args.runs, args.seed)
    pairs = outcome["pairs"]
    bits = "".join(str(x) for x, _ in pairs[:40]) + ("..." if len(pairs) > 40 else "")
    return kit.report(outcome, f"the bits agree in {outcome['agree']}/{len(pairs)} runs "
                      f"(Alice's bits: {bits})")


if __name__ == "__main__":
    main()
