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

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # eventkit.py, however this is run
import eventkit as kit
from eventkit import Node, Trace, load_config

from netqsim.config import StackNetworkConfig

MESSAGES = ("ping", "ping", "hello", "ping")


class Alice(Node):
    """Sends each message as a line and waits for the answer."""

    NAME = "ping_pong_client"

    def __init__(self, peer: str, trace: Trace, messages: Sequence[str] = MESSAGES) -> None:
        super().__init__(peer, trace)
        self.messages = tuple(messages)

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.open_stream(self.peer)
        replies = []
        for message in self.messages:
            writer.write(message.encode() + b"\n")
            self.log(context, f"-> {message}")
            reply = (await reader.readline()).decode().rstrip("\n")
            self.log(context, f"<- {reply}")
            replies.append(reply)
        writer.close()  # Bob's loop sees EOF
        await writer.wait_closed()
        self.log(context, "closed the stream")
        return {"replies": replies, "end": context.now}


class Bob(Node):
    """The event loop: read a line, answer it, until EOF."""

    NAME = "ping_pong_server"

    async def run(self, context: Any) -> dict[str, Any]:
        reader, writer = await context.accept_stream(self.peer)
        self.log(context, f"accepted a stream from {self.peer}")
        handled = 0
        while True:
            line = await reader.readline()
            if not line:  # EOF: the peer closed the stream
                self.log(context, "EOF: done")
                break
            message = line.decode().rstrip("\n")
            if message == "ping":
                reply = "pong"
            else:
                reply = f"refused: unknown message {message!r}"
            writer.write(reply.encode() + b"\n")
            self.log(context, f"got {message!r}, answered {reply!r}")
            handled += 1
        writer.close()
        return {"handled": handled}


def run_example(config: StackNetworkConfig | None = None, seed: int = 1) -> dict[str, Any]:
    """Run ping-pong once; the trace, both nodes' results and the node names."""
    pair = kit.run_pair(config or load_config(None), Alice, Bob, seed=seed)
    return {"trace": pair.trace, "alice": pair.alice[0], "bob": pair.bob[0], "nodes": pair.nodes}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    args = kit.parser(__doc__).parse_args(argv)
    outcome = run_example(load_config(args.config), seed=args.seed)
    replies = outcome["alice"]["replies"]
    return kit.report(outcome, f"{len(replies)} messages, {replies.count('pong')} pongs and "
                      f"{len(replies) - replies.count('pong')} refusal(s), finished at "
                      f"{outcome['alice']['end'] / 1000:.3f} us")


if __name__ == "__main__":
    main()
