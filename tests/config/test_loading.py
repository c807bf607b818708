"""SquidASM-format YAML files load unchanged; to_dict / to_yaml round-trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from netqsim.config import (
    ConfigError,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    NetworkConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
    StackNetworkConfig,
    validate_file,
)

FILES = [
    "generic_perfect_link.yaml",
    "nv_devices.yaml",
    "three_nodes_depolarise.yaml",
    "heralded.yaml",
    "trapped_ions_metro.yaml",
]


def test_alias() -> None:
    assert NetworkConfig is StackNetworkConfig


@pytest.mark.parametrize("name", FILES)
def test_squidasm_files_load_and_validate(data_dir: Path, name: str) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / name)
    assert cfg.stacks
    assert validate_file(data_dir / name) == []


@pytest.mark.parametrize("name", FILES)
def test_round_trip(data_dir: Path, name: str, tmp_path: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / name)
    assert StackNetworkConfig.from_dict(cfg.to_dict()) == cfg
    out = tmp_path / "out.yaml"
    text = cfg.to_yaml(out)
    assert out.read_text() == text
    assert StackNetworkConfig.from_file(out) == cfg
    assert StackNetworkConfig.from_yaml(text) == cfg


def test_generic_file(data_dir: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / "generic_perfect_link.yaml")
    assert cfg.stack_names == ["Alice", "Bob"]
    dev = cfg.stack("Alice").qdevice_cfg
    assert isinstance(dev, GenericQDeviceConfig)
    assert dev.two_qubit_gate_depolar_prob == 0.1 and dev.T1 == 1e10
    link = cfg.links[0]
    assert isinstance(link.cfg, PerfectLinkConfig) and link.cfg.state_delay_ns() == 1000
    assert cfg.clinks is None
    [clink] = cfg.effective_clinks()
    assert (clink.stack1, clink.stack2, clink.typ, clink.delay_ns()) == (
        "Alice",
        "Bob",
        "instant",
        0,
    )
    # the two stacks got separate objects even though the YAML shared an anchor
    assert cfg.stacks[0].qdevice_cfg is not cfg.stacks[1].qdevice_cfg


def test_nv_file(data_dir: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / "nv_devices.yaml")
    dev = cfg.stacks[1].qdevice_cfg
    assert isinstance(dev, NVQDeviceConfig)
    assert dev.electron_single_qubit_depolar_prob == 0.01
    assert cfg.clinks is not None and cfg.clinks[0].typ == "instant"


def test_numbers_yaml11_strings(data_dir: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / "three_nodes_depolarise.yaml")
    assert len(cfg.links) == 3
    link = cfg.link_between("Charlie", "Alice")
    assert link is not None and isinstance(link.cfg, DepolariseLinkConfig)
    assert link.cfg.t_cycle == 1e5 and link.cfg.cycle_time_ns() == 1e5
    assert cfg.stacks[0].qdevice_cfg.T1 == 0
    delays = {(c.stack1, c.stack2): c.delay_ns() for c in cfg.effective_clinks()}
    assert delays == {("Alice", "Bob"): 5e3, ("Alice", "Charlie"): 1e4, ("Bob", "Charlie"): 1e4}


def test_heralded_alias(data_dir: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / "heralded.yaml")
    link = cfg.links[0]
    assert link.typ == "heralded" and link.model_typ == "heralded-double-click"
    assert isinstance(link.cfg, HeraldedLinkConfig)
    # qdevice_cfg: {dummy: null} -> that type's defaults
    assert cfg.stacks[0].qdevice_cfg == GenericQDeviceConfig()


def test_heralded_per_side(data_dir: Path) -> None:
    cfg = StackNetworkConfig.from_file(data_dir / "trapped_ions_metro.yaml")
    link = cfg.links[0].cfg
    assert isinstance(link, HeraldedLinkConfig) and link.length is None
    a, b = link.resolved_sides()
    assert (a.length, b.length) == (0.5, 0.7)
    assert a.speed_of_light == 214_000 and a.p_loss_init == 0.889
    assert cfg.stacks[0].qdevice_cfg.T1 == 1e99
    assert cfg.clink_between("Bob", "Alice").delay_ns() == 20


def test_netqsim_extensions_round_trip() -> None:
    data = {
        "stacks": [
            {
                "name": "A",
                "qdevice_typ": "generic",
                "host_qnos_latency": 1e5,
                "instr_latency": 2e3,
            },
            {"name": "B", "qdevice_typ": "nv"},
        ],
        "links": [
            {
                "stack1": "A",
                "stack2": "B",
                "typ": "heralded-single-click",
                "cfg": {"length": 3, "alpha": 0.05},
            }
        ],
        "clinks": [{"stack1": "A", "stack2": "B", "typ": "default", "cfg": {"length": 3}}],
    }
    cfg = StackNetworkConfig.from_dict(data)
    assert cfg.stacks[0].host_qnos_latency == 1e5 and cfg.stacks[0].instr_latency == 2e3
    assert StackNetworkConfig.from_dict(cfg.to_dict()) == cfg


def test_empty_clinks_means_all_instant() -> None:
    cfg = StackNetworkConfig.from_dict(
        {
            "stacks": [{"name": n, "qdevice_typ": "generic"} for n in "ABC"],
            "links": [],
            "clinks": [],
        }
    )
    pairs = {(c.stack1, c.stack2) for c in cfg.effective_clinks()}
    assert pairs == {("A", "B"), ("A", "C"), ("B", "C")}


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing\n")
    with pytest.raises(ConfigError, match="empty"):
        StackNetworkConfig.from_file(path)


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("stacks:\n  - name: A\n   qdevice_typ: [generic\n")
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(path)
    assert "broken.yaml" in str(info.value)
    assert "invalid YAML" in str(info.value) and "(line " in str(info.value)


def test_validate_file_unreadable(tmp_path: Path) -> None:
    [problem] = validate_file(tmp_path / "missing.yaml")
    assert "missing.yaml" in problem and "cannot read" in problem
