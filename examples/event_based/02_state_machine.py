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

import argparse
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import netqsim
from netqsim import Program, ProgramMeta, StateMachine
from netqsim.config import StackNetworkConfig
from netqsim.host.framing import send_line
from netqsim.host.statemachine import Transition
from netqsim.host.streams import StreamWriter

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
ROUNDS = 3

Trace = list[tuple[float, str, str]]

# -- states ---------------------------------------------------------------------------------
WAIT_GREETING = "WAIT_GREETING"
IN_ROUNDS = "IN_ROUNDS"
WAIT_GOODBYE = "WAIT_GOODBYE"
WAIT_HELLO = "WAIT_HELLO"
IN_SESSION = "IN_SESSION"
DONE = "DONE"


@dataclass
class Session:
    """What one node's handlers share: the writer, the clock, the trace, the round count."""

    node: str
    writer: StreamWriter
    context: Any
    trace: Trace
    rounds: int
    done_rounds: int = 0
    log: list[str] = field(default_factory=list)

    def send(self, text: str) -> None:
        send_line(self.writer, text)
        self.trace.append((self.context.now, self.node, f"-> {text}"))

    def on_message(self, state: str, message: str) -> None:
        self.trace.append((self.context.now, self.node, f"<- {message:<16} (in {state})"))

    def on_transition(self, step: Transition) -> None:
        if step.next_state != step.state:
            self.trace.append((self.context.now, self.node, f"   now {step.next_state}"))


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
class Alice(Program):
    def __init__(self, peer: str, trace: Trace, rounds: int = ROUNDS) -> None:
        self.peer, self.trace, self.rounds = peer, trace, rounds

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="session_client", max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        session = Session(context.node_name, writer, context, self.trace, self.rounds)
        session.send("hello")
        machine = StateMachine(WAIT_GREETING, ALICE_DISPATCH, final=DONE, key=first_word,
                               on_message=session.on_message,
                               on_transition=session.on_transition)
        state = await machine.run(reader, session)
        return {"state": state, "rounds": session.done_rounds, "end": context.now,
                "transitions": [(t.state, t.message, t.next_state) for t in machine.history]}


class Bob(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace = peer, trace

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="session_server", max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        session = Session(context.node_name, writer, context, self.trace, rounds=0)
        machine = StateMachine(WAIT_HELLO, BOB_DISPATCH, final=DONE, key=first_word,
                               on_message=session.on_message,
                               on_transition=session.on_transition)
        state = await machine.run(reader, session)
        return {"state": state, "rounds": session.done_rounds, "ignored": len(machine.ignored),
                "transitions": [(t.state, t.message, t.next_state) for t in machine.history]}


def load_config(path: str | Path | None) -> StackNetworkConfig:
    return StackNetworkConfig.from_file(path or DEFAULT_CONFIG)


def run_example(config: StackNetworkConfig | None = None, rounds: int = ROUNDS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None)
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: Alice(b, trace, rounds), b: Bob(a, trace)}, seed=seed)
    return {"trace": trace, "alice": results[a][0], "bob": results[b][0]}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcome = run_example(load_config(args.config), args.rounds, args.seed)
    for time, node, text in outcome["trace"]:
        print(f"{time / 1000:10.3f} us  {node:<6} {text}")
    alice, bob = outcome["alice"], outcome["bob"]
    print(f"result: both machines reached {alice['state']}/{bob['state']} after "
          f"{bob['rounds']} rounds, at {alice['end'] / 1000:.3f} us")
    return outcome


if __name__ == "__main__":
    main()
