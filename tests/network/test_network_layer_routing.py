"""Routing of the network layer: cheapest paths by link cost, pinned paths, policies, errors."""

from types import SimpleNamespace

import pytest

from netqsim.config import StackNetworkConfig, chain
from netqsim.network.network_layer import policy_from_config, router_from_config
from netqsim.network.repeater_chain import doubling_levels
from netqsim.network.routing import NoPathError, ReachablePeers, Router

SQUARE = [("A", "B"), ("B", "D"), ("A", "C"), ("C", "D")]


def test_the_cheapest_path_by_total_link_cost_wins():
    assert Router(SQUARE, costs=[1, 1, 1, 5]).path("A", "D") == ("A", "B", "D")
    assert Router(SQUARE, costs=[1, 5, 1, 1]).path("A", "D") == ("A", "C", "D")
    # Two cheap links beat one expensive one.
    router = Router([("A", "B"), ("B", "C"), ("A", "C")], costs=[1, 1, 3])
    assert router.path("A", "C") == ("A", "B", "C")
    assert router.path("C", "A") == ("C", "B", "A")


def test_equal_costs_pick_the_path_whose_names_sort_first():
    assert Router(SQUARE).path("A", "D") == ("A", "B", "D")
    assert Router(SQUARE).path("D", "A") == ("D", "B", "A")


def test_a_pinned_path_is_used_in_both_directions_even_if_longer():
    edges = [("A", "R1"), ("R1", "B"), ("A", "X"), ("X", "Y"), ("Y", "B")]
    router = Router(edges, pinned=[["A", "X", "Y", "B"]])
    assert router.path("A", "B") == ("A", "X", "Y", "B")
    assert router.path("B", "A") == ("B", "Y", "X", "A")
    assert router.path("R1", "X") == ("R1", "A", "X")  # other pairs: cheapest


@pytest.mark.parametrize(("pinned", "message"), [
    (["A", "C"], "there is no entanglement link between 'A' and 'C'"),
    (["A", "Q", "B"], "'Q' is not a node with entanglement links"),
    (["A"], "a path needs at least two nodes"),
    (["A", "B", "A"], "a node appears twice"),
])
def test_a_bad_pinned_path_is_an_error_naming_the_entry(pinned, message):
    with pytest.raises(ValueError, match=r"network_layer\.paths entry") as info:
        Router([("A", "B"), ("B", "C")], pinned=[pinned])
    assert message in str(info.value)


def test_no_path_names_both_nodes():
    router = Router([("A", "B"), ("C", "D")])
    with pytest.raises(NoPathError, match="no path of entanglement links from 'A' to 'D'"):
        router.path("A", "D")
    isolated = Router([("A", "B")], nodes=["A", "B", "E"])
    with pytest.raises(NoPathError, match="from 'E' to 'A'"):
        isolated.path("E", "A")
    assert not router.reachable("A", "D") and router.reachable("C", "D")
    assert not router.reachable("A", "A")


def test_costs_must_be_positive_and_one_per_link():
    with pytest.raises(ValueError, match="link A-B: cost must be a positive number, got 0"):
        Router([("A", "B")], costs=[0])
    with pytest.raises(ValueError, match="need one cost per link: 1 links, 2 costs"):
        Router([("A", "B")], costs=[1, 2])


def test_reachable_peers_answers_membership_and_lists_the_linked_nodes():
    peers = ReachablePeers(Router([("A", "B"), ("B", "C"), ("D", "E")]), "A")
    assert "C" in peers and "B" in peers
    assert "D" not in peers and "A" not in peers
    assert sorted(peers) == ["B"]


def test_router_from_config_reads_link_costs_and_pinned_paths():
    config = chain(["A", "B", "C"])
    config.links.append(config.links[0].model_copy(update={"stack1": "A", "stack2": "C"}))
    assert router_from_config(config).path("A", "C") == ("A", "C")
    # A config with costs (the key h/policies adds) and pinned paths, read by attribute.
    links = [SimpleNamespace(stack1=link.stack1, stack2=link.stack2, cost=cost)
             for link, cost in zip(config.links, [1, 1, 5], strict=True)]
    costly = SimpleNamespace(links=links, stack_names=["A", "B", "C"], network_layer=None)
    assert router_from_config(costly).path("A", "C") == ("A", "B", "C")
    pinned = SimpleNamespace(links=links, stack_names=["A", "B", "C"],
                             network_layer={"paths": [["C", "A"]]})
    assert router_from_config(pinned).path("A", "C") == ("A", "C")


def test_policies_default_to_asap_without_cutoff_and_are_checked():
    plain = policy_from_config(chain(["A", "B"]))
    assert (plain.schedule, plain.cutoff_ns) == ("asap", None)
    config = SimpleNamespace(network_layer={"swap": "doubling", "cutoff_time": 2500})
    policy = policy_from_config(config)
    assert (policy.schedule, policy.cutoff_ns) == ("doubling", 2500.0)
    with pytest.raises(ValueError, match=r"network_layer\.swap: 'nested' is not a swap schedule; "
                                         r"use one of asap, doubling"):
        policy_from_config(SimpleNamespace(network_layer={"swap": "nested"}))
    with pytest.raises(ValueError, match=r"network_layer\.cutoff_time must be > 0 ns or null"):
        policy_from_config(SimpleNamespace(network_layer={"cutoff_time": 0}))


def test_doubling_levels_nest_and_need_2_to_the_k_hops():
    assert doubling_levels(4) == [0, 1, 2, 1, 0]
    assert doubling_levels(8) == [0, 1, 2, 1, 4, 1, 2, 1, 0]
    with pytest.raises(ValueError, match="needs a path of 2\\^k \\+ 1 nodes; this path has 4"):
        doubling_levels(3)


YAML = """
stacks:
  - {name: A, qdevice_typ: generic, qdevice_cfg: {num_qubits: 2}}
  - {name: B, qdevice_typ: generic, qdevice_cfg: {num_qubits: 2}}
  - {name: C, qdevice_typ: generic, qdevice_cfg: {num_qubits: 2}}
  - {name: D, qdevice_typ: generic, qdevice_cfg: {num_qubits: 2}}
links:
  - {stack1: A, stack2: B, typ: perfect}
  - {stack1: B, stack2: D, typ: perfect, cost: 5}
  - {stack1: A, stack2: C, typ: perfect}
  - {stack1: C, stack2: D, typ: perfect}
network_layer:
  swap: doubling
  cutoff_time: 1.0e6
  paths: [[B, A, C]]
"""


def test_a_yaml_config_sets_costs_pinned_paths_and_policies():
    config = StackNetworkConfig.from_yaml(YAML, file="routing.yaml")
    router = router_from_config(config)
    assert router.path("A", "D") == ("A", "C", "D")  # A-B-D costs 6
    assert router.path("C", "B") == ("C", "A", "B")  # pinned, reversed
    assert router.path("B", "D") == ("B", "A", "C", "D")  # three links of cost 1 beat one of 5
    policy = policy_from_config(config)
    assert (policy.schedule, policy.cutoff_ns, policy.purification) == ("doubling", 1e6, None)

