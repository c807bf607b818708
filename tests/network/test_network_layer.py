"""EPR sockets between nodes without a link: chains, stars, grids, shared repeaters, errors."""

import itertools

import pytest
from netqasm.sdk.epr_socket import EprMeasBasis
from tests.epr.programs import (
    KeepMeasure,
    MeasureDirectly,
    RspCreate,
    RspRecv,
    SequentialMeasure,
    device,
    keep_pair,
    paired,
)
from tests.network.network_layer_helpers import graph, line, with_layer

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, builders
from netqsim.kernel import ProcessError
from netqsim.qnodeos.errors import InstructionError


def assert_perfect_pairs(results, a, b, count):
    """Every pair of perfect links and devices is Phi+ after the SDK's corrections."""
    pairs = paired(results, a, b)
    assert len(pairs) == count
    for ra, rb in pairs:
        assert ra["basis"] == rb["basis"]
        assert ra["m"] == rb["m"], (ra, rb)
    # Both bases were used, so this checks X and Z correlations (not a classical mixture).
    assert {ra["basis"] for ra, _ in pairs} == {"X", "Z"}


def test_a_five_node_chain_delivers_end_to_end_pairs():
    names = ["A", "R1", "R2", "R3", "B"]
    results = netqsim.run(line(names), keep_pair("A", "B", bases=("Z", "X")), num_times=20,
                          seed=141)
    assert_perfect_pairs(results, "A", "B", 20)
    reports = results.network.pairs
    assert [r.path for r in reports] == [tuple(names)] * 20
    assert all(r.swaps == 3 and r.discards == 0 for r in reports)
    assert all(r.fidelity == pytest.approx(1, abs=1e-12) for r in reports)
    counts = results.network.counts
    assert counts["A"] == {"generated": 20, "swapped": 0, "purified": 0, "discarded": 0,
                           "delivered": 20}
    assert counts["R2"] == {"generated": 40, "swapped": 20, "purified": 0, "discarded": 0,
                            "delivered": 0}
    assert results.network.total("swapped") == 60


def test_leaves_of_a_star_share_pairs_through_the_centre():
    leaves = ["L0", "L1", "L2"]
    config = graph(["C", *leaves], [("C", leaf) for leaf in leaves])
    results = netqsim.run(config, keep_pair("L2", "L0", bases=("Z", "X")), num_times=10,
                          seed=142)
    assert_perfect_pairs(results, "L2", "L0", 10)
    assert {r.path for r in results.network.pairs} == {("L2", "C", "L0")}


def test_opposite_corners_of_a_grid_share_pairs_over_a_shortest_path():
    names = [f"n{r}{c}" for r in range(3) for c in range(3)]
    edges = [(f"n{r}{c}", f"n{r}{c + 1}") for r in range(3) for c in range(2)]
    edges += [(f"n{r}{c}", f"n{r + 1}{c}") for r in range(2) for c in range(3)]
    results = netqsim.run(graph(names, edges), keep_pair("n00", "n22", bases=("Z", "X")),
                          num_times=10, seed=143)
    assert_perfect_pairs(results, "n00", "n22", 10)
    # Six shortest paths of four links; the one whose names sort first is taken.
    assert {r.path for r in results.network.pairs} == {("n00", "n01", "n02", "n12", "n22")}


def test_measure_directly_and_several_pairs_per_request_over_a_path():
    config = line(["A", "R1", "R2", "B"])
    programs = {"A": MeasureDirectly("B", "create", number=3),
                "B": MeasureDirectly("A", "recv", number=3)}
    results = netqsim.run(config, programs, num_times=5, seed=144)
    for creator, receiver in paired(results, "A", "B"):
        # Z outcomes after the receiver's Bell-state post-processing agree.
        assert creator["raw"] == receiver["out"]
        assert creator["bell"] == receiver["bell"]
    reports = results.network.pairs
    assert [(r.create_id, r.sequence_number) for r in reports] == [
        (i, k) for i in range(5) for k in range(3)
    ]
    # A request's pairs come one after the other.
    for first, second in itertools.pairwise(reports[:3]):
        assert second.start_ns == first.end_ns


@pytest.mark.parametrize("centre_qubits", [4, 2])
def test_two_requests_through_one_repeater_never_mix_their_pairs(centre_qubits):
    leaves = ["A", "B", "D", "E"]
    config = graph(["C", *leaves], [("C", leaf) for leaf in leaves],
                   devices={"C": device(num_qubits=centre_qubits)})
    programs = {**keep_pair("A", "B", bases=("Z", "X")),
                **keep_pair("E", "D", bases=("X", "Z"))}
    results = netqsim.run(config, programs, num_times=15, seed=145)
    assert_perfect_pairs(results, "A", "B", 15)
    assert_perfect_pairs(results, "E", "D", 15)
    reports = results.network.pairs
    assert sum(r.path == ("A", "C", "B") for r in reports) == 15
    assert sum(r.path == ("E", "C", "D") for r in reports) == 15
    assert all(r.fidelity == pytest.approx(1, abs=1e-12) for r in reports)
    assert results.network.counts["C"]["swapped"] == 30
    overlapping = any(
        x.start_ns < y.end_ns and y.start_ns < x.end_ns
        for x in reports if x.path[0] == "A" for y in reports if y.path[0] == "E"
    )
    # Four qubits at the centre serve both at once; two serve one request at a time.
    assert overlapping == (centre_qubits == 4)


def test_a_request_with_no_path_names_both_nodes():
    config = graph(["A", "B", "C", "D"], [("A", "B"), ("C", "D")])
    with pytest.raises(ProcessError) as info:
        netqsim.run(config, keep_pair("A", "D"), num_times=1, seed=146)
    assert isinstance(info.value.exception, ValueError)
    message = str(info.value)
    assert "on node 'A' opens an EPR socket to 'D'" in message
    assert "no entanglement link between them, nor a path of links" in message


def test_a_doubling_schedule_on_a_path_of_four_nodes_is_an_error():
    config = with_layer(line(["A", "R1", "R2", "B"]), swap="doubling")
    with pytest.raises(InstructionError, match="swap schedule 'doubling' needs a path of "
                                               "2\\^k \\+ 1 nodes; this path has 4"):
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=147)


def test_the_same_seed_gives_the_same_pairs_and_reports():
    config = line(["A", "R1", "R2", "B"],
                  links=DepolariseLinkConfig(fidelity=0.9, prob_success=0.3, t_cycle=100,
                                             random_bell_state=True))
    runs = [netqsim.run(config, keep_pair("A", "B", bases=("Z", "X")), num_times=10, seed=148)
            for _ in range(2)]
    assert runs[0].network.pairs == runs[1].network.pairs
    assert runs[0]["B"] == runs[1]["B"]
    assert len({r.end_ns - r.start_ns for r in runs[0].network.pairs}) > 1  # random times


def test_the_stab_formalism_carries_pairs_over_a_chain():
    results = netqsim.run(line(["A", "R1", "R2", "R3", "B"]),
                          keep_pair("A", "B", bases=("Z", "X")), num_times=10, seed=149,
                          formalism="stab")
    assert_perfect_pairs(results, "A", "B", 10)


def test_fresh_mode_adds_up_the_summaries_of_its_simulations():
    results = netqsim.run(line(["A", "R", "B"]), keep_pair("A", "B"), num_times=4, seed=150,
                          mode="fresh")
    assert results.network.counts["R"]["swapped"] == 4
    assert len(results.network.pairs) == 4


def test_a_direct_link_still_serves_neighbours_and_is_counted():
    programs = {"A": KeepMeasure("R", "create"), "R": KeepMeasure("A", "recv")}
    results = netqsim.run(line(["A", "R", "B"]), programs, num_times=3, seed=151)
    assert results.network.pairs == []  # no path of two or more links was needed
    assert results.network.counts["A"]["delivered"] == 3
    assert results.network.counts["R"]["generated"] == 3


def test_sequential_pairs_with_a_post_routine_fit_one_qubit_per_end_node():

    one_qubit = device(num_qubits=1)
    config = line(["A", "R1", "R2", "B"], devices={"A": one_qubit, "B": one_qubit})
    results = netqsim.run(config, {"A": SequentialMeasure("B", "create", 3),
                                    "B": SequentialMeasure("A", "recv", 3)},
                          num_times=10, seed=152)
    assert all(a["m"] == b["m"] for a, b in paired(results, "A", "B"))
    assert len(results.network.pairs) == 30


def test_remote_state_preparation_over_a_path():
    # create_rsp in X: the creator measures its half, the receiver keeps the other;
    # after the SDK's corrections the receiver's X outcome equals the creator's.
    config = line(["A", "R", "B"])
    results = netqsim.run(config, {"A": RspCreate("B", basis_local=EprMeasBasis.X),
                                   "B": RspRecv("A", "X")}, num_times=20, seed=153)
    assert all(a["m"] == b["m"] for a, b in paired(results, "A", "B"))


@pytest.mark.parametrize(("min_fidelity", "tries"), [(90, 1), (100, 3)])
def test_min_fidelity_all_at_end_reads_the_generation_duration_of_a_path_pair(
    min_fidelity, tries
):
    # GOODNESS is the generation duration in us, as for a link: both 12 ms hops run
    # at once, so a pair takes 12000 us. The SDK accepts it when that is below
    # 100000 - 900 F_min: 19000 for F_min = 90 (one try), 10000 for F_min = 100
    # (every try fails: max_tries = 3 pairs).
    class Request(Program):
        def __init__(self, peer, role):
            self.peer, self.role = peer, role

        @property
        def meta(self):
            return ProgramMeta(name=self.role, epr_sockets=[self.peer], max_qubits=2)

        def run(self, context):
            epr = context.epr_sockets[self.peer]
            request = epr.create_keep if self.role == "create" else epr.recv_keep
            request(min_fidelity_all_at_end=min_fidelity, max_tries=3)
            yield from context.connection.flush()
            return {}

    # The swap outcome reaches B after 5 ns and A after 1000 ns; both ends still
    # report one duration (else their retry loops would disagree and never end).
    config = line(["A", "R", "B"], links=DepolariseLinkConfig(fidelity=0.9, prob_success=1,
                                                              t_cycle=12e6),
                  delays={("A", "R"): 1000, ("R", "B"): 5})
    results = netqsim.run(config, {"A": Request("B", "create"), "B": Request("A", "recv")},
                          num_times=1, seed=154)
    assert [r.duration_ns for r in results.network.pairs] == [12e6 + 1000] * tries


def test_a_repeater_without_two_communication_qubits_is_an_error_naming_it():
    config = line(["A", "R", "B"], devices={"R": device(num_qubits=1)})
    with pytest.raises(InstructionError, match="node 'R' on the path A-R-B has 1 communication "
                                               "qubit position\\(s\\); as a repeater it needs 2"):
        netqsim.run(config, keep_pair("A", "B"), num_times=1, seed=155)


@pytest.mark.parametrize("build", ["grid", "random_graph"])
def test_built_grids_and_random_graphs_with_clinks_only_along_links(build):
    clink = DefaultCLinkConfig(delay=10)
    if build == "grid":
        config = builders.grid(4, 4, qdevice=device(), clink=clink)
        a, b = "node_0_0", "node_3_3"
    else:
        config = builders.random_graph(12, degree=2.5, seed=3, qdevice=device(), clink=clink)
        a, b = "node_0", "node_11"
    results = netqsim.run(config, keep_pair(a, b, bases=("Z", "X")), num_times=6, seed=156)
    assert_perfect_pairs(results, a, b, 6)
    (path,) = {r.path for r in results.network.pairs}
    assert len(path) >= 3 and (path[0], path[-1]) == (a, b)
    for x, y in itertools.pairwise(path):
        assert config.link_between(x, y) is not None
