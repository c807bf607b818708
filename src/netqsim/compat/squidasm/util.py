"""``squidasm.util`` (and ``squidasm.util.util``): state inspection and network builders.

``get_qubit_state`` and ``get_reference_state`` are netqsim's. The two builders
take SquidASM's arguments and build the same network with netqsim's config
builders. Their devices are netsquid-netbuilder's perfect generic device (every
duration 0, no memory noise, 100 qubits; see
:class:`netqsim.compat.squidasm.netbuilder.GenericQDeviceConfig`), as in the
SquidASM versions built on netbuilder: ``create_two_node_network`` makes them with gates that
depolarise with ``qdevice_noise``, a depolarise link of fidelity
``1 - 3/4 link_noise`` that succeeds every ``link_delay`` ns, and a classical
link with ``clink_delay``; ``create_complete_graph_network`` links every pair
of nodes with the given link and classical-link configs.
netsquid-netbuilder's ``util.network_generation`` offers the first under the
name ``create_simple_network`` (same arguments), the second unchanged.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from netqsim.compat.squidasm.netbuilder import GenericQDeviceConfig
from netqsim.config import (
    CLinkConfig,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    LinkConfig,
    StackConfig,
    StackNetworkConfig,
    two_nodes,
)
from netqsim.config.clinks import CLinkCfg
from netqsim.config.links import LinkCfg
from netqsim.config.qdevice import QDeviceConfig
from netqsim.util import get_qubit_state, get_reference_state

__all__ = [
    "create_complete_graph_network",
    "create_simple_network",
    "create_two_node_network",
    "get_qubit_state",
    "get_reference_state",
]


def create_two_node_network(
    node_names: Sequence[str] | None = None,
    link_noise: float = 0,
    qdevice_noise: float = 0,
    clink_delay: float = 0.0,
    link_delay: float = 0.0,
) -> StackNetworkConfig:
    """Two nodes with SquidASM's simple noise knobs (all numbers as SquidASM takes them).

    ``link_noise`` in [0, 1] is the depolarising probability of each pair
    (fidelity ``1 - 3/4 link_noise``), ``qdevice_noise`` the depolarising
    probability of every gate, ``clink_delay`` and ``link_delay`` in ns.
    """
    names = ["Alice", "Bob"] if node_names is None else list(node_names)
    qdevice = GenericQDeviceConfig.perfect_config(
        single_qubit_gate_depolar_prob=qdevice_noise, two_qubit_gate_depolar_prob=qdevice_noise
    )
    link = DepolariseLinkConfig(fidelity=1 - link_noise * 3 / 4, t_cycle=link_delay,
                                prob_success=1)
    return two_nodes(names, qdevice=qdevice, link=link, clink=DefaultCLinkConfig(delay=clink_delay))


def create_complete_graph_network(
    node_names: Sequence[str],
    link_typ: str,
    link_cfg: LinkCfg | None,
    clink_typ: str = "instant",
    clink_cfg: CLinkCfg | None = None,
    qdevice_typ: str = "generic",
    qdevice_cfg: QDeviceConfig | None = None,
) -> StackNetworkConfig:
    """Every pair of ``node_names`` joined by a ``link_typ`` link and a ``clink_typ`` clink.

    Without ``qdevice_cfg`` each node gets netbuilder's perfect generic device.
    """
    names = list(node_names)
    if not names:
        raise ValueError("create_complete_graph_network needs at least one node name")
    device = GenericQDeviceConfig.perfect_config() if qdevice_cfg is None else qdevice_cfg
    stacks = [StackConfig(name=n, qdevice_typ=qdevice_typ, qdevice_cfg=device) for n in names]
    pairs = list(itertools.combinations(names, 2))
    # SquidASM passes cfg=None for the types that need no parameters (perfect,
    # instant); netqsim's entries take that as an omitted cfg.
    link_kw: dict[str, Any] = {} if link_cfg is None else {"cfg": link_cfg}
    clink_kw = {} if clink_cfg is None else {"cfg": clink_cfg}
    links = [LinkConfig(stack1=a, stack2=b, typ=link_typ, **link_kw) for a, b in pairs]
    clinks = [CLinkConfig(stack1=a, stack2=b, typ=clink_typ, **clink_kw) for a, b in pairs]
    return StackNetworkConfig(stacks=stacks, links=links, clinks=clinks)


#: netsquid-netbuilder's name for :func:`create_two_node_network`.
create_simple_network = create_two_node_network
