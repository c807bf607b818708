"""Every kind of invalid config gives a ConfigError naming what and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from netqsim.config import (
    ConfigError,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
    SingleClickLinkConfig,
    StackNetworkConfig,
    validate_file,
)


def _net(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "stacks": [
            {"name": "Alice", "qdevice_typ": "generic", "qdevice_cfg": {"num_qubits": 2}},
            {"name": "Bob", "qdevice_typ": "generic"},
        ],
        "links": [{"stack1": "Alice", "stack2": "Bob", "typ": "perfect"}],
    }
    data.update(overrides)
    return data


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_dict(data)
    assert isinstance(info.value, ValueError)
    assert info.value.problems == [str(p) for p in info.value.details]
    return info.value.problems


def test_valid_base_network() -> None:
    StackNetworkConfig.from_dict(_net())


def test_unknown_key_names_key_and_closest(data_dir: Path) -> None:
    data = _net()
    data["stacks"][0]["qdevice_cfg"]["t1"] = 5
    data["stacks"][1]["qdevice_cfg"] = {"two_qbit_gate_time": 5}
    first, second = _problems(data)
    assert first == "stacks[0] (Alice).qdevice_cfg.t1: unknown key 't1'; did you mean 'T1'?"
    assert second == (
        "stacks[1] (Bob).qdevice_cfg.two_qbit_gate_time: unknown key 'two_qbit_gate_time'; "
        "did you mean 'two_qubit_gate_time'?"
    )


def test_unknown_key_without_close_match_lists_valid_keys() -> None:
    [problem] = _problems(_net(colour="blue"))
    assert "unknown key 'colour'" in problem and "valid: stacks, links, clinks" in problem


def test_renamed_keys_suggest_new_name() -> None:
    data = _net(
        clinks=[{"stack1": "Alice", "stack2": "Bob", "typ": "default", "cfg": {"distance": 3}}]
    )
    problems = _problems(data)
    assert any(
        "cfg.distance: unknown key 'distance'; did you mean 'length'?" in p for p in problems
    )


def test_unknown_key_in_file_names_file_line_and_closest(tmp_path: Path) -> None:
    path = tmp_path / "typo.yaml"
    path.write_text(
        "stacks:\n"
        "  - name: Alice\n"
        "    qdevice_typ: generic\n"
        "    qdevice_cfg:\n"
        "      measure_tme: 5\n"
        "links: []\n"
    )
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(path)
    err = info.value
    assert err.file == str(path)
    text = str(err)
    assert "typo.yaml" in text
    assert "stacks[0] (Alice).qdevice_cfg.measure_tme: unknown key 'measure_tme'" in text
    assert "did you mean 'measure_time'?" in text
    assert err.problems[0].endswith("(line 5)")


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("T1", -1, "must be >= 0 ns"),
        ("T2", "abc", "must be a valid number"),
        ("init_time", -0.5, "must be >= 0 ns"),
        ("measure_time", float("inf"), "must be >= 0 ns"),
        ("single_qubit_gate_depolar_prob", 1.5, "must be in [0, 1]"),
        ("two_qubit_gate_depolar_prob", -0.1, "must be in [0, 1]"),
        ("num_qubits", 0, "must be >= 1"),
        ("num_qubits", 2.5, "must be a valid integer"),
    ],
)
def test_invalid_generic_values_name_field_path(field: str, value: Any, expected: str) -> None:
    data = _net()
    data["stacks"][0]["qdevice_cfg"][field] = value
    [problem] = _problems(data)
    assert problem.startswith(f"stacks[0] (Alice).qdevice_cfg.{field}: {expected}")


def test_t2_above_twice_t1_is_rejected() -> None:
    data = _net()
    data["stacks"][0]["qdevice_cfg"].update(T1=10, T2=100)
    [problem] = _problems(data)
    assert problem.startswith("stacks[0] (Alice).qdevice_cfg.T2: must be <= 2*T1")


def test_invalid_nv_values() -> None:
    with pytest.raises(ConfigError, match=r"prob_error_1: must be in \[0, 1\]"):
        NVQDeviceConfig(prob_error_1=2)
    with pytest.raises(ConfigError, match="carbon_rot_x: must be >= 0 ns"):
        NVQDeviceConfig(carbon_rot_x=-3)


@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        ({"fidelity": 0.2, "prob_success": 1, "t_cycle": 1}, "cfg.fidelity: must be in [0.25, 1]"),
        ({"fidelity": 1.01, "prob_success": 1, "t_cycle": 1}, "cfg.fidelity: must be in [0.25, 1]"),
        ({"fidelity": 0.9, "prob_success": 1.1, "t_cycle": 1}, "cfg.prob_success: must be in"),
        ({"fidelity": 0.9, "prob_success": 0, "t_cycle": 1}, "cfg.prob_success: must be > 0"),
        ({"fidelity": 0.9, "prob_success": 1, "t_cycle": -1}, "cfg.t_cycle: must be >= 0 ns"),
        ({"fidelity": 0.9, "prob_success": 1}, "cfg.t_cycle: give t_cycle (ns) or length (km)"),
        (
            {"fidelity": 0.9, "prob_success": 1, "t_cycle": 1, "length": 1},
            "cfg: give t_cycle or length, not both",
        ),
        ({"prob_success": 1, "t_cycle": 1}, "cfg.fidelity: required field is missing"),
        (
            {"fidelity": 0.9, "prob_success": 1, "length": 1, "speed_of_light": 0},
            "cfg.speed_of_light: must be > 0 km/s",
        ),
    ],
)
def test_invalid_depolarise_cfg(cfg: dict[str, Any], expected: str) -> None:
    data = _net(links=[{"stack1": "Alice", "stack2": "Bob", "typ": "depolarise", "cfg": cfg}])
    [problem] = _problems(data)
    assert problem.startswith("links[0] (Alice-Bob).")
    assert expected in problem


def test_depolarise_without_cfg() -> None:
    data = _net(links=[{"stack1": "Alice", "stack2": "Bob", "typ": "depolarise"}])
    [problem] = _problems(data)
    assert problem.startswith("links[0] (Alice-Bob).cfg: required for typ 'depolarise'")


def test_invalid_heralded_and_clink_cfgs() -> None:
    with pytest.raises(ConfigError, match=r"give length .* or both length_A and length_B"):
        HeraldedLinkConfig(length_A=1)
    with pytest.raises(ConfigError, match=r"detector_efficiency: must be in \[0, 1\]"):
        HeraldedLinkConfig(length=1, detector_efficiency=2)
    with pytest.raises(ConfigError, match="num_multiplexing_modes: must be >= 1"):
        HeraldedLinkConfig(length=1, num_multiplexing_modes=0)
    with pytest.raises(ConfigError, match="alpha: must be > 0"):
        SingleClickLinkConfig(length=1, alpha=0)
    with pytest.raises(ConfigError, match="give state_delay or length, not both"):
        PerfectLinkConfig(state_delay=1, length=1)
    with pytest.raises(ConfigError, match=r"delay: give delay \(ns\) or length \(km\)"):
        DefaultCLinkConfig()
    with pytest.raises(ConfigError, match="delay: must be >= 0 ns"):
        DefaultCLinkConfig(delay=-1)


def test_unknown_stack_in_link_and_clink() -> None:
    data = _net(
        links=[{"stack1": "Alice", "stack2": "Bbo", "typ": "perfect"}],
        clinks=[{"stack1": "Carol", "stack2": "Bob", "typ": "instant"}],
    )
    problems = _problems(data)
    assert problems == [
        "links[0] (Alice-Bbo).stack2: unknown stack 'Bbo'; did you mean 'Bob'?",
        "clinks[0] (Carol-Bob).stack1: unknown stack 'Carol' (valid: Alice, Bob)",
    ]


def test_duplicate_stack_names() -> None:
    data = _net()
    data["stacks"].append({"name": "Alice", "qdevice_typ": "nv"})
    [problem] = _problems(data)
    assert problem == "stacks[2] (Alice).name: duplicate stack name 'Alice' (also stacks[0])"


def test_duplicate_links_either_order() -> None:
    link = {"stack1": "Bob", "stack2": "Alice", "typ": "perfect"}
    data = _net()
    data["links"].append(link)
    data["clinks"] = [dict(link, typ="instant"), dict(link, typ="instant")]
    problems = _problems(data)
    assert problems == [
        "links[1] (Bob-Alice): duplicate link between Alice and Bob (also links[0])",
        "clinks[1] (Bob-Alice): duplicate clink between Alice and Bob (also clinks[0])",
    ]


def test_link_to_itself() -> None:
    data = _net(links=[{"stack1": "Bob", "stack2": "Bob", "typ": "perfect"}])
    assert _problems(data) == ["links[0] (Bob-Bob).stack2: connects stack 'Bob' to itself"]


@pytest.mark.parametrize(
    ("section", "entry", "expected"),
    [
        (
            "stacks",
            {"name": "Carol", "qdevice_typ": "generc"},
            "stacks[2] (Carol).qdevice_typ: unknown qdevice_typ 'generc'; did you mean 'generic'?",
        ),
        (
            "stacks",
            {"name": "Carol", "qdevice_typ": "ion"},
            "stacks[2] (Carol).qdevice_typ: unknown qdevice_typ 'ion' (valid: generic, nv)",
        ),
        (
            "links",
            {"stack1": "Alice", "stack2": "Bob", "typ": "magic"},
            "links[1] (Alice-Bob).typ: unknown typ 'magic' (valid: perfect, depolarise, bitflip, "
            "heralded, heralded-double-click, heralded-single-click)",
        ),
        (
            "clinks",
            {"stack1": "Alice", "stack2": "Bob", "typ": "defualt"},
            "clinks[0] (Alice-Bob).typ: unknown typ 'defualt'; did you mean 'default'?",
        ),
    ],
)
def test_wrong_typ_lists_allowed_values(section: str, entry: dict[str, Any], expected: str) -> None:
    data = _net(clinks=[])
    data[section].append(entry)
    problems = _problems(data)
    assert expected in problems
    if section == "links":  # the duplicate pair is reported too
        assert len(problems) == 2
    else:
        assert len(problems) == 1


def test_entry_that_is_not_a_mapping() -> None:
    data = _net()
    data["stacks"].append("Carol")
    assert _problems(data) == ["stacks[2]: must be a mapping of StackConfig fields (got str)"]
    data = _net()
    data["stacks"][0]["qdevice_cfg"] = 3
    [problem] = _problems(data)
    assert problem.startswith("stacks[0] (Alice).qdevice_cfg: must be a mapping")


def test_missing_required_fields() -> None:
    assert _problems({"links": []}) == ["stacks: required field is missing"]
    data = _net()
    del data["stacks"][1]["qdevice_typ"]
    assert _problems(data) == ["stacks[1] (Bob).qdevice_typ: required field is missing"]


def test_all_problems_reported_at_once(data_dir: Path) -> None:
    path = data_dir / "many_problems.yaml"
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(path)
    err = info.value
    assert "many_problems.yaml" in str(err)
    assert "(9 problems)" in str(err)
    expected = [
        "extra_stuff: unknown key 'extra_stuff' (valid: stacks, links, clinks, network_layer) "
        "(line 27)",
        "stacks[0] (Alice).qdevice_cfg.measure_tme: unknown key 'measure_tme'; "
        "did you mean 'measure_time'? (line 7)",
        "stacks[0] (Alice).qdevice_cfg.T1: must be >= 0 ns (got -5.0) (line 6)",
        "stacks[1] (Bob).qdevice_typ: unknown qdevice_typ 'generik'; "
        "did you mean 'generic'? (line 9)",
        "stacks[2] (Alice).name: duplicate stack name 'Alice' (also stacks[0]) (line 10)",
        "links[0] (Alice-Bob).cfg.fidelity: must be in [0.25, 1] (got 1.2) (line 17)",
        "links[1] (Alice-Carol).stack2: unknown stack 'Carol' (valid: Alice, Bob) (line 21)",
        "clinks[0] (Bob-Bob).typ: unknown typ 'teleporter' (valid: instant, default) (line 26)",
        "clinks[0] (Bob-Bob).stack2: connects stack 'Bob' to itself (line 25)",
    ]
    assert err.problems == expected
    for line in expected:
        assert line in str(err)
    assert validate_file(path) == expected


def test_unanchored_extra_top_level_key_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "extra.yaml"
    path.write_text(
        "anchors: &cfg\n  num_qubits: 3\n"
        "notes: hello\n"
        "stacks:\n  - name: A\n    qdevice_typ: generic\n    qdevice_cfg: *cfg\n"
    )
    [problem] = validate_file(path)
    assert problem.startswith("notes: unknown key 'notes'")
    assert problem.endswith("(line 3)")


def test_direct_construction_raises_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        GenericQDeviceConfig(T1=-1, bogus=2)
    assert info.value.problems == [
        "bogus: unknown key 'bogus' (valid: num_qubits, num_comm_qubits, T1, T2, init_time, "
        "single_qubit_gate_time, two_qubit_gate_time, measure_time, "
        "single_qubit_gate_depolar_prob, two_qubit_gate_depolar_prob)",
        "T1: must be >= 0 ns (got -1.0)",
    ]
    with pytest.raises(ConfigError, match="fidelity: required field is missing"):
        DepolariseLinkConfig(prob_success=1, t_cycle=1)
    with pytest.raises(ConfigError, match="must be a mapping"):
        StackNetworkConfig.model_validate([1, 2])
