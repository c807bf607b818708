"""A 6-node network from YAML: links only where configured, entanglement over them."""

import pytest
from tests.epr.programs import assert_binomial_rate, ghz_chain, keep_pair, paired

import netqsim
from netqsim.config import StackNetworkConfig
from netqsim.kernel import Simulator
from netqsim.runtime.network import Network

YAML = """
qdevice_cfg: &dev
  num_qubits: 2
  T1: 0
  T2: 0
  init_time: 0
  single_qubit_gate_time: 0
  two_qubit_gate_time: 0
  measure_time: 0
  single_qubit_gate_depolar_prob: 0
  two_qubit_gate_depolar_prob: 0
stacks:
  - {name: N0, qdevice_typ: generic, qdevice_cfg: *dev}
  - {name: N1, qdevice_typ: generic, qdevice_cfg: *dev}
  - {name: N2, qdevice_typ: generic, qdevice_cfg: *dev}
  - {name: N3, qdevice_typ: generic, qdevice_cfg: *dev}
  - {name: N4, qdevice_typ: generic, qdevice_cfg: *dev}
  - {name: N5, qdevice_typ: generic, qdevice_cfg: *dev}
links:
  - {stack1: N0, stack2: N1, typ: perfect, cfg: {state_delay: 100}}
  - {stack1: N1, stack2: N2, typ: perfect, cfg: {state_delay: 100}}
  - {stack1: N2, stack2: N3, typ: perfect}
  - {stack1: N3, stack2: N4, typ: perfect, cfg: {length: 1.5}}
  - {stack1: N4, stack2: N5, typ: perfect, cfg: {state_delay: 100}}
  - stack1: N0
    stack2: N5
    typ: depolarise
    cfg: {fidelity: 0.7, prob_success: 0.5, t_cycle: 200}
clinks:
  - {stack1: N0, stack2: N5, typ: default, cfg: {delay: 1000}}
  - {stack1: N0, stack2: N1, typ: instant}
  - {stack1: N1, stack2: N2, typ: instant}
  - {stack1: N2, stack2: N3, typ: instant}
  - {stack1: N3, stack2: N4, typ: instant}
  - {stack1: N4, stack2: N5, typ: instant}
"""
NAMES = [f"N{i}" for i in range(6)]
LINKED = {frozenset(p) for p in
          [("N0", "N1"), ("N1", "N2"), ("N2", "N3"), ("N3", "N4"), ("N4", "N5"), ("N0", "N5")]}


def config():
    return StackNetworkConfig.from_yaml(YAML, file="six_nodes.yaml")


def test_links_exist_exactly_where_configured():
    network = Network(config(), Simulator(seed=81))
    assert set(network.links) == LINKED
    assert len(network.nodes) == 6


def test_ghz_over_the_yaml_chain():
    results = netqsim.run(config(), ghz_chain(NAMES, "Z"), num_times=30, seed=82)
    for i in range(30):
        assert len({results[n][i]["m"][0] for n in NAMES}) == 1


def test_the_depolarising_chord_delivers_werner_pairs():
    n = 800
    results = netqsim.run(config(), keep_pair("N0", "N5", bases=("X",)), num_times=n, seed=83)
    pairs = paired(results, "N0", "N5")
    # Binomial(800, 2/3 (1 - 0.7) = 0.2): sigma ~ 0.014; 5 sigma.
    assert_binomial_rate(sum(a["m"] != b["m"] for a, b in pairs), n, 0.2, "X mismatch N0-N5")
    # The N0-N5 classical delay is 1000 ns: each request takes 2000 + k x 200 ns.
    assert all((a["t1"] - a["t0"] - 2000) % 200 == 0 for a, _ in pairs)


@pytest.mark.parametrize(("a", "b", "path"), [
    ("N0", "N2", ("N0", "N1", "N2")),
    ("N5", "N3", ("N5", "N4", "N3")),
    # Two paths of three links: equal cost, the one whose names sort first wins.
    ("N1", "N4", ("N1", "N0", "N5", "N4")),
])
def test_unlinked_pairs_get_pairs_over_the_cheapest_path(a, b, path):
    results = netqsim.run(config(), keep_pair(a, b), num_times=3, seed=84)
    assert len(paired(results, a, b)) == 3
    assert [report.path for report in results.network.pairs] == [path] * 3
