"""Shared helpers of the event-based examples: configs, programs, traces, the command line.

Not an example itself. Each example ``NN_name.py`` offers ``run_example(config,
..., seed) -> dict`` (used by the tests and the notebook; its ``"trace"`` is a
list of ``(time_ns, node, text)``) and ``main(argv)`` (prints the trace and a
``result:`` line). The examples find this module next to themselves, however
they are started (``sys.path.insert`` at their top).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import netqsim
from netqsim import Program, ProgramMeta, StateMachine
from netqsim.config import DepolariseLinkConfig, LinkConfig, StackNetworkConfig
from netqsim.host.framing import send_line
from netqsim.host.statemachine import Transition
from netqsim.host.streams import StreamWriter

#: Perfect devices, a perfect link, 10 us classical delay.
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "configs" / "perfect_two_nodes.yaml"
#: The final state of every example's state machines.
DONE = "DONE"

#: What the examples record: (simulated time in ns, node, text).
Trace = list[tuple[float, str, str]]


# -- configs and closed forms -----------------------------------------------------------------
def load_config(path: str | Path | None, fidelity: float | None = None, *,
                default_fidelity: float | None = None) -> StackNetworkConfig:
    """CONFIG (or the perfect two-node network), its first link made depolarising if asked.

    The link becomes a depolarising link of ``fidelity`` if that is given, or
    of ``default_fidelity`` if neither CONFIG nor ``fidelity`` is given.
    """
    config = StackNetworkConfig.from_file(path or DEFAULT_CONFIG)
    if fidelity is None and path is None:
        fidelity = default_fidelity
    if fidelity is not None:
        link = config.links[0]
        config.links[0] = LinkConfig(
            stack1=link.stack1, stack2=link.stack2, typ="depolarise",
            cfg=DepolariseLinkConfig(fidelity=fidelity, prob_success=1.0, t_cycle=1000.0),
        )
    return config


def closed_form(config: StackNetworkConfig, formula: Callable[[float], float]) -> float | None:
    """``formula(F)`` of the first link's fidelity F: 1 for a perfect link; None for other
    link types than perfect and depolarise."""
    link = config.links[0]
    if link.typ == "perfect":
        return formula(1.0)
    if link.typ == "depolarise":
        return formula(link.cfg.fidelity)
    return None


def binomial(hits: int, runs: int) -> tuple[float, float]:
    """The rate ``hits / runs`` and its binomial standard error."""
    rate = hits / runs
    return rate, math.sqrt(max(rate * (1 - rate), 1e-12) / runs)


def shown(expected: float | None) -> str:
    """A closed-form value as printed, or why there is none."""
    return "n/a for this link type" if expected is None else f"{expected:.4f}"


# -- programs ---------------------------------------------------------------------------------
class Node(Program):
    """One side of a two-node example: its peer, the shared trace, how often it ran.

    A subclass sets ``NAME`` (and ``EPR = True`` to share EPR pairs with the peer).
    """

    NAME = "node"
    EPR = False
    MAX_QUBITS = 1

    def __init__(self, peer: str, trace: Trace) -> None:
        self.peer, self.trace, self.runs = peer, trace, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=self.NAME, epr_sockets=[self.peer] if self.EPR else [],
                           max_qubits=self.MAX_QUBITS)

    def log(self, context: Any, text: str) -> None:
        """Record ``text`` at the current simulated time."""
        self.trace.append((context.now, context.node_name, text))

    def next_trace(self) -> Trace | None:
        """The trace to record this run in: only the first run is recorded."""
        trace = self.trace if self.runs == 0 else None
        self.runs += 1
        return trace


@dataclass
class BaseSession:
    """What one node's handlers share: the peer, the writer, the context, the trace.

    Examples subclass it with the fields their handlers keep between messages.
    """

    peer: str
    writer: StreamWriter
    context: Any
    trace: Trace | None  # None: do not record (runs after the first)

    def log(self, text: str) -> None:
        if self.trace is not None:
            self.trace.append((self.context.now, self.context.node_name, text))

    def send(self, text: str) -> None:
        send_line(self.writer, text)
        self.log(f"-> {text}")

    def on_message(self, state: Hashable, message: str) -> None:
        self.log(f"<- {message} (in {state})")

    def on_transition(self, step: Transition) -> None:
        """Called after each handler; records nothing here."""


async def run_machine(node: Node, context: Any, session_type: type[BaseSession], initial: str,
                      dispatch: Mapping[tuple[str, str], Callable[..., Any]], *,
                      opening: str | None = None, key: Callable[[str], str] | None = None,
                      **fields: Any) -> tuple[BaseSession, StateMachine]:
    """Run one node's state machine (the wiring ``02_state_machine.py`` spells out).

    With ``opening`` the node opens the stream to its peer and sends that
    line first (Alice); without, it accepts the peer's stream (Bob). Then it
    handles messages from ``initial`` until ``DONE`` and closes the stream.
    ``fields`` go to ``session_type``. Returns the session and the machine.
    """
    if opening is None:
        reader, writer = await context.accept_stream(node.peer)
    else:
        reader, writer = await context.open_stream(node.peer)
    session = session_type(node.peer, writer, context, node.next_trace(), **fields)
    if opening is not None:
        session.send(opening)
    machine = StateMachine(initial, dispatch, final=DONE, key=key,
                           on_message=session.on_message, on_transition=session.on_transition)
    await machine.run(reader, session)
    writer.close()
    return session, machine


class Pair(NamedTuple):
    """What :func:`run_pair` returns: the trace, each node's results, the node names."""

    trace: Trace
    alice: list[dict[str, Any]]
    bob: list[dict[str, Any]]
    nodes: tuple[str, str]


def run_pair(config: StackNetworkConfig, alice: Callable[[str, Trace], Program],
             bob: Callable[[str, Trace], Program], runs: int = 1, seed: int = 1) -> Pair:
    """Run ``alice(peer, trace)`` on the first node of ``config`` and ``bob`` on the second."""
    a, b = config.stack_names[:2]
    trace: Trace = []
    results = netqsim.run(config, {a: alice(b, trace), b: bob(a, trace)}, num_times=runs,
                          seed=seed)
    return Pair(trace, results[a], results[b], (a, b))


# -- command line and output ------------------------------------------------------------------
def parser(doc: str, *, fidelity: float | None = None, **counts: int) -> argparse.ArgumentParser:
    """``[CONFIG] [--fidelity F] [--<count> N ...] [--seed S]``; ``counts`` are integer
    options with their defaults (``runs=1000``), ``fidelity`` the default link fidelity."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    if fidelity is None:
        p.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes)")
    else:
        p.add_argument("config", nargs="?", help="network YAML (default: perfect two nodes "
                       "with a depolarising link)")
        p.add_argument("--fidelity", type=float, default=None,
                       help=f"use a depolarising link of this fidelity (default {fidelity} "
                       "without CONFIG)")
    for name, default in counts.items():
        p.add_argument(f"--{name}", type=int, default=default)
    p.add_argument("--seed", type=int, default=1)
    return p


def print_trace(trace: Trace) -> None:
    """One line per entry: simulated time in us, node, text."""
    for time, node, text in trace:
        print(f"{time / 1000:10.3f} us  {node:<6} {text}")


def report(outcome: dict[str, Any], result: str) -> dict[str, Any]:
    """Print ``outcome["trace"]`` and the ``result:`` line; ``outcome``."""
    print_trace(outcome["trace"])
    print(f"result: {result}")
    return outcome
