"""netqasm's network.yaml mapped onto netqsim's models, field by field."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netqsim.compat.netqasm.network_yaml import (
    NetworkFileError,
    default_network,
    load_network_file,
    network_from_netqasm,
)
from netqsim.network.links import build_link_model
from netqsim.quantum.states import bell_state


def _node(name: str, fidelity: float = 1.0, t1: float = 0, t2: float = 0, qubits: int = 2,
          **extra: object) -> dict:
    return {"name": name, "gate_fidelity": fidelity,
            "qubits": [{"id": i, "t1": t1, "t2": t2} for i in range(qubits)], **extra}


def _link(noise_type: str, fidelity: float = 1.0, a: str = "A", b: str = "B") -> dict:
    return {"name": f"{a}{b}", "node_name1": a, "node_name2": b, "noise_type": noise_type,
            "fidelity": fidelity}


def test_nodes_map_onto_generic_devices_with_squidasms_timings() -> None:
    config = network_from_netqasm({
        "nodes": [_node("A", fidelity=0.9, t1=1e9, t2=5e8, qubits=3), _node("B")],
        "links": [_link("NoNoise")],
    })
    device = config.stack("A").qdevice_cfg
    assert config.stack("A").qdevice_typ == "generic"
    assert (device.num_qubits, device.T1, device.T2) == (3, 1e9, 5e8)
    assert device.single_qubit_gate_depolar_prob == pytest.approx(0.1)
    assert device.two_qubit_gate_depolar_prob == pytest.approx(0.1)
    assert (device.init_time, device.single_qubit_gate_time, device.two_qubit_gate_time,
            device.measure_time) == (100_000, 1_000, 500_000, 0)
    assert config.stack("B").qdevice_cfg.single_qubit_gate_depolar_prob == 0
    link = config.links[0]
    assert (link.typ, link.cfg.state_delay) == ("perfect", 1000)


@pytest.mark.parametrize("noise_type", ["Depolarise", "DiscreteDepolarise"])
def test_depolarising_links_keep_the_mixture(noise_type: str) -> None:
    # netqasm: (1 - p) Phi+ + p I/4 with p = 1 - F; netqsim's depolarise link
    # takes that state's Bell fidelity 1 - 3p/4 and maps it back to p.
    config = network_from_netqasm({"nodes": [_node("A"), _node("B")],
                                   "links": [_link(noise_type, 0.8)]})
    cfg = config.links[0].cfg
    assert config.links[0].typ == "depolarise"
    assert cfg.fidelity == pytest.approx(0.85)
    assert cfg.prob_max_mixed() == pytest.approx(0.2)
    assert (cfg.prob_success, cfg.t_cycle) == (1.0, 1000)


def test_bitflip_link_flips_one_half() -> None:
    config = network_from_netqasm({"nodes": [_node("A"), _node("B")],
                                   "links": [_link("Bitflip", 0.7)]})
    link = config.links[0]
    assert (link.typ, link.cfg.fidelity, link.cfg.state_delay) == ("bitflip", 0.7, 1000)
    model = build_link_model(link)
    delivery = model.sample(np.random.default_rng(0))
    expected = 0.7 * bell_state(0, as_dm=True) + 0.3 * bell_state(1, as_dm=True)
    assert (delivery.bell_index, delivery.duration_ns, delivery.attempts) == (0, 1000.0, 1)
    assert np.allclose(delivery.state, expected)
    assert model.fidelity() == pytest.approx(0.7)


def test_nv_hardware_and_both_link_directions() -> None:
    config = network_from_netqasm({
        "nodes": [_node("A", hardware="NV"), _node("B")],
        "links": [_link("NoNoise"), _link("NoNoise", a="B", b="A")],
    })
    assert config.stack("A").qdevice_typ == "nv"
    assert len(config.links) == 1


def test_default_network_is_perfect_and_fully_linked() -> None:
    config = default_network(["x", "y", "z"])
    assert config.stack_names == ["x", "y", "z"]
    assert sorted(tuple(sorted(link.pair)) for link in config.links) == [
        ("x", "y"), ("x", "z"), ("y", "z")]
    assert {stack.qdevice_cfg.num_qubits for stack in config.stacks} == {5}
    assert {stack.qdevice_typ for stack in default_network(["x"], "nv").stacks} == {"nv"}
    with pytest.raises(ValueError, match="hardware must be 'generic' or 'nv', got 'ion'"):
        default_network(["x"], "ion")


@pytest.mark.parametrize(("data", "message"), [
    ({"nodes": [_node("A")]}, r"network file: missing key 'links'"),
    ({"nodes": [_node("A", qubits=0)], "links": []},
     r"nodes\[0\] \(A\): 'qubits' must be a non-empty list"),
    ({"nodes": [{**_node("A"), "qubits": [{"id": 0, "t1": 1, "t2": 1},
                                          {"id": 1, "t1": 2, "t2": 1}]}], "links": []},
     r"nodes\[0\] \(A\): all qubits of a node must have the same t1 and t2 in netqsim"),
    ({"nodes": [_node("A", fidelity=1.5)], "links": []},
     r"nodes\[0\] \(A\) gate_fidelity: must be a number between 0 and 1, got 1\.5"),
    ({"nodes": [_node("A", hardware="TrappedIon")], "links": []},
     r"hardware 'TrappedIon' is not supported \(use one of Generic, NV\)"),
    ({"nodes": [_node("A"), _node("B")], "links": [_link("Amplitude", 0.9)]},
     r"links\[0\] \(AB\): noise_type 'Amplitude' is not one of NoNoise, Depolarise, "
     r"DiscreteDepolarise, Bitflip"),
    ({"nodes": [_node("A"), _node("B")], "links": [{"name": "l", "node_name1": "A"}]},
     r"links\[0\] \(l\): missing key 'node_name2'"),
])
def test_bad_network_files_name_the_entry(data: dict, message: str) -> None:
    with pytest.raises(NetworkFileError, match=message):
        network_from_netqasm(data)


def test_load_network_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "network.yaml"
    path.write_text("nodes: [\n")
    with pytest.raises(NetworkFileError, match=rf"{path}: not valid YAML"):
        load_network_file(path)
