"""Python-side use: cfg objects in LinkConfig, in-place edits, registries."""

from __future__ import annotations

import pytest

from netqsim.config import (
    QDEVICE_TYPES,
    CLinkConfig,
    ConfigError,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    InstantCLinkConfig,
    LinkConfig,
    PerfectLinkConfig,
    QDeviceConfig,
    StackConfig,
    StackNetworkConfig,
    register_qdevice_type,
)


def test_link_config_accepts_cfg_object() -> None:
    cfg = DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=10)
    link = LinkConfig(stack1="Alice", stack2="Bob", typ="depolarise", cfg=cfg)
    assert link.cfg is cfg
    assert link.to_dict()["cfg"] == {
        "fidelity": 0.9,
        "prob_success": 0.5,
        "t_cycle": 10.0,
        "speed_of_light": 200000.0,
        "random_bell_state": False,
    }
    same = LinkConfig(stack1="Alice", stack2="Bob", typ="depolarise", cfg=cfg.to_dict())
    assert same == link


def test_link_typ_inferred_from_cfg_object() -> None:
    link = LinkConfig(stack1="A", stack2="B", cfg=HeraldedLinkConfig(length=1))
    assert link.typ == "heralded"


def test_cfg_object_must_match_typ() -> None:
    with pytest.raises(ConfigError) as info:
        LinkConfig(
            stack1="A",
            stack2="B",
            typ="perfect",
            cfg=DepolariseLinkConfig(fidelity=1, prob_success=1, t_cycle=1),
        )
    assert info.value.problems == [
        "cfg: is a DepolariseLinkConfig, but typ 'perfect' needs a PerfectLinkConfig"
    ]


def test_perfect_and_instant_cfg_may_be_omitted() -> None:
    assert LinkConfig.perfect_config("A", "B").cfg == PerfectLinkConfig()
    clink = CLinkConfig.perfect_config("A", "B")
    assert clink.typ == "instant" and clink.cfg == InstantCLinkConfig() and clink.delay_ns() == 0


def test_network_from_objects_like_squidasm() -> None:
    net = StackNetworkConfig(
        stacks=[StackConfig.perfect_generic_config("A"), StackConfig.perfect_generic_config("B")],
        links=[LinkConfig.perfect_config("A", "B")],
        clinks=[
            CLinkConfig(stack1="A", stack2="B", typ="default", cfg=DefaultCLinkConfig(delay=100))
        ],
    )
    assert net.clink_between("B", "A").delay_ns() == 100
    assert net.link_between("A", "C") is None


def test_assignment_is_validated() -> None:
    dev = GenericQDeviceConfig()
    dev.T1 = 2e9
    assert dev.T1 == 2e9
    with pytest.raises(ConfigError, match="T1: must be >= 0 ns"):
        dev.T1 = -1
    assert dev.T1 == 2e9  # rolled back (cross-field rules: tests/config/test_cross_field.py)


def test_assigning_cfg_dict_converts() -> None:
    link = LinkConfig(
        stack1="A",
        stack2="B",
        typ="depolarise",
        cfg={"fidelity": 0.8, "prob_success": 1, "t_cycle": 5},
    )
    link.cfg = {"fidelity": 0.95, "prob_success": 0.1, "length": 1}
    assert isinstance(link.cfg, DepolariseLinkConfig) and link.cfg.fidelity == 0.95
    with pytest.raises(ConfigError, match=r"cfg\.fidelity: must be in"):
        link.cfg = {"fidelity": 0, "prob_success": 1, "t_cycle": 1}


def test_assigning_entries_to_network_validates() -> None:
    net = StackNetworkConfig(
        stacks=[{"name": "A", "qdevice_typ": "generic"}, {"name": "B", "qdevice_typ": "generic"}]
    )
    net.links = [{"stack1": "A", "stack2": "B", "typ": "perfect"}]
    assert isinstance(net.links[0], LinkConfig)
    with pytest.raises(ConfigError, match=r"links\[0\] \(A-B\).cfg.fidelity: must be in"):
        net.links = [{"stack1": "A", "stack2": "B", "typ": "depolarise",
                      "cfg": {"fidelity": 2, "prob_success": 1, "t_cycle": 1}}]
    # naming a stack that is not (yet) there is a cross-field rule: checked by validate()
    net.links = [{"stack1": "A", "stack2": "C", "typ": "perfect"}]
    with pytest.raises(ConfigError, match=r"links\[0\] \(A-C\).stack2: unknown stack 'C'"):
        net.validate()
    net.links = [{"stack1": "A", "stack2": "B", "typ": "perfect"}]
    net.links.append(LinkConfig.perfect_config("B", "A"))  # lists can be edited in place...
    with pytest.raises(ConfigError, match="duplicate link"):
        net.validate_all()  # ...and re-checked explicitly
    assert any("duplicate link" in p for p in net.check())


def test_registry_accepts_new_device_type() -> None:
    class IonConfig(QDeviceConfig):
        """Test-only trapped-ion device."""

        coherence_time: float = 1.0

    register_qdevice_type("test-ion", IonConfig)
    try:
        stack = StackConfig(name="A", qdevice_typ="test-ion", qdevice_cfg={"coherence_time": 2})
        assert isinstance(stack.qdevice_cfg, IonConfig)
        assert IonConfig.TYP == "test-ion"
    finally:
        del QDEVICE_TYPES["test-ion"]
