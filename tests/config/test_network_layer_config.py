"""The ``network_layer:`` section and the link ``cost``: defaults, values, errors with paths."""

from __future__ import annotations

import pytest

from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.config.network_layer import NetworkLayerConfig, PurificationConfig

CHAIN = """\
stacks:
  - {name: A, qdevice_typ: generic, qdevice_cfg: null}
  - {name: R, qdevice_typ: generic, qdevice_cfg: null}
  - {name: B, qdevice_typ: generic, qdevice_cfg: null}
  - {name: C, qdevice_typ: generic, qdevice_cfg: null}
links:
  - {stack1: A, stack2: R, typ: perfect}
  - {stack1: R, stack2: B, typ: perfect, cost: 2.5}
  - {stack1: A, stack2: C, typ: perfect}
"""


def _load(extra: str) -> StackNetworkConfig:
    return StackNetworkConfig.from_yaml(CHAIN + extra)


def _problems(extra: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        _load(extra)
    return info.value.problems


def test_defaults_without_section() -> None:
    net = _load("")
    assert net.network_layer is None
    assert [link.cost for link in net.links] == [1.0, 2.5, 1.0]


def test_full_section_loads() -> None:
    net = _load(
        "network_layer:\n"
        "  cutoff_time: 1.0e6\n"
        "  swap: doubling\n"
        "  purification: {protocol: dejmps, scope: end_to_end, target_fidelity: 0.97}\n"
        "  paths: [[A, R, B]]\n"
    )
    layer = net.network_layer
    assert isinstance(layer, NetworkLayerConfig)
    assert layer.cutoff_time == 1.0e6 and layer.swap == "doubling"
    assert layer.purification == PurificationConfig(
        protocol="dejmps", scope="end_to_end", target_fidelity=0.97
    )
    assert layer.pinned_path("A", "B") == ["A", "R", "B"]
    assert layer.pinned_path("B", "A") == ["B", "R", "A"]
    assert layer.pinned_path("A", "C") is None
    assert StackNetworkConfig.from_dict(net.to_dict()) == net


def test_empty_section_means_defaults() -> None:
    layer = _load("network_layer: {}\n").network_layer
    assert layer == NetworkLayerConfig()
    assert (layer.cutoff_time, layer.swap, layer.purification, layer.paths) == (
        None,
        "asap",
        None,
        [],
    )
    assert PurificationConfig(protocol="bbpssw", target_fidelity=0.9).scope == "hop"


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "network_layer: {swap: greedy}\n",
            "network_layer.swap: must be 'asap' or 'doubling' (got 'greedy') (line 10)",
        ),
        (
            "network_layer: {cutoff_time: 0}\n",
            "network_layer.cutoff_time: must be a finite number > 0 (got 0.0) (line 10)",
        ),
        (
            "network_layer: {cutof_time: 5}\n",
            "network_layer.cutof_time: unknown key 'cutof_time'; did you mean 'cutoff_time'? "
            "(line 10)",
        ),
        (
            "network_layer:\n  purification: {protocol: dejmps, target_fidelity: 0.5}\n",
            "network_layer.purification.target_fidelity: must be in (0.5, 1] (got 0.5) (line 11)",
        ),
        (
            "network_layer:\n  purification: {protocol: bbpsw, target_fidelity: 0.9}\n",
            "network_layer.purification.protocol: must be 'bbpssw' or 'dejmps' (got 'bbpsw') "
            "(line 11)",
        ),
        (
            "network_layer:\n  purification: {protocol: dejmps, target_fidelity: 0.9, "
            "scope: path}\n",
            "network_layer.purification.scope: must be 'hop' or 'end_to_end' (got 'path') "
            "(line 11)",
        ),
        (
            "network_layer: [asap]\n",
            "network_layer: must be a mapping of NetworkLayerConfig fields (got list) (line 10)",
        ),
    ],
)
def test_bad_policy_values_name_the_field(extra: str, expected: str) -> None:
    assert _problems(extra) == [expected]


def test_bad_paths_name_the_node_and_the_gap() -> None:
    problems = _problems(
        "network_layer:\n"
        "  paths:\n"
        "    - [A, R, B]\n"
        "    - [A, X]\n"
        "    - [C, B]\n"
        "    - [A]\n"
        "    - [A, R, A]\n"
        "    - [B, R, A]\n"
    )
    assert [p.split(" (line")[0] for p in problems] == [
        "network_layer.paths[1][1]: unknown stack 'X' (stacks: A, B, C, R)",
        "network_layer.paths[2][1]: no link between 'C' and 'B' (consecutive nodes need one)",
        "network_layer.paths[3]: a path needs at least two nodes (got ['A'])",
        "network_layer.paths[4][2]: node 'A' appears twice in the path",
        "network_layer.paths[5]: a second pinned path between 'B' and 'A' "
        "(also network_layer.paths[0])",
    ]


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("0", "must be a finite number > 0 (got 0.0)"),
        ("-1", "must be a finite number > 0 (got -1.0)"),
        (".inf", "must be a finite number > 0 (got inf)"),
        ("true", "must be a number, not a boolean (got True)"),
    ],
)
def test_bad_link_cost(cost: str, message: str) -> None:
    text = CHAIN.replace("cost: 2.5", f"cost: {cost}")
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_yaml(text)
    assert info.value.problems == [f"links[1] (R-B).cost: {message} (line 8)"]


def test_assignment_is_validated() -> None:
    net = _load("")
    net.network_layer = {"swap": "asap", "paths": [["C", "A", "R"]]}
    assert net.network_layer.pinned_path("R", "C") == ["R", "A", "C"]
    # Paths are checked against the links like other cross-entry rules: by check()
    # and validate_all() (and when a network is built from the config).
    net.network_layer = {"paths": [["C", "R"]]}
    problem = "network_layer.paths[0][1]: no link between 'C' and 'R' (consecutive nodes need one)"
    assert net.check() == [problem]
    with pytest.raises(ConfigError) as info:
        net.validate_all()
    assert info.value.problems == [problem]
    with pytest.raises(ConfigError, match=r"network_layer.swap: must be 'asap' or 'doubling'"):
        net.network_layer = {"swap": "never"}


def test_a_cutoff_shorter_than_a_routable_links_attempt_is_named_per_link() -> None:
    slow = CHAIN.replace(
        "  - {stack1: A, stack2: C, typ: perfect}\n",
        "  - {stack1: A, stack2: C, typ: depolarise,\n"
        "     cfg: {fidelity: 0.9, prob_success: 0.5, t_cycle: 2500}}\n",
    )
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_yaml(slow + "network_layer: {cutoff_time: 1500}\n")
    assert info.value.problems == [
        "network_layer.cutoff_time: 1500 ns is shorter than one generation attempt on link A-C "
        "(links[2]: 2500 ns), which routed pairs may use; set cutoff_time >= 2500 ns or null "
        "(line 11)"
    ]
    assert _load("network_layer: {cutoff_time: 1000}\n").network_layer.cutoff_time == 1000


def test_a_link_no_path_can_route_over_is_not_held_to_the_cutoff() -> None:
    # A-B and C-D are separate pairs of nodes: their pairs never wait for another hop.
    net = StackNetworkConfig.from_yaml(
        "stacks:\n"
        + "".join(f"  - {{name: {n}, qdevice_typ: generic, qdevice_cfg: null}}\n" for n in "ABCD")
        + "links:\n  - {stack1: A, stack2: B, typ: perfect}\n"
        "  - {stack1: C, stack2: D, typ: perfect}\n"
        "network_layer: {cutoff_time: 500}\n"
    )
    assert net.network_layer.cutoff_time == 500
