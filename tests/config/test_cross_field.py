"""Rules that involve several fields are checked at construction, by validate() and at build.

Assignments are checked field by field only, so related fields can be set in
any order (SquidASM scripts do ``cfg.T1 = ...; cfg.T2 = ...``); an object left
inconsistent is refused by ``validate()`` and when a network is built, with the
field path of every problem.
"""

from __future__ import annotations

import pytest

from netqsim import Network, Simulator
from netqsim.config import (
    ConfigError,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    NVQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
    two_nodes,
)

T2_TOO_LONG = "T2: must be <= 2*T1 = 80 ns when both are non-zero (got 1e+09)"


@pytest.mark.parametrize("order", [("T1", "T2"), ("T2", "T1")])
def test_t1_and_t2_can_be_assigned_in_either_order(order: tuple[str, str]) -> None:
    q = GenericQDeviceConfig.perfect_config()
    for name in order:
        setattr(q, name, 40)
    assert (q.T1, q.T2) == (40, 40)
    q.validate()
    assert q.check() == []


def test_t2_then_t1_as_in_the_issue() -> None:
    cfg = GenericQDeviceConfig(T1=50, T2=100)
    cfg.T2 = 300  # > 2*T1 for a moment
    cfg.T1 = 200
    cfg.validate()
    assert (cfg.T1, cfg.T2) == (200, 300)


def test_an_inconsistent_device_is_reported_by_validate_and_check() -> None:
    q = GenericQDeviceConfig.perfect_config()
    q.T1 = 40  # T2 keeps its default 1e9
    with pytest.raises(ConfigError) as info:
        q.validate()
    assert info.value.problems == [T2_TOO_LONG + "; larger values are unphysical"]
    assert q.check() == info.value.problems


def test_nv_coherence_times_are_checked_per_qubit_kind() -> None:
    nv = NVQDeviceConfig()
    nv.carbon_T1 = 10
    nv.electron_T2 = 5e9  # electron_T1 is 1e9
    assert [p.split(":")[0] for p in nv.check()] == ["electron_T2", "carbon_T2"]


def test_building_a_network_names_the_field_path() -> None:
    q = GenericQDeviceConfig.perfect_config()
    net = two_nodes(qdevice=q)
    net.stacks[1].qdevice_cfg.T1 = 40
    with pytest.raises(ConfigError) as info:
        Network(net, Simulator(seed=1))
    assert info.value.problems == [
        f"stacks[1] (Bob).qdevice_cfg.{T2_TOO_LONG}; larger values are unphysical"
    ]
    net.stacks[1].qdevice_cfg.T2 = 80
    Network(net, Simulator(seed=1))  # consistent again: builds


def test_link_and_clink_alternatives_can_be_switched_by_assignment() -> None:
    link = DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=10)
    link.length = 2.0  # both given for a moment
    assert link.check() == ["<root>: give t_cycle or length, not both"]
    link.t_cycle = None
    link.validate()
    assert link.cycle_time_ns() == 10_000.0
    clink = DefaultCLinkConfig(delay=5)
    clink.delay = None
    with pytest.raises(ConfigError, match=r"delay: give delay \(ns\) or length \(km\)"):
        clink.validate()
    clink.length = 1.0
    assert clink.delay_ns() == 5000.0


def test_device_type_and_cfg_can_be_switched_in_either_order() -> None:
    stack = StackConfig.perfect_generic_config("Alice")
    stack.qdevice_typ = "nv"
    assert stack.check() == [
        "qdevice_cfg: is a GenericQDeviceConfig, but qdevice_typ 'nv' needs a NVQDeviceConfig"
    ]
    stack.qdevice_cfg = NVQDeviceConfig.perfect_config()
    stack.validate()


def test_single_field_rules_still_apply_on_assignment() -> None:
    q = GenericQDeviceConfig.perfect_config()
    with pytest.raises(ConfigError, match=r"T1: must be >= 0 ns \(got -1"):
        q.T1 = -1
    assert q.T1 == 10_000_000_000


def test_construction_still_checks_cross_field_rules() -> None:
    with pytest.raises(ConfigError, match=r"T2: must be <= 2\*T1 = 20 ns"):
        GenericQDeviceConfig(T1=10, T2=100)


def test_an_edited_object_is_checked_when_passed_to_a_constructor() -> None:
    q = GenericQDeviceConfig.perfect_config()
    q.T1 = 40
    with pytest.raises(ConfigError) as info:
        StackConfig(name="A", qdevice_typ="generic", qdevice_cfg=q)
    assert info.value.problems == [f"qdevice_cfg.{T2_TOO_LONG}; larger values are unphysical"]
    net = two_nodes()
    net.stacks[0].qdevice_cfg.T1 = 40
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig(stacks=net.stacks, links=net.links)
    assert info.value.problems == [
        f"stacks[0] (Alice).qdevice_cfg.{T2_TOO_LONG}; larger values are unphysical"
    ]
