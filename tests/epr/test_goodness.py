"""EPR goodness is the generation duration in whole microseconds, as SquidASM writes it.

Each pair's ``generation_duration`` (the SDK's name for the GOODNESS slot of
the result array) counts from the moment the link took the request up (after
the create/READY handshake and after any request queued before it on the same
link) to that pair's delivery, rounded down to whole microseconds. It grows
with the pair index, and both ends of a pair read the same value.
"""

from __future__ import annotations

import pytest
from tests.epr.programs import device

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, PerfectLinkConfig, two_nodes
from netqsim.qnodeos.netstack import generation_duration_us

D, DELAY = 1500.0, 2500.0  # classical delay, perfect link state delay [ns]


class Durations(Program):
    """One request of ``kind`` (keep, measure or rsp) for ``number`` pairs; returns durations."""

    def __init__(self, peer: str, role: str, kind: str, number: int, name: str = "durations",
                 **options: int) -> None:
        self.peer, self.role, self.kind, self.number = peer, role, kind, number
        self.name, self.options = name, options

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=self.name, epr_sockets=[self.peer], max_qubits=3)

    def run(self, context):
        epr = context.epr_sockets[self.peer]
        create = self.role == "create"
        if self.kind == "keep" and create and self.options:
            # The SDK's create_keep_with_info takes no max_tries: no results here.
            epr.create_keep(number=self.number, **self.options)
            results = []
        elif self.kind == "keep":
            request = epr.create_keep_with_info if create else epr.recv_keep_with_info
            _, results = request(number=self.number, **self.options)
        elif self.kind == "measure":
            request = epr.create_measure if create else epr.recv_measure
            results = request(number=self.number)
        elif create:  # rsp: the creator measures, the receiver keeps
            results = epr.create_rsp(number=self.number)
        else:
            _, results = epr.recv_rsp_with_info(number=self.number)
        yield from context.connection.flush()
        return {"durations": [int(r.generation_duration) for r in results],
                "end": context.now}


def pair_programs(kind: str, number: int = 1) -> dict[str, Program]:
    return {"Alice": Durations("Bob", "create", kind, number),
            "Bob": Durations("Alice", "recv", kind, number)}


def network(link=None, delay: float = D, num_qubits: int = 3):
    return two_nodes(qdevice=device(num_qubits),
                     link=link or PerfectLinkConfig(state_delay=DELAY),
                     clink=DefaultCLinkConfig(delay=delay))


@pytest.mark.parametrize("kind", ["keep", "measure", "rsp"])
def test_duration_counts_from_the_start_of_generation_on_both_ends(kind):
    # Pairs arrive 2.5, 5.0 and 7.5 us after the link took the request up
    # (the 2 x 1.5 us handshake before it does not count): 2, 5 and 7 us.
    results = netqsim.run(network(), pair_programs(kind, number=3), seed=1)
    for node in ("Alice", "Bob"):
        row = results[node][0]
        assert row["durations"] == [2, 5, 7], node
        assert row["end"] == 2 * D + 3 * DELAY


def test_an_f_09_link_reports_its_cycle_time_not_a_fidelity_code():
    # The case: before, every pair on an F = 0.9 link read 18999.
    link = DepolariseLinkConfig(fidelity=0.9, prob_success=1, t_cycle=700)
    results = netqsim.run(network(link), pair_programs("keep", number=3), seed=2)
    for node in ("Alice", "Bob"):
        assert results[node][0]["durations"] == [0, 1, 2], node  # 0.7, 1.4, 2.1 us


def test_a_request_queued_behind_another_counts_from_when_it_got_the_link():
    # Two programs on Alice both ask Bob over one link at t = 0. Both
    # handshakes end at 2 d; the second request then waits one cycle for the
    # link, which its duration does not include.
    programs = {
        "Alice": [Durations("Bob", "create", "keep", 1, name=f"p{i}") for i in range(2)],
        "Bob": [Durations("Alice", "recv", "keep", 1, name=f"p{i}") for i in range(2)],
    }
    results = netqsim.run(network(num_qubits=4), programs, seed=3)
    for node in ("Alice", "Bob"):
        rows = sorted(results[node][0].values(), key=lambda row: row["end"])
        assert [row["end"] for row in rows] == [2 * D + DELAY, 2 * D + 2 * DELAY]
        assert [row["durations"] for row in rows] == [[2], [2]]


def test_both_ends_agree_so_a_min_fidelity_loop_never_falls_out_of_step():
    # min_fidelity_all_at_end=100 retries while the duration is not below
    # 10000 us. The pair takes 9999.5 us, so 9999 passes on both ends: one
    # try. Counted from the receiver's READY, one classical delay (1 us)
    # earlier, it would read 10000 and the receiver alone would try again,
    # waiting forever. (A fidelity code would read F = 0.9 < 1: three tries.)
    link = DepolariseLinkConfig(fidelity=0.9, prob_success=1, t_cycle=9_999_500)
    options = {"min_fidelity_all_at_end": 100, "max_tries": 3}
    programs = {"Alice": Durations("Bob", "create", "keep", 1, **options),
                "Bob": Durations("Alice", "recv", "keep", 1, **options)}
    results = netqsim.run(network(link, delay=1000), programs, seed=4)
    assert results["Bob"][0]["durations"] == [9999]
    for node in ("Alice", "Bob"):
        assert results[node][0]["end"] == 2 * 1000 + 9_999_500, node  # one try each


@pytest.mark.parametrize(("duration_ns", "expected"), [
    (0.0, 0), (999.9, 0), (1000.0, 1), (2999.0, 2), (0.1 + 0.2 + 2999.7 - 1e-10, 3),
    (12_345_678.9, 12_345),
])
def test_durations_round_down_to_whole_microseconds(duration_ns, expected):
    assert generation_duration_us(duration_ns) == expected
