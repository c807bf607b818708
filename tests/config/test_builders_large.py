"""grid, random_graph and chain(n): shapes, determinism, and build cost linear in the nodes."""

from __future__ import annotations

import itertools

import pytest

from netqsim import Program, ProgramMeta, run
from netqsim.config import (
    DepolariseLinkConfig,
    SingleClickLinkConfig,
    StackNetworkConfig,
    chain,
    grid,
    random_graph,
    two_nodes,
)
from netqsim.config.builders import random_edges
from netqsim.kernel import Simulator
from netqsim.quantum.errors import NonCliffordError
from netqsim.runtime.network import Network


def _components(names: list[str], edges: list[tuple[str, str]]) -> int:
    parent = {n: n for n in names}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[root(a)] = root(b)
    return len({root(n) for n in names})


def test_chain_of_n_nodes() -> None:
    net = chain(4)
    assert net.stack_names == ["node_0", "node_1", "node_2", "node_3"]
    assert [(link.stack1, link.stack2) for link in net.links] == [
        ("node_0", "node_1"), ("node_1", "node_2"), ("node_2", "node_3")
    ]
    assert chain(["a", "b"]).stack_names == ["a", "b"]
    with pytest.raises(ValueError, match="chain: need at least one node, got 0"):
        chain(0)
    with pytest.raises(TypeError, match="chain: names must be a node count or a list"):
        chain(True)


def test_grid_shape_and_order() -> None:
    net = grid(2, 3)
    assert net.stack_names == [f"node_{r}_{c}" for r in range(2) for c in range(3)]
    assert [(link.stack1, link.stack2) for link in net.links] == [
        ("node_0_0", "node_0_1"), ("node_0_0", "node_1_0"),
        ("node_0_1", "node_0_2"), ("node_0_1", "node_1_1"),
        ("node_0_2", "node_1_2"),
        ("node_1_0", "node_1_1"),
        ("node_1_1", "node_1_2"),
    ]
    assert net.clinks is None
    assert StackNetworkConfig.from_dict(net.to_dict()) == net
    with pytest.raises(ValueError, match=r"grid: cols must be an integer >= 1, got 0"):
        grid(3, 0)


def test_grid_with_clinks_along_links_and_per_link_cfgs() -> None:
    from netqsim.config import DefaultCLinkConfig

    cfgs = [DepolariseLinkConfig(fidelity=0.9 + i / 100, prob_success=1, t_cycle=10)
            for i in range(4)]
    net = grid(2, 2, link=cfgs, clink=DefaultCLinkConfig(delay=5))
    assert [link.cfg.fidelity for link in net.links] == [0.9, 0.91, 0.92, 0.93]
    assert {c.pair for c in net.clinks} == {link.pair for link in net.links}


@pytest.mark.parametrize(("kwargs"), [{"p": 0.002}, {"degree": 3.0}, {"p": 0.0}])
def test_random_graph_is_connected_and_deterministic(kwargs: dict) -> None:
    n = 300
    net = random_graph(n, seed=7, **kwargs)
    edges = [(link.stack1, link.stack2) for link in net.links]
    assert _components(net.stack_names, edges) == 1
    assert len(set(map(frozenset, edges))) == len(edges)
    assert random_graph(n, seed=7, **kwargs) == net
    assert random_edges(n, seed=8, **kwargs) != random_edges(n, seed=7, **kwargs)


def test_random_graph_mean_degree() -> None:
    # n = 2000 nodes, mean degree 4: the edge count is Binomial(n(n-1)/2, p) with
    # mean 4000 and sd ~63 (plus at most a few joining edges): within 5 sigma.
    edges = random_edges(2000, degree=4.0, seed=3)
    assert abs(len(edges) - 4000) < 5 * 63 + 20


def test_random_graph_bad_arguments() -> None:
    with pytest.raises(ValueError, match=r"give exactly one of p \(link probability\) or degree"):
        random_edges(10, p=0.1, degree=2)
    with pytest.raises(ValueError, match=r"p must be a probability in \[0, 1\], got 1.5"):
        random_edges(10, p=1.5)
    with pytest.raises(ValueError, match=r"degree must be in \[0, n - 1 = 9\], got 12"):
        random_edges(10, degree=12)


def test_network_without_clinks_builds_links_only_when_used() -> None:
    # 1000 nodes without clinks: every pair is instantly linked (SquidASM), but the
    # network holds only the links in use (before: n(n-1) = 999,000 link objects).
    net = chain(1000)
    network = Network(net, Simulator(seed=0), formalism="stab")
    assert len(network.classical._links) == 0
    assert network.classical.has_link("node_0", "node_999")
    assert network.classical.delay("node_3", "node_700") == 0.0
    assert not network.classical.has_link("node_0", "node_0")
    assert not network.classical.has_link("node_0", "nobody")
    assert len(network.classical._links) == 1
    assert net.clink_between("node_0", "node_999").typ == "instant"
    assert net.clink_between("node_0", "nobody") is None


class _Epr(Program):
    def __init__(self, peer: str, create: bool) -> None:
        self.peer, self.create = peer, create

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="epr", epr_sockets=[self.peer], max_qubits=1)

    def run(self, context):
        socket = context.epr_sockets[self.peer]
        q = (socket.create_keep if self.create else socket.recv_keep)()[0]
        m = q.measure()
        yield from context.connection.flush()
        return int(m)


def test_thousand_node_chain_runs_in_stab() -> None:
    net = chain(1000, link=DepolariseLinkConfig(fidelity=1, prob_success=1, t_cycle=10))
    res = run(net, {"node_998": _Epr("node_999", True), "node_999": _Epr("node_998", False)},
              seed=2, formalism="stab")
    assert res["node_998"] == res["node_999"] and len(res["node_998"]) == 1


def test_non_pauli_link_noise_in_stab_names_the_link_and_channel() -> None:
    net = two_nodes(link=SingleClickLinkConfig(length=10))
    with pytest.raises(NonCliffordError) as info:
        Network(net, Simulator(seed=0), formalism="stab")
    assert str(info.value) == (
        "the noise channel of link Alice-Bob (typ heralded-single-click: single-click "
        "heralding noise (bright-state population alpha and photon loss: "
        "amplitude-damping-like, not a Pauli channel); its pair for herald Psi+ is not a "
        "Pauli mixture of a Bell state) is not a Clifford/stabilizer operation and cannot "
        "run under formalism 'stab'; supported by formalisms: dm, ket"
    )
    Network(net, Simulator(seed=0), formalism="dm")  # fine where the channel is supported
    # Werner noise is a Pauli channel: fine in stab, for any number of identical links.
    Network(chain(50, link=DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=1)),
            Simulator(seed=0), formalism="stab")


def test_builders_scale_to_thousands_of_nodes() -> None:
    assert len(chain(3000).links) == 2999
    assert len(grid(40, 40).links) == 2 * 40 * 39
    net = random_graph(2000, degree=3, seed=1)
    assert _components(net.stack_names, [(x.stack1, x.stack2) for x in net.links]) == 1
    assert list(itertools.islice(net.stack_names, 2)) == ["node_0", "node_1"]
