"""Builders return valid networks with the right links."""

from __future__ import annotations

import pytest

from netqsim.config import (
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
    StackNetworkConfig,
    chain,
    complete_graph,
    star,
    two_nodes,
)


def _pairs(entries: list) -> set[frozenset[str]]:
    return {frozenset((e.stack1, e.stack2)) for e in entries}


def _roundtrip(net: StackNetworkConfig) -> None:
    assert StackNetworkConfig.from_dict(net.to_dict()) == net
    assert net.check() == []


def test_two_nodes_defaults() -> None:
    net = two_nodes()
    assert net.stack_names == ["Alice", "Bob"]
    assert net.stacks[0].qdevice_cfg == GenericQDeviceConfig.perfect_config()
    [link] = net.links
    assert link.typ == "perfect" and link.cfg == PerfectLinkConfig()
    assert net.clinks is None and len(net.effective_clinks()) == 1
    _roundtrip(net)


def test_two_nodes_with_configs() -> None:
    link = DepolariseLinkConfig(fidelity=0.9, prob_success=0.2, t_cycle=100)
    net = two_nodes(
        ("A", "B"), qdevice=NVQDeviceConfig(), link=link, clink=DefaultCLinkConfig(delay=10)
    )
    assert [s.qdevice_typ for s in net.stacks] == ["nv", "nv"]
    assert net.links[0].typ == "depolarise" and net.links[0].cfg == link
    assert net.links[0].cfg is not link  # copied
    assert net.clink_between("A", "B").delay_ns() == 10
    net.stacks[0].qdevice_cfg.measure = 1
    assert net.stacks[1].qdevice_cfg.measure == 3700  # stacks do not share objects
    _roundtrip(net)
    with pytest.raises(ValueError, match="exactly two"):
        two_nodes(("A",))


def test_complete_graph() -> None:
    net = complete_graph(["A", "B", "C", "D"], clink=DefaultCLinkConfig(length=1))
    assert len(net.links) == 6 and len(net.clinks or []) == 6
    assert _pairs(net.links) == _pairs(net.clinks or [])
    _roundtrip(net)


def test_chain() -> None:
    names = ["A", "R1", "R2", "B"]
    lengths = [DepolariseLinkConfig(fidelity=0.9, prob_success=1, length=km) for km in (1, 2, 3)]
    net = chain(names, link=lengths, clink=DefaultCLinkConfig(delay=5))
    assert _pairs(net.links) == {frozenset(p) for p in [("A", "R1"), ("R1", "R2"), ("R2", "B")]}
    assert [link.cfg.length for link in net.links] == [1, 2, 3]
    assert len(net.clinks or []) == 6  # classical links between every pair by default
    only_links = chain(names, clink=DefaultCLinkConfig(delay=5), clink_topology="links")
    assert _pairs(only_links.clinks or []) == _pairs(only_links.links)
    _roundtrip(net)
    with pytest.raises(ValueError, match="expected 3 link configs"):
        chain(names, link=lengths[:2])


def test_star() -> None:
    devices = {"Hub": GenericQDeviceConfig(num_qubits=6)}
    net = star("Hub", ["A", "B", "C"], qdevice=devices)
    assert _pairs(net.links) == {frozenset(("Hub", x)) for x in "ABC"}
    assert net.stack("Hub").qdevice_cfg.num_qubits == 6
    assert net.stack("A").qdevice_cfg == GenericQDeviceConfig.perfect_config()
    _roundtrip(net)
