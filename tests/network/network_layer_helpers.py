"""Networks for the network-layer tests: any graph, per-link models and classical delays."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from tests.epr.programs import device

from netqsim.config import (
    CLinkConfig,
    DefaultCLinkConfig,
    LinkConfig,
    PerfectLinkConfig,
    StackConfig,
    StackNetworkConfig,
)
from netqsim.config.links import LinkCfg
from netqsim.config.network_layer import NetworkLayerConfig
from netqsim.config.qdevice import GenericQDeviceConfig


def graph(
    names: Sequence[str],
    edges: Sequence[tuple[str, str]],
    links: LinkCfg | Sequence[LinkCfg] | None = None,
    delays: Mapping[tuple[str, str], float] | None = None,
    devices: Mapping[str, GenericQDeviceConfig] | None = None,
) -> StackNetworkConfig:
    """Stacks ``names`` with a link per edge (perfect, 1000 ns, unless given).

    ``delays`` gives classical links (default typ, ``delay`` ns) between the
    listed pairs; without it every pair is instantly connected. Devices are
    noiseless and instantaneous unless ``devices`` says otherwise.
    """
    if links is None:
        links = PerfectLinkConfig(state_delay=1000)
    cfgs = [links] * len(edges) if isinstance(links, LinkCfg) else list(links)
    stacks = []
    for name in names:
        cfg = (devices or {}).get(name) or device()
        stacks.append(StackConfig(name=name, qdevice_typ="generic", qdevice_cfg=cfg))
    link_entries = [
        LinkConfig(stack1=a, stack2=b, typ=cfg.TYP, cfg=cfg.model_copy(deep=True))
        for (a, b), cfg in zip(edges, cfgs, strict=True)
    ]
    clinks = None
    if delays is not None:
        clinks = [
            CLinkConfig(stack1=a, stack2=b, typ="default", cfg=DefaultCLinkConfig(delay=d))
            for (a, b), d in delays.items()
        ]
    return StackNetworkConfig(stacks=stacks, links=link_entries, clinks=clinks)


def line(names: Sequence[str], **kwargs: Any) -> StackNetworkConfig:
    """A chain over ``names``."""
    return graph(names, list(itertools.pairwise(names)), **kwargs)


def with_layer(config: StackNetworkConfig, **settings: Any) -> StackNetworkConfig:
    """``config`` with a ``network_layer`` section (cutoff_time, swap, purification, paths)."""
    config.network_layer = NetworkLayerConfig(**settings)
    return config
