"""02 -- the full state-machine pattern: state constants, handlers, a dispatch table.

A short session: greeting, N numbered rounds, goodbye. Each node is a state
machine: named states, one ``async`` handler per (state, message) that does
its work and returns the next state, a dispatch table mapping
``(state, message)`` to the handler, and an event loop. The loop is
:class:`netqsim.StateMachine`; messages are lines (``send_line``/``recv_line``),
so they stay whole however the stream merges or splits them.

Transitions (also in ``docs/event-based.md``):

=========  =====================  ======================  ===============  ============
node       state                  message                 action           next state
=========  =====================  ======================  ===============  ============
Alice      (start)                --                      send hello       WAIT_GREETING
Alice      WAIT_GREETING          hello                   send round 1     IN_ROUNDS
Alice      IN_ROUNDS              ack k (k < N)           send round k+1   IN_ROUNDS
Alice      IN_ROUNDS              ack N                   send goodbye     WAIT_GOODBYE
Alice      WAIT_GOODBYE           goodbye                 close            DONE
Bob        WAIT_HELLO             hello                   send hello       IN_SESSION
Bob        IN_SESSION             round k                 send ack k       IN_SESSION
Bob        IN_SESSION             goodbye                 send goodbye     DONE
=========  =====================  ======================  ===============  ============

Messages that have arguments (``round 3``) are dispatched on their first word
(``key=``). Messages the table does not list are ignored (the default policy).

Run: ``python examples/event_based/02_state_machine.py [CONFIG] [--rounds N]``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # eventkit.py, however this is run
import eventkit as kit
from eventkit import DONE, BaseSession, Node, Trace, load_config

from netqsim import StateMachine
from netqsim.config import StackNetworkConfig
from netqsim.host.statemachine import Transition

ROUNDS = 3

# -- states (and DONE, from eventkit) ---------------------------------------------------------
WAIT_GREETING = "WAIT_GREETING"
IN_ROUNDS = "IN_ROUNDS"
WAIT_GOODBYE = "WAIT_GOODBYE"
WAIT_HELLO = "WAIT_HELLO"
IN_SESSION = "IN_SESSION"


@dataclass
class Session(BaseSession):
    """What one node's handlers share: the writer, the clock, the trace, the round count."""

    rounds: int = 0
    done_rounds: int = 0

    def on_message(self, state: str, message: str) -> None:
        self.log(f"<- {message:<16} (in {state})")

    def on_transition(self, step: Transition) -> None:
        if step.next_state != step.state:
            self.log(f"   now {step.next_state}")


def first_word(message: str) -> str:
    return message.split()[0]


# -- Alice's handlers -------------------------------------------------------------------------
async def alice_on_hello(session: Session, message: str) -> str:
    session.send("round 1")
    return IN_ROUNDS


async def alice_on_ack(session: Session, message: str) -> str:
    session.done_rounds = int(message.split()[1])
    if session.done_rounds < session.rounds:
        session.send(f"round {session.done_rounds + 1}")
        return IN_ROUNDS
    session.send("goodbye")
    return WAIT_GOODBYE


async def alice_on_goodbye(session: Session, message: str) -> str:
    session.writer.close()
    return DONE


ALICE_DISPATCH = {
    (WAIT_GREETING, "hello"): alice_on_hello,
    (IN_ROUNDS, "ack"): alice_on_ack,
    (WAIT_GOODBYE, "goodbye"): alice_on_goodbye,
}


# -- Bob's handlers ---------------------------------------------------------------------------
async def bob_on_hello(session: Session, message: str) -> str:
    session.send("hello")
    return IN_SESSION


async def bob_on_round(session: Session, message: str) -> str:
    k = int(message.split()[1])
    session.done_rounds = k
    session.send(f"ack {k}")
    return IN_SESSION


async def bob_on_goodbye(session: Session, message: str) -> str:
    session.send("goodbye")
    session.writer.close()
    return DONE


BOB_DISPATCH = {
    (WAIT_HELLO, "hello"): bob_on_hello,
    (IN_SESSION, "round"): bob_on_round,
    (IN_SESSION, "goodbye"): bob_on_goodbye,
}


# -- programs ---------------------------------------------------------------------------------
class Alice(Node):
    NAME = "session_client"

    def __init__(self, peer: str, trace: Trace, rounds: int = ROUNDS) -> None:
        super().__init__(peer, trace)
        self.rounds = rounds

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace, self.rounds)
        session.send("hello")
        machine = StateMachine(WAIT_GREETING, ALICE_DISPATCH, final=DONE, key=first_word,
                               on_message=session.on_message,
                               on_transition=session.on_transition)
        state = await machine.run(reader, session)
        return {"state": state, "rounds": session.done_rounds, "end": context.now,
                "transitions": [(t.state, t.message, t.next_state) for t in machine.history]}


class Bob(Node):
    NAME = "session_server"

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace, rounds=0)
        machine = StateMachine(WAIT_HELLO, BOB_DISPATCH, final=DONE, key=first_word,
                               on_message=session.on_message,
                               on_transition=session.on_transition)
        state = await machine.run(reader, session)
        return {"state": state, "rounds": session.done_rounds, "ignored": len(machine.ignored),
                "transitions": [(t.state, t.message, t.next_state) for t in machine.history]}


def run_example(config: StackNetworkConfig | None = None, rounds: int = ROUNDS,
                seed: int = 1) -> dict[str, Any]:
    pair = kit.run_pair(config or load_config(None), partial(Alice, rounds=rounds), Bob, seed=seed)
    return {"trace": pair.trace, "alice": pair.alice[0], "bob": pair.bob[0]}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = kit.parser(__doc__, rounds=ROUNDS).parse_args(argv)
    outcome = run_example(load_config(args.config), args.rounds, args.seed)
    alice, bob = outcome["alice"], outcome["bob"]
    return kit.report(outcome, f"both machines reached {alice['state']}/{bob['state']} after "
                      f"{bob['rounds']} rounds, at {alice['end'] / 1000:.3f} us")


if __name__ == "__main__":
    main()
