"""``strict=False``: keys that SquidASM ignores are dropped, one warning each; strict stays default.

The YAML here is written for these tests in the shape of SquidASM's shipped
files (an anchored device merged into two stacks, generic-device keys on an
``nv`` device, the old NV runtime's timing keys, link-model keys on a perfect
link).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from netqsim.config import (
    ConfigError,
    GenericQDeviceConfig,
    IgnoredConfigKeyWarning,
    StackNetworkConfig,
    lenient_loading,
    strict_by_default,
)

NETWORK = """\
device: &device
  num_qubits: 2
  measurement_time: 1.e+4
stacks:
  - name: client
    qdevice_typ: generic
    qdevice_cfg:
      <<: *device
  - name: server
    qdevice_typ: generic
    qdevice_cfg:
      <<: *device
  - name: nv_node
    qdevice_typ: nv
    qdevice_cfg:
      T1: 1.e+12
      host_latency: 1.e+8
      instr_proc_time: 0
links:
  - stack1: client
    stack2: server
    typ: perfect
    cfg:
      cycle_time: 1.0
"""


@pytest.fixture
def network_file(tmp_path: Path) -> Path:
    path = tmp_path / "network.yaml"
    path.write_text(NETWORK)
    return path


def _load(path: Path, **kwargs: bool) -> tuple[StackNetworkConfig, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = StackNetworkConfig.from_file(path, **kwargs)
    assert all(w.category is IgnoredConfigKeyWarning for w in caught)
    assert all(w.filename == __file__ for w in caught)  # points at the caller
    return cfg, [str(w.message) for w in caught]


def test_strict_is_the_default_and_names_every_ignored_key(network_file: Path) -> None:
    assert strict_by_default()
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(network_file)
    assert info.value.file == str(network_file)
    assert [(p.path, p.line) for p in info.value.details] == [
        ("stacks[0] (client).qdevice_cfg.measurement_time", 3),
        ("stacks[1] (server).qdevice_cfg.measurement_time", 3),
        ("stacks[2] (nv_node).qdevice_cfg.host_latency", 17),
        ("stacks[2] (nv_node).qdevice_cfg.instr_proc_time", 18),
        ("stacks[2] (nv_node).qdevice_cfg.T1", 16),
        ("links[0] (client-server).cfg.cycle_time", 24),
    ]


def test_lenient_loading_drops_each_key_with_one_warning(network_file: Path) -> None:
    cfg, messages = _load(network_file, strict=False)
    f = str(network_file)
    assert messages == [
        f"{f}:3: stacks[0] (client).qdevice_cfg, stacks[1] (server).qdevice_cfg: unknown key "
        "'measurement_time'; did you mean 'measure_time'? Dropped, as SquidASM ignores it.",
        f"{f}:16: stacks[2] (nv_node).qdevice_cfg: unknown key 'T1' (a key of qdevice_typ "
        "'generic', not of 'nv'); did you mean 'electron_T1'? Dropped, as SquidASM ignores it.",
        f"{f}:17: stacks[2] (nv_node).qdevice_cfg: unknown key 'host_latency' (a setting of "
        "SquidASM's old NV runtime, which its stack runtime ignores); did you mean the "
        "stack's 'host_qnos_latency'? Dropped, as SquidASM ignores it.",
        f"{f}:18: stacks[2] (nv_node).qdevice_cfg: unknown key 'instr_proc_time' (a setting of "
        "SquidASM's old NV runtime, which its stack runtime ignores); did you mean the "
        "stack's 'instr_latency'? Dropped, as SquidASM ignores it.",
        f"{f}:24: links[0] (client-server).cfg: unknown key 'cycle_time' (valid: state_delay, "
        "length, speed_of_light). Dropped, as SquidASM ignores it.",
    ]
    # what SquidASM runs with: every dropped key leaves the default in place
    assert cfg.stacks[0].qdevice_cfg.measure_time == 10_000
    assert cfg.stacks[2].qdevice_cfg.electron_T1 == 1e9
    assert (cfg.stacks[2].host_qnos_latency, cfg.stacks[2].instr_latency) == (0, 0)
    assert cfg.links[0].cfg.state_delay_ns() == 1000


def test_lenient_loading_context_sets_the_default(network_file: Path) -> None:
    with lenient_loading():
        assert not strict_by_default()
        cfg, messages = _load(network_file)
        assert len(messages) == 5 and cfg.stack_names == ["client", "server", "nv_node"]
        with pytest.raises(ConfigError):
            StackNetworkConfig.from_file(network_file, strict=True)
    assert strict_by_default()
    with pytest.raises(ConfigError):
        StackNetworkConfig.from_file(network_file)


def test_other_problems_stay_errors_after_the_warnings(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(NETWORK.replace("num_qubits: 2", "num_qubits: 0").replace(
        "typ: perfect", "typ: perfekt"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ConfigError) as info:
            StackNetworkConfig.from_file(path, strict=False)
    assert len(caught) == 4  # the link cfg is not read: its typ is unknown
    assert info.value.problems == [
        "stacks[0] (client).qdevice_cfg.num_qubits: must be >= 1 (got 0) (line 2)",
        "stacks[1] (server).qdevice_cfg.num_qubits: must be >= 1 (got 0) (line 2)",
        "links[0] (client-server).typ: unknown typ 'perfekt'; did you mean 'perfect'? (line 22)",
    ]


def test_from_dict_and_from_yaml_accept_strict_too() -> None:
    data = {"stacks": [{"name": "A", "qdevice_typ": "generic",
                        "qdevice_cfg": {"measurement_time": 5}}], "comment": "x"}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cfg = StackNetworkConfig.from_dict(data, strict=False)
        dev = GenericQDeviceConfig.from_yaml("num_qubits: 5\nnum_qubit: 7\n", file="dev.yaml",
                                             strict=False)
    assert [str(w.message) for w in caught] == [
        "<root>: unknown key 'comment' (valid: stacks, links, clinks, network_layer). Dropped, "
        "as SquidASM ignores it.",
        "stacks[0] (A).qdevice_cfg: unknown key 'measurement_time'; did you mean "
        "'measure_time'? Dropped, as SquidASM ignores it.",
        "dev.yaml:2: <root>: unknown key 'num_qubit'; did you mean 'num_qubits'? Dropped, as "
        "SquidASM ignores it.",
    ]
    assert data["stacks"][0]["qdevice_cfg"] == {"measurement_time": 5}  # input not changed
    assert cfg.stacks[0].qdevice_cfg.measure_time == 10_000 and dev.num_qubits == 5
