"""The ``network_layer:`` section of a network config, and the ``cost`` of a link entry.

The network layer delivers pairs between nodes that share no link: it picks a
path, generates pairs on each hop, swaps at the repeaters and delivers. This
section sets its policies (all optional)::

    network_layer:
      cutoff_time: 1.0e6        # ns; discard a stored pair older than this (null: never)
      swap: asap                # asap | doubling (nested, for chains of 2^k + 1 nodes)
      swap_when: held           # held | known (its swap outcomes arrived) | confirmed
      purification:             # null: no purification
        protocol: dejmps        # bbpssw | dejmps
        scope: hop              # hop | end_to_end
        target_fidelity: 0.95   # purify until the pair reaches this fidelity, in (0.5, 1]
      paths:                    # pinned paths; others are shortest by link cost
        - [Alice, R1, R2, Bob]

Each ``links`` entry may carry ``cost`` (a positive number, default 1), the
weight shortest-path routing adds up. Paths are checked against the stacks
and links of the network (:func:`path_problems`): every name must be a stack,
consecutive nodes must share a link, no node may repeat, and one pair of end
nodes has at most one pinned path.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from .base import ConfigError, ConfigModel, NodeName, Problem, Problems, render_loc

__all__ = [
    "DEFAULT_LINK_COST",
    "LinkCost",
    "NetworkLayerConfig",
    "PurificationConfig",
    "build_network_layer",
    "cutoff_problems",
    "path_problems",
]

#: Cost of a link entry without ``cost``: shortest paths then minimise the hop count.
DEFAULT_LINK_COST = 1.0


def _positive_finite(value: float) -> float:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"must be a finite number > 0 (got {value!r})")
    return value


def _target_fidelity(value: float) -> float:
    # Purification only raises the fidelity of pairs above 1/2; a target at or
    # below 1/2 is met by an unentangled state.
    if not 0.5 < value <= 1.0:
        raise ValueError(f"must be in (0.5, 1] (got {value!r})")
    return value


#: Weight of a link for shortest-path routing: finite and > 0.
LinkCost = Annotated[float, AfterValidator(_positive_finite)]
#: A cutoff time in ns: finite and > 0 (``null`` in the YAML means no cutoff).
CutoffTime = Annotated[float, AfterValidator(_positive_finite)]
#: The fidelity purification aims at, in (0.5, 1].
TargetFidelity = Annotated[float, AfterValidator(_target_fidelity)]


class PurificationConfig(ConfigModel):
    """Entanglement purification: which protocol, where, and until which fidelity."""

    protocol: Literal["bbpssw", "dejmps"] = Field(
        description="bbpssw (Bennett et al. 1996, twirls to Werner form) or dejmps "
        "(Deutsch et al. 1996, keeps Bell-diagonal form)."
    )
    scope: Literal["hop", "end_to_end"] = Field(
        default="hop",
        description="hop: purify each link's pairs before swapping; end_to_end: purify "
        "the delivered pairs between the two end nodes.",
    )
    target_fidelity: TargetFidelity = Field(
        description="Purify (pumping fresh pairs) until the kept pair reaches this fidelity."
    )


class NetworkLayerConfig(ConfigModel):
    """Policies of the network layer (the ``network_layer:`` key of a network config)."""

    cutoff_time: CutoffTime | None = Field(
        default=None,
        description="Discard a stored pair (at every node) once it is older than this [ns]; "
        "null: keep pairs until used.",
    )
    swap: Literal["asap", "doubling"] = Field(
        default="asap",
        description="asap: a repeater swaps as soon as it holds a pair on each side; "
        "doubling: nested swapping, for chains of 2^k + 1 nodes.",
    )
    purification: PurificationConfig | None = Field(
        default=None, description="Entanglement purification; null: none."
    )
    swap_when: Literal["held", "known", "confirmed"] = Field(
        default="held",
        description="held: a repeater swaps as soon as it holds both pairs (the layer tracks "
        "the Pauli frame); known: only once the swap outcomes that made each pair have "
        "reached it over the classical links; confirmed: known, and after a request to and "
        "an answer from the far node of each pair (which must know its pair too), as "
        "SeQUeNCe's resource managers pair a swap with its two end nodes.",
    )
    paths: list[list[NodeName]] = Field(
        default_factory=list,
        description="Pinned paths, each a list of node names from one end node to the other; "
        "other pairs of nodes use the shortest path by link cost.",
    )

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        data = super()._prepare(data, problems)
        raw = data.get("purification")
        if isinstance(raw, dict):
            try:
                data["purification"] = PurificationConfig(**{str(k): v for k, v in raw.items()})
            except ConfigError as exc:
                problems.add_nested(exc, ("purification",), ("purification",))
                data.pop("purification")
        return data

    def _coerce_assignment(self, name: str, value: Any) -> Any:
        if name == "purification" and isinstance(value, dict):
            return PurificationConfig(**{str(k): v for k, v in value.items()})
        return value

    def pinned_path(self, source: str, target: str) -> list[str] | None:
        """The pinned path from ``source`` to ``target`` (a copy, in that direction), if any."""
        for path in self.paths:
            if path[0] == source and path[-1] == target:
                return list(path)
            if path[0] == target and path[-1] == source:
                return path[::-1]
        return None


def path_problems(
    layer: NetworkLayerConfig, stacks: Collection[str], links: Iterable[frozenset[str]]
) -> list[Problem]:
    """Problems of the pinned paths of ``layer`` in a network of ``stacks`` and ``links``.

    Locations are relative to the network config (``network_layer.paths[i]...``).
    """
    linked = set(links)
    names = set(stacks)
    out: list[Problem] = []
    ends: dict[frozenset[str], int] = {}

    def add(loc: tuple[str | int, ...], message: str) -> None:
        full = ("network_layer", "paths", *loc)
        out.append(Problem(full, render_loc(full), message))

    for i, path in enumerate(layer.paths):
        if len(path) < 2:
            add((i,), f"a path needs at least two nodes (got {path!r})")
            continue
        bad = False
        for j, name in enumerate(path):
            if name not in names:
                bad = True
                add((i, j), f"unknown stack {name!r} (stacks: {', '.join(sorted(names))})")
        for j, name in enumerate(path):
            if name in path[:j]:
                bad = True
                add((i, j), f"node {name!r} appears twice in the path")
                break
        if bad:
            continue
        for j, (a, b) in enumerate(itertools.pairwise(path)):
            if frozenset((a, b)) not in linked:
                add((i, j + 1), f"no link between {a!r} and {b!r} (consecutive nodes need one)")
        pair = frozenset((path[0], path[-1]))
        if pair in ends:
            add((i,), f"a second pinned path between {path[0]!r} and {path[-1]!r} "
                      f"(also network_layer.paths[{ends[pair]}])")
        else:
            ends[pair] = i
    return out


def cutoff_problems(
    layer: NetworkLayerConfig, links: Iterable[tuple[str, str, Any]]
) -> list[Problem]:
    """Problems of the memory cutoff against the cycle times of ``links`` (stack1, stack2, cfg).

    A link that a routed path can use (one of its nodes has another link) must
    make one generation attempt within the cutoff; link types whose cycle time
    depends on the built model are checked when a path is built.
    """
    cutoff = layer.cutoff_time
    entries = list(links)
    if cutoff is None:
        return []
    degree: dict[str, int] = {}
    for a, b, _cfg in entries:
        for name in (a, b):
            degree[name] = degree.get(name, 0) + 1
    cycles = []
    for i, (a, b, cfg) in enumerate(entries):
        cycle_time = getattr(cfg, "cycle_time_ns", None)
        if callable(cycle_time) and max(degree[a], degree[b]) > 1:
            cycles.append((float(cycle_time()), i, a, b))
    longest = max((c[0] for c in cycles), default=0.0)
    loc = ("network_layer", "cutoff_time")
    return [
        Problem(loc, render_loc(loc),
                f"{cutoff:g} ns is shorter than one generation attempt on link {a}-{b} "
                f"(links[{i}]: {cycle:g} ns), which routed pairs may use; set cutoff_time >= "
                f"{longest:g} ns or null")
        for cycle, i, a, b in cycles if cutoff < cycle
    ]


def build_network_layer(raw: Any, problems: Problems) -> NetworkLayerConfig | None:
    """The ``network_layer`` value as a config object (``None`` and problems if invalid)."""
    if raw is None or isinstance(raw, NetworkLayerConfig):
        return raw
    if not isinstance(raw, dict):
        problems.add(
            ("network_layer",),
            f"must be a mapping of NetworkLayerConfig fields (got {type(raw).__name__})",
        )
        return None
    try:
        return NetworkLayerConfig(**{str(k): v for k, v in raw.items()})
    except ConfigError as exc:
        problems.add_nested(exc, ("network_layer",), ("network_layer",))
        return None
