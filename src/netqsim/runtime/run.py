"""``netqsim.run``: run programs on a configured network, many times, with a seed."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from typing import Any

import numpy as np
from netqasm.backend.messages import Signal, SignalMessage

from netqsim.config import StackNetworkConfig
from netqsim.host.program import Program
from netqsim.host.statemachine import StateMachineError
from netqsim.kernel import DeadlockError, ProcessError, Simulator
from netqsim.network.layer_report import NetworkSummary
from netqsim.qnodeos.errors import InstructionError
from netqsim.runtime.network import Network

ProgramsArg = Mapping[str, Program | Sequence[Program]]
MODES = ("shared", "fresh")
ON_STALL = ("raise", "return")

# Errors the documentation promises from run() itself, not wrapped in the
# kernel's ProcessError (which says which process failed when).
_DOCUMENTED_ERRORS = (InstructionError, StateMachineError)


class ControllerStopError(RuntimeError):
    """A node controller did not accept the STOP signal that ends a run."""


class RunResults(list):  # type: ignore[type-arg]
    """Results of :func:`run`: one list per node, in config order (SquidASM's shape).

    Each node's list holds one dict per iteration (a node without a program
    has an empty list; a node running several programs has, per iteration, a
    dict of result dicts keyed by program name). ``results["Alice"]`` gives a
    node's list by name. ``end_times`` holds the simulated time (ns) at which
    each simulation ended, and ``seed`` the seed that reproduces the run.
    ``network`` is the network layer's summary: pairs generated, swapped,
    discarded and delivered per node, and a report per pair delivered over a
    path (added up over the simulations of ``mode="fresh"``). ``stalls`` lists
    the :class:`~netqsim.kernel.DeadlockError` of each simulation that stalled
    (only with ``on_stall="return"``; empty otherwise).
    """

    def __init__(
        self, names: Sequence[str], per_node: Sequence[list[Any]], seed: int,
        end_times: list[float], network: NetworkSummary | None = None,
        stalls: Sequence[DeadlockError] = (),
    ) -> None:
        super().__init__(per_node)
        self.node_names = list(names)
        self.seed = seed
        self.end_times = end_times
        self.network = network if network is not None else NetworkSummary()
        self.stalls = list(stalls)

    def __getitem__(self, key: Any) -> Any:  # type: ignore[override]
        if isinstance(key, str):
            try:
                return list.__getitem__(self, self.node_names.index(key))
            except ValueError:
                raise KeyError(
                    f"no node called {key!r} (nodes: {', '.join(self.node_names)})"
                ) from None
        return list.__getitem__(self, key)

    def by_node(self) -> dict[str, list[Any]]:
        """The results as a dict from node name to its list of iteration results."""
        return dict(zip(self.node_names, self, strict=True))


def _normalise_programs(
    config: StackNetworkConfig, programs: ProgramsArg
) -> dict[str, list[Program]]:
    names = config.stack_names
    result: dict[str, list[Program]] = {}
    for node, value in programs.items():
        if node not in names:
            raise ValueError(
                f"programs given for {node!r}, which is not a node of the network "
                f"(nodes: {', '.join(names)})"
            )
        group = [value] if isinstance(value, Program) else list(value)
        for program in group:
            if not isinstance(program, Program):
                raise TypeError(
                    f"programs[{node!r}] must be a netqsim Program (or a list of them), "
                    f"got {program!r}"
                )
        program_names = [p.meta.name for p in group]
        if len(set(program_names)) != len(program_names):
            raise ValueError(f"programs on node {node!r} need distinct meta.name values")
        result[node] = group
    return result


def _simulate(
    config: StackNetworkConfig, programs: dict[str, list[Program]], iterations: int,
    seed: int, formalism: str, on_stall: str = "raise",
) -> tuple[dict[str, list[list[Any]]], float, NetworkSummary, DeadlockError | None]:
    sim = Simulator(seed=seed)
    network = Network(config, sim, formalism=formalism, programs=programs)
    collected: dict[str, list[list[Any]]] = {}
    for node, group in programs.items():
        host = network.node(node).host
        collected[node] = []
        for program in group:
            results: list[Any] = []
            collected[node].append(results)
            sim.process(
                host.run_program(program, iterations, results),
                name=f"{node}/{program.meta.name}",
            )
    failure: BaseException | None = None
    try:
        sim.run()
    except ProcessError as error:
        failure = _documented(error)
    except DeadlockError as stall:
        if on_stall == "raise":
            raise
        # Abandoned as SquidASM abandons it: the programs that still wait keep
        # the iterations they finished, and no controller is stopped (an
        # application mid-subroutine would not let it stop).
        return collected, sim.now, network.network_layer.summary, stall
    if failure is not None:
        raise failure  # outside the handler: the error keeps its own __cause__
    end = sim.now
    sim.run(until=sim.process(_stop_controllers(network), name="netqsim.run/STOP"))
    return collected, end, network.network_layer.summary, None


def _documented(error: ProcessError) -> BaseException:
    """The error a program raised if it is one run() documents, else ``error`` itself.

    The failed process and the time stay visible: as attributes
    ``process_name`` and ``process_time`` and, on Python 3.11+, as a note.
    """
    cause = error.exception
    if not isinstance(cause, _DOCUMENTED_ERRORS):
        return error
    name = getattr(error.process, "name", str(error.process))
    cause.process_name = name  # type: ignore[union-attr]
    cause.process_time = error.time  # type: ignore[union-attr]
    add_note = getattr(cause, "add_note", None)
    if add_note is not None:
        add_note(f"raised in process {name!r} at t={error.time:g} ns")
    return cause


def _stop_controllers(network: Network) -> Generator[Any, Any, None]:
    """Send ``SignalMessage(STOP)`` to every node's controller and check the replies.

    As netqasm's connections do when they close with ``stop_backend``: a run
    ends with every controller stopped.
    """
    replies = [
        (name, node.host.endpoint.send(SignalMessage(Signal.STOP), what="STOP signal"))
        for name, node in network.nodes.items()
    ]
    for name, reply in replies:
        try:
            yield reply
        except InstructionError as error:
            raise ControllerStopError(
                f"the controller of node {name!r} refused the STOP signal that ends the "
                f"run: {error}"
            ) from error


def run(
    config: StackNetworkConfig,
    programs: ProgramsArg,
    num_times: int = 1,
    seed: int | None = None,
    *,
    mode: str = "shared",
    formalism: str = "dm",
    on_stall: str = "raise",
) -> RunResults:
    """Run ``programs`` (node name -> Program) ``num_times`` times on ``config``.

    ``mode="shared"`` (the default, as in SquidASM) runs all iterations in one
    simulation: simulated time goes on from one iteration to the next, qubit
    memories keep decohering, and each node starts its next iteration as soon
    as its own program finished (nodes synchronise only through their
    messages and entanglement). ``mode="fresh"`` builds a new network for
    each iteration, with its own seed derived from ``seed``, so iterations are
    independent.

    A simulation that runs out of events while programs still wait raises
    :class:`~netqsim.kernel.DeadlockError` (naming who waits on what). With
    ``on_stall="return"`` it ends there instead, as SquidASM's run does: each
    node's list holds the iterations its programs finished, up to the first
    unfinished one, and ``results.stalls`` holds the error.

    The same seed gives the same results, in any process.
    """
    if not isinstance(num_times, int) or num_times < 1:
        raise ValueError(f"num_times must be a positive integer, got {num_times!r}")
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}; got {mode!r}")
    if on_stall not in ON_STALL:
        raise ValueError(f"on_stall must be one of {', '.join(ON_STALL)}; got {on_stall!r}")
    if seed is None:
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    groups = _normalise_programs(config, programs)
    if mode == "shared":
        runs = [_simulate(config, groups, num_times, seed, formalism, on_stall)]
    else:
        children = np.random.SeedSequence(seed).generate_state(num_times, dtype=np.uint64)
        runs = [_simulate(config, groups, 1, int(child), formalism, on_stall)
                for child in children]
    per_node: list[list[Any]] = []
    for node in config.stack_names:
        iterations: list[Any] = []
        group = groups.get(node, [])
        for i in range(num_times):
            if not group:
                break
            run_index, iteration = (0, i) if mode == "shared" else (i, 0)
            lists = runs[run_index][0][node]
            if any(len(results) <= iteration for results in lists):
                break  # a stalled simulation: this iteration did not finish
            if len(group) == 1:
                iterations.append(lists[0][iteration])
            else:
                iterations.append(
                    {p.meta.name: lists[k][iteration] for k, p in enumerate(group)}
                )
        per_node.append(iterations)
    return RunResults(
        config.stack_names, per_node, seed, [end for _, end, _, _ in runs],
        NetworkSummary.merged(summary for _, _, summary, _ in runs),
        [stall for _, _, _, stall in runs if stall is not None],
    )
