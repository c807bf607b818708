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

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import netqsim
from netqsim import Program, ProgramMeta, StateMachine
from netqsim.config import StackNetworkConfig
from netqsim.host.framing import send_line
from netqsim.host.streams import StreamWriter

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
RUNS = 10

Trace = list[tuple[float, str, str]]

WAIT_ACCEPT = "WAIT_ACCEPT"
WAIT_REQUEST = "WAIT_REQUEST"
DONE = "DONE"
REQUEST = "generate randomness?"


@dataclass
class Session:
    peer: str
    writer: StreamWriter
    context: Any
    trace: Trace | None  # None: do not record (runs after the first)
    bit: int | None = None

    def log(self, text: str) -> None:
        if self.trace is not None:
            self.trace.append((self.context.now, self.context.node_name, text))

    def send(self, text: str) -> None:
        send_line(self.writer, text)
        self.log(f"-> {text}")

    def on_message(self, state: str, message: str) -> None:
        self.log(f"<- {message} (in {state})")


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


class Alice(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="randomness_client", epr_sockets=[self.peer], max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        session.send(REQUEST)
        machine = StateMachine(WAIT_ACCEPT, ALICE_DISPATCH, final=DONE,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"bit": session.bit, "end": context.now}


class Bob(Program):
    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="randomness_server", epr_sockets=[self.peer], max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        session = Session(self.peer, writer, context, self.trace if self.runs == 0 else None)
        self.runs += 1
        machine = StateMachine(WAIT_REQUEST, BOB_DISPATCH, final=DONE,
                               on_message=session.on_message)
        await machine.run(reader, session)
        writer.close()
        return {"bit": session.bit, "end": context.now}


def load_config(path: str | Path | None) -> StackNetworkConfig:
    return StackNetworkConfig.from_file(path or DEFAULT_CONFIG)


def run_example(config: StackNetworkConfig | None = None, runs: int = RUNS,
                seed: int = 1) -> dict[str, Any]:
    config = config or load_config(None)
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: Alice(b, trace), b: Bob(a, trace)}, num_times=runs,
                          seed=seed)
    pairs = [(ra["bit"], rb["bit"]) for ra, rb in zip(results[a], results[b], strict=True)]
    return {"trace": trace, "pairs": pairs, "agree": sum(x == y for x, y in pairs)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcome = run_example(load_config(args.config), args.runs, args.seed)
    for time, node, text in outcome["trace"]:
        print(f"{time / 1000:10.3f} us  {node:<6} {text}")
    pairs = outcome["pairs"]
    bits = "".join(str(x) for x, _ in pairs[:40]) + ("..." if len(pairs) > 40 else "")
    print(f"result: the bits agree in {outcome['agree']}/{len(pairs)} runs "
          f"(Alice's bits: {bits})")
    return outcome


if __name__ == "__main__":
    main()
