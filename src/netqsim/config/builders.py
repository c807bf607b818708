"""Builders for common network shapes: two nodes, complete graph, chain, star, grid,
random graph.

Each takes the device, link and classical-link configs as arguments and returns
a validated :class:`~netqsim.config.network.StackNetworkConfig`. Every stack and
link gets its own copy of the given config objects, so editing one entry later
does not change the others.

Defaults follow SquidASM's ``squidasm/util/util.py``
(``create_two_node_network`` / ``create_complete_graph_network``): a perfect
generic device (``GenericQDeviceConfig.perfect_config()``) and, here, a perfect
link. Without ``clink`` the result has no ``clinks`` entry, which means an
instant classical link between every pair of stacks.

Builders that take a node count (``chain(1000)``, :func:`grid`,
:func:`random_graph`) name the nodes ``node_0``, ``node_1``, ... (grid:
``node_<row>_<col>``); their cost is linear in the number of nodes and links.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np

from .clinks import CLinkCfg
from .links import LinkCfg, PerfectLinkConfig
from .network import CLinkConfig, LinkConfig, StackConfig, StackNetworkConfig
from .qdevice import GenericQDeviceConfig, QDeviceConfig

QDeviceArg = QDeviceConfig | Mapping[str, QDeviceConfig] | None
LinkArg = LinkCfg | Sequence[LinkCfg] | None


def _stacks(names: Sequence[str], qdevice: QDeviceArg) -> list[StackConfig]:
    stacks = []
    for name in names:
        if isinstance(qdevice, Mapping):
            cfg = qdevice.get(name) or GenericQDeviceConfig.perfect_config()
        else:
            cfg = qdevice if qdevice is not None else GenericQDeviceConfig.perfect_config()
        stacks.append(
            StackConfig(name=name, qdevice_typ=cfg.TYP, qdevice_cfg=cfg.model_copy(deep=True))
        )
    return stacks


def _link_cfgs(link: LinkArg, count: int) -> list[LinkCfg]:
    if link is None:
        return [PerfectLinkConfig() for _ in range(count)]
    if isinstance(link, LinkCfg):
        return [link.model_copy(deep=True) for _ in range(count)]
    cfgs = list(link)
    if len(cfgs) != count:
        raise ValueError(f"expected {count} link configs (one per link), got {len(cfgs)}")
    return [c.model_copy(deep=True) for c in cfgs]


def _build(
    names: Sequence[str],
    edges: Sequence[tuple[str, str]],
    qdevice: QDeviceArg,
    link: LinkArg,
    clink: CLinkCfg | None,
    clink_topology: Literal["all", "links"],
) -> StackNetworkConfig:
    if clink_topology not in ("all", "links"):
        raise ValueError(f"clink_topology must be 'all' or 'links', not {clink_topology!r}")
    links = [
        LinkConfig(stack1=a, stack2=b, typ=cfg.TYP, cfg=cfg)
        for (a, b), cfg in zip(edges, _link_cfgs(link, len(edges)), strict=True)
    ]
    clinks = None
    if clink is not None:
        pairs = edges if clink_topology == "links" else list(itertools.combinations(names, 2))
        clinks = [
            CLinkConfig(stack1=a, stack2=b, typ=clink.TYP, cfg=clink.model_copy(deep=True))
            for a, b in pairs
        ]
    return StackNetworkConfig(stacks=_stacks(names, qdevice), links=links, clinks=clinks)


def two_nodes(
    names: Sequence[str] = ("Alice", "Bob"),
    qdevice: QDeviceArg = None,
    link: LinkCfg | None = None,
    clink: CLinkCfg | None = None,
) -> StackNetworkConfig:
    """Two stacks joined by one link (and one classical link if ``clink`` is given).

    ``qdevice`` is one device config for both stacks or a mapping name -> config
    (default: perfect generic device); ``link`` the link cfg (default: perfect).
    """
    if len(names) != 2:
        raise ValueError(f"two_nodes needs exactly two names, got {list(names)}")
    a, b = names
    return _build(list(names), [(a, b)], qdevice, link, clink, "all")


def complete_graph(
    names: Sequence[str],
    qdevice: QDeviceArg = None,
    link: LinkCfg | None = None,
    clink: CLinkCfg | None = None,
) -> StackNetworkConfig:
    """Every pair of stacks joined by a link (and a classical link if ``clink`` is given)."""
    names = list(names)
    return _build(names, list(itertools.combinations(names, 2)), qdevice, link, clink, "all")


def _node_names(names: Sequence[str] | int, what: str) -> list[str]:
    """``names`` as a list, or ``node_0 .. node_<n-1>`` for an int ``n``."""
    if isinstance(names, bool):
        raise TypeError(f"{what}: names must be a node count or a list of names, got {names!r}")
    if isinstance(names, (int, np.integer)):
        if names < 1:
            raise ValueError(f"{what}: need at least one node, got {names}")
        return [f"node_{i}" for i in range(int(names))]
    return list(names)


def chain(
    names: Sequence[str] | int,
    qdevice: QDeviceArg = None,
    link: LinkArg = None,
    clink: CLinkCfg | None = None,
    clink_topology: Literal["all", "links"] = "all",
) -> StackNetworkConfig:
    """Stacks in a line, each linked to the next.

    ``names`` is a list of names or a node count ``n`` (nodes ``node_0 .. node_<n-1>``).
    ``link`` is one cfg for every link or a sequence of ``len(names) - 1`` cfgs
    (first for ``names[0]-names[1]``). ``clink`` goes between every pair of
    stacks (``clink_topology="all"``) or only along the links (``"links"``).
    """
    names = _node_names(names, "chain")
    edges = list(itertools.pairwise(names))
    return _build(names, edges, qdevice, link, clink, clink_topology)


def star(
    center: str,
    leaves: Sequence[str],
    qdevice: QDeviceArg = None,
    link: LinkArg = None,
    clink: CLinkCfg | None = None,
    clink_topology: Literal["all", "links"] = "all",
) -> StackNetworkConfig:
    """``center`` linked to each of ``leaves`` (no leaf-leaf links).

    ``link`` is one cfg for every link or one per leaf, in order; ``clink`` as in
    :func:`chain`.
    """
    names = [center, *leaves]
    edges = [(center, leaf) for leaf in leaves]
    return _build(names, edges, qdevice, link, clink, clink_topology)


def grid(
    rows: int,
    cols: int,
    qdevice: QDeviceArg = None,
    link: LinkArg = None,
    clink: CLinkCfg | None = None,
    clink_topology: Literal["all", "links"] = "links",
) -> StackNetworkConfig:
    """A ``rows x cols`` grid: ``node_<r>_<c>`` linked to its right and lower neighbours.

    Links are listed row by row, each node's right link before its lower one
    (the order of a sequence of ``link`` cfgs). ``clink`` goes along the links
    by default (``clink_topology="links"``); ``"all"`` links every pair.
    """
    for what, value in (("rows", rows), ("cols", cols)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"grid: {what} must be an integer >= 1, got {value!r}")
    names = [f"node_{r}_{c}" for r in range(rows) for c in range(cols)]
    edges = []
    for r in range(rows):
        for c in range(cols):
            here = f"node_{r}_{c}"
            if c + 1 < cols:
                edges.append((here, f"node_{r}_{c + 1}"))
            if r + 1 < rows:
                edges.append((here, f"node_{r + 1}_{c}"))
    return _build(names, edges, qdevice, link, clink, clink_topology)


def random_edges(
    n: int, p: float | None = None, degree: float | None = None, seed: int = 0
) -> list[tuple[int, int]]:
    """Edges ``(i, j)``, ``i < j``, of a connected random graph on nodes ``0 .. n-1``.

    Each pair is linked with probability ``p`` (or ``degree / (n - 1)``: mean
    degree ``degree``), independently (Erdos-Renyi). If that leaves several
    components, each component after the first (ordered by smallest node) is
    joined to a random node of those before it by one edge from a random node
    of its own. The same ``seed`` gives the same edges, sorted.
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"random_graph: n must be an integer >= 1, got {n!r}")
    if (p is None) == (degree is None):
        raise ValueError("random_graph: give exactly one of p (link probability) or degree")
    if degree is not None:
        if not 0 <= degree <= max(n - 1, 0):
            raise ValueError(
                f"random_graph: degree must be in [0, n - 1 = {n - 1}], got {degree!r}"
            )
        p = degree / (n - 1) if n > 1 else 0.0
    assert p is not None
    if not 0 <= p <= 1:
        raise ValueError(f"random_graph: p must be a probability in [0, 1], got {p!r}")
    rng = np.random.default_rng(seed)
    edges: list[tuple[int, int]] = []
    # Per node i, how many of the n-1-i later nodes it links to, then which ones:
    # O(n + edges) draws instead of one per pair.
    counts = rng.binomial(np.arange(n - 1, -1, -1), p)
    for i, k in enumerate(counts):
        if k:
            later = rng.choice(n - 1 - i, size=int(k), replace=False)
            edges.extend((i, i + 1 + int(j)) for j in sorted(later))
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    members: dict[int, list[int]] = {}
    for i in range(n):
        members.setdefault(root(i), []).append(i)
    components = sorted(members.values(), key=lambda m: m[0])
    joined = list(components[0])
    for comp in components[1:]:
        a = int(joined[int(rng.integers(len(joined)))])
        b = int(comp[int(rng.integers(len(comp)))])
        edges.append((min(a, b), max(a, b)))
        joined.extend(comp)
    return sorted(edges)


def random_graph(
    n: int,
    p: float | None = None,
    degree: float | None = None,
    seed: int = 0,
    qdevice: QDeviceArg = None,
    link: LinkArg = None,
    clink: CLinkCfg | None = None,
    clink_topology: Literal["all", "links"] = "links",
) -> StackNetworkConfig:
    """A connected random network of ``n`` stacks ``node_0 ..`` (see :func:`random_edges`).

    Give the link probability ``p`` or the mean ``degree``; ``seed`` makes it
    reproducible. Links are listed in :func:`random_edges` order.
    """
    names = [f"node_{i}" for i in range(n)] if isinstance(n, (int, np.integer)) else []
    edges = [(names[a], names[b]) for a, b in random_edges(n, p, degree, seed)]
    return _build(names, edges, qdevice, link, clink, clink_topology)
