"""Builders for common network shapes: two nodes, complete graph, chain, star.

Each takes the device, link and classical-link configs as arguments and returns
a validated :class:`~netqsim.config.network.StackNetworkConfig`. Every stack and
link gets its own copy of the given config objects, so editing one entry later
does not change the others.

Defaults follow SquidASM's ``squidasm/util/util.py``
(``create_two_node_network`` / ``create_complete_graph_network``): a perfect
generic device (``GenericQDeviceConfig.perfect_config()``) and, here, a perfect
link. Without ``clink`` the result has no ``clinks`` entry, which means an
instant classical link between every pair of stacks.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Literal

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


def chain(
    names: Sequence[str],
    qdevice: QDeviceArg = None,
    link: LinkArg = None,
    clink: CLinkCfg | None = None,
    clink_topology: Literal["all", "links"] = "all",
) -> StackNetworkConfig:
    """Stacks in a line, each linked to the next.

    ``link`` is one cfg for every link or a sequence of ``len(names) - 1`` cfgs
    (first for ``names[0]-names[1]``). ``clink`` goes between every pair of
    stacks (``clink_topology="all"``) or only along the links (``"links"``).
    """
    names = list(names)
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
