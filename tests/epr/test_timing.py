"""SquidASM's stack-runtime timing, exactly: one create_keep(number=N) takes
2 d + N x cycle (d: classical delay; cycle: the link's generation time);
separate requests add up; requests to different peers run side by side."""

import pytest
from tests.epr.programs import KeepMeasure, device, keep_pair

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, PerfectLinkConfig, star
from netqsim.config import two_nodes as two_node_config

D, DELAY = 1500.0, 250.0  # classical delay, link state delay [ns]


def two_nodes(num_qubits=3, link=None, delay=D):
    return two_node_config(qdevice=device(num_qubits),
                           link=link or PerfectLinkConfig(state_delay=DELAY),
                           clink=DefaultCLinkConfig(delay=delay))


@pytest.mark.parametrize("number", [1, 3])
def test_one_request_takes_two_delays_plus_n_cycles(number):
    results = netqsim.run(two_nodes(), keep_pair(number=number), num_times=1, seed=51)
    for node in ("Alice", "Bob"):
        row = results[node][0]
        assert (row["t0"], row["t1"]) == (0.0, 2 * D + number * DELAY)


def test_depolarise_link_with_certain_success_takes_one_cycle_per_pair():
    link = DepolariseLinkConfig(fidelity=0.9, prob_success=1, t_cycle=700)
    results = netqsim.run(two_nodes(link=link), keep_pair(number=2), num_times=1, seed=52)
    assert results["Alice"][0]["t1"] == 2 * D + 2 * 700


def test_iterations_follow_each_other():
    # Shared mode: each iteration starts when the previous one ended (operations
    # take no time, measuring adds nothing).
    results = netqsim.run(two_nodes(), keep_pair(), num_times=3, seed=53)
    step = 2 * D + DELAY
    assert [r["t1"] for r in results["Alice"]] == [step, 2 * step, 3 * step]


class TwoRequests(Program):
    """Two create_keep/recv_keep requests, in one subroutine or in two."""

    def __init__(self, peer, role, one_flush):
        self.peer, self.role, self.one_flush = peer, role, one_flush

    @property
    def meta(self):
        return ProgramMeta(name="two_requests", epr_sockets=[self.peer], max_qubits=3)

    def run(self, context):
        conn, epr = context.connection, context.epr_sockets[self.peer]
        request = epr.create_keep if self.role == "create" else epr.recv_keep
        times = []
        request(number=1)
        if not self.one_flush:
            yield from conn.flush()
            times.append(context.now)
        request(number=2)
        yield from conn.flush()
        times.append(context.now)
        return {"times": times}


@pytest.mark.parametrize("one_flush", [True, False], ids=["one_subroutine", "two_subroutines"])
def test_separate_requests_add_up(one_flush):
    results = netqsim.run(
        two_nodes(),
        {"Alice": TwoRequests("Bob", "create", one_flush),
         "Bob": TwoRequests("Alice", "recv", one_flush)},
        num_times=1, seed=54,
    )
    first, total = 2 * D + DELAY, (2 * D + DELAY) + (2 * D + 2 * DELAY)
    expected = [total] if one_flush else [first, total]
    assert results["Alice"][0]["times"] == expected
    assert results["Bob"][0]["times"] == expected


def test_requests_to_two_peers_run_at_the_same_time():
    # Alice runs one program per peer; both requests start at t=0 and each
    # finishes after 2 d + its own link's cycle, not one after the other.
    delays = {"Bob": 400.0, "Charlie": 900.0}
    config = star("Alice", ["Bob", "Charlie"], qdevice=device(4),
                  link=[PerfectLinkConfig(state_delay=delays[n]) for n in ("Bob", "Charlie")],
                  clink=DefaultCLinkConfig(delay=D))
    programs = {
        "Alice": [KeepMeasure("Bob", "create", name="to_bob"),
                  KeepMeasure("Charlie", "create", name="to_charlie")],
        "Bob": KeepMeasure("Alice", "recv"),
        "Charlie": KeepMeasure("Alice", "recv"),
    }
    results = netqsim.run(config, programs, num_times=2, seed=55)
    for i in range(2):
        alice = results["Alice"][i]
        for name, peer in (("to_bob", "Bob"), ("to_charlie", "Charlie")):
            step = 2 * D + delays[peer]
            assert alice[name]["t1"] == (i + 1) * step
            assert results[peer][i]["t1"] == (i + 1) * step


def test_two_requests_to_one_peer_queue_on_the_link():
    # Two programs on Alice both ask Bob (two EPR sockets, one link):
    # the link serves one request at a time, so the second finishes a cycle later.
    config = two_nodes(num_qubits=4)
    programs = {
        "Alice": [KeepMeasure("Bob", "create", name="first"),
                  KeepMeasure("Bob", "create", name="second")],
        "Bob": [KeepMeasure("Alice", "recv", name="first"),
                KeepMeasure("Alice", "recv", name="second")],
    }
    results = netqsim.run(config, programs, num_times=10, seed=56)
    ends = sorted(results["Alice"][0][name]["t1"] for name in ("first", "second"))
    assert ends == [2 * D + DELAY, 2 * D + 2 * DELAY]
    # ... and each program gets its own pairs (random Z outcomes agree per program).
    for name in ("first", "second"):
        assert [r[name]["m"] for r in results["Alice"]] == [r[name]["m"] for r in results["Bob"]]
