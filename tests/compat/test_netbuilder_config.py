"""netsquid-netbuilder's ``NetworkConfig`` spelling (processing_nodes, node1/node2) runs."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from netqsim.compat.squidasm.network_config import (
    CLinkConfig,
    LinkConfig,
    NetworkConfig,
    ProcessingNodeConfig,
)
from netqsim.config import ConfigError, IgnoredConfigKeyWarning, StackNetworkConfig

from .test_squidasm_scripts import run_cli, script

GENERIC = {"qdevice_typ": "generic", "qdevice_cfg": None}


def test_a_netbuilder_script_and_yaml_run_unchanged_with_exact_timing() -> None:
    done = run_cli(script("netbuilder"))
    assert done.returncode == 0, done.stderr
    # Bob's clock when the creator's message arrives: READY handshake 2 x 7 us, one link
    # cycle of 1 us, Alice's default measurement of 10 us, then 7 us of classical delay;
    # each iteration starts when the previous one ends (25 us later).
    assert done.stdout == (
        "nodes: ['Alice', 'Bob'] link: Alice Bob\n"
        "equal: [True, True, True] bob: [('done', 32000.0), ('done', 57000.0), "
        "('done', 82000.0)]\n"
        "built equal: [True, True]\n"
    )


def test_it_is_a_netqsim_config_and_both_spellings_are_accepted() -> None:
    cfg = NetworkConfig(
        processing_nodes=[{"name": "A", **GENERIC}, ProcessingNodeConfig(name="B", **GENERIC)],
        links=[{"node1": "A", "node2": "B", "typ": "perfect"}],
        clinks=[CLinkConfig.perfect_config("A", "B")],
        hubs=None, repeater_chains=[],
    )
    assert isinstance(cfg, StackNetworkConfig)
    assert [s.name for s in cfg.processing_nodes] == ["A", "B"]
    assert cfg.processing_nodes is cfg.stacks
    assert (cfg.links[0].node1, cfg.links[0].node2) == ("A", "B")
    old = NetworkConfig(stacks=[{"name": "A", **GENERIC}, {"name": "B", **GENERIC}],
                        links=[LinkConfig(stack1="A", stack2="B", typ="perfect", cfg=None)])
    assert old.links[0].stack2 == "B"


def test_errors_name_fields_as_the_caller_wrote_them() -> None:
    with pytest.raises(ConfigError) as caught:
        NetworkConfig(processing_nodes=[{"name": "A", "qdevice_typ": "generic",
                                         "qdevice_cfg": {"T1": -1}}],
                      links=[{"node1": "A", "node2": "C", "typ": "perfect"}])
    assert caught.value.problems == [
        "processing_nodes[0] (A).qdevice_cfg.T1: must be >= 0 ns (got -1.0)",
        "links[0] (A-C).node2: unknown stack 'C' (valid: A)",
    ]
    with pytest.raises(ConfigError, match=r"^invalid configuration \(1 problem\):\n  - node2: "
                                          r"connects stack 'A' to itself$"):
        LinkConfig(node1="A", node2="A", typ="perfect", cfg=None)


def test_metro_hubs_are_refused_with_what_to_do_instead() -> None:
    with pytest.raises(ConfigError, match=r"hubs: netbuilder's metro hubs and repeater chains "
                                          r"are not supported; describe the nodes"):
        NetworkConfig(processing_nodes=[{"name": "A", **GENERIC}], hubs=[{"name": "h"}])


BAD = """\
processing_nodes:
  - name: Alice
    qdevice_typ: generic
    qdevice_cfg:
      T1: -5
  - name: Bob
    qdevice_typ: generic
links:
  - node1: Alice
    node2: Carol
    typ: perfect
    cfg:
      fidelity: 1
"""


def test_a_file_error_names_the_line_and_lenient_loading_warns_once(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_text(BAD)
    with pytest.raises(ConfigError) as strict:
        NetworkConfig.from_file(path)
    assert strict.value.problems == [
        "processing_nodes[0] (Alice).qdevice_cfg.T1: must be >= 0 ns (got -5.0) (line 5)",
        "links[0] (Alice-Carol).cfg.fidelity: unknown key 'fidelity' (valid: state_delay, "
        "length, speed_of_light) (line 13)",
        "links[0] (Alice-Carol).node2: unknown stack 'Carol' (valid: Alice, Bob) (line 10)",
    ]
    with warnings.catch_warnings(record=True) as caught, pytest.raises(ConfigError) as lenient:
        warnings.simplefilter("always")
        NetworkConfig.from_file(path, strict=False)
    assert len(lenient.value.problems) == 2
    assert [str(w.message) for w in caught if w.category is IgnoredConfigKeyWarning] == [
        f"{path}:13: links[0] (Alice-Carol).cfg: unknown key 'fidelity' (valid: state_delay, "
        "length, speed_of_light). Dropped, as SquidASM ignores it."
    ]
    assert all(w.filename == __file__ for w in caught)  # points at the caller's line
