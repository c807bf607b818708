"""01 -- ping-pong: a plain event loop with if/else message handling.

Alice opens a classical stream to Bob and sends ``ping``, ``ping``, ``hello``,
``ping``, one line each, waiting for each answer. Bob's program is the
simplest event loop there is: read a line, answer ``pong`` to ``ping`` and a
refusal to anything else, until Alice closes the stream (EOF). No state
machine, no quantum operations: this shows streams in simulated time. Every
message crosses the classical link with its delay (10 us in
``configs/perfect_two_nodes.yaml``), so each exchange takes one round trip.

Run: ``python examples/event_based/01_ping_pong.py [CONFIG]``
(default ``configs/perfect_two_nodes.yaml``; the first two nodes of CONFIG play
Alice and Bob). Prints the trace with simulated timestamps and one result line.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import StackNetworkConfig

DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
MESSAGES = ("ping", "ping", "hello", "ping")

Trace = list[tuple[float, str, str]]


class Alice(Program):
    """Sends each message as a line and waits for the answer."""

    def __init__(self, peer: str, trace: Trace, messages: Sequence[str] = MESSAGES) -> None:
        self.peer, self.trace, self.messages = peer, trace, tuple(messages)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="ping_pong_client", max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        me = context.node_name
        reader, writer = await context.open_stream(self.peer)
        replies = []
        for message in self.messages:
            writer.write(message.encode() + b"\n")
            self.trace.append((context.now, me, f"-> {message}"))
            reply = (await reader.readline()).decode().rstrip("\n")
            self.trace.append((context.now, me, f"<- {reply}"))
            replies.append(reply)
        writer.close()  # Bob's loop sees EOF
        await writer.wait_closed()
        self.trace.append((context.now, me, "closed the stream"))
        return {"replies": replies, "end": context.now}


class Bob(Program):
    """The event loop: read a line, answer it, until EOF."""

    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace = peer, trace

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="ping_pong_server", max_qubits=1)

    async def run(self, context: Any) -> dict[str, Any]:
        me = context.node_name
        reader, writer = await context.accept_stream(self.peer)
        self.trace.append((context.now, me, f"accepted a stream from {self.peer}"))
        handled = 0
        while True:
            line = await reader.readline()
            if not line:  # EOF: the peer closed the stream
                self.trace.append((context.now, me, "EOF: done"))
                break
            message = line.decode().rstrip("\n")
            if message == "ping":
                reply = "pong"
            else:
                reply = f"refused: unknown message {message!r}"
            writer.write(reply.encode() + b"\n")
            self.trace.append((context.now, me, f"got {message!r}, answered {reply!r}"))
            handled += 1
        writer.close()
        return {"handled": handled}


def load_config(path: str | Path | None) -> StackNetworkConfig:
    return StackNetworkConfig.from_file(path or DEFAULT_CONFIG)


def run_example(config: StackNetworkConfig | None = None, seed: int = 1) -> dict[str, Any]:
    """Run ping-pong once; the trace, both nodes' results and the node names."""
    config = config or load_config(None)
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: Alice(b, trace), b: Bob(a, trace)}, seed=seed)
    return {"trace": trace, "alice": results[a][0], "bob": results[b][0], "nodes": (a, b)}


def print_trace(trace: Trace) -> None:
    for time, node, text in trace:
        print(f"{time / 1000:10.3f} us  {node:<6} {text}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcome = run_example(load_config(args.config), seed=args.seed)
    print_trace(outcome["trace"])
    replies = outcome["alice"]["replies"]
    print(f"result: {len(replies)} messages, {replies.count('pong')} pongs and "
          f"{len(replies) - replies.count('pong')} refusal(s), finished at "
          f"{outcome['alice']['end'] / 1000:.3f} us")
    return outcome


if __name__ == "__main__":
    main()
