"""Single-node programs: results, timing, seeds, several programs on one node."""

import pytest
from netqasm.sdk.qubit import Qubit
from tests.runtime.programs import BellLocal

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, StackConfig, StackNetworkConfig


def one_node(cfg=None, **stack_fields):
    cfg = cfg or GenericQDeviceConfig.perfect_config(num_qubits=2, T1=0, T2=0)
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ="generic", qdevice_cfg=cfg, **stack_fields)],
        links=[],
    )


def test_single_node_program_without_links_gives_correlated_bits():
    results = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=200, seed=3)
    rows = results["Alice"]
    assert len(rows) == 200 and results[0] is rows
    assert all(r["m0"] == r["m1"] for r in rows)
    ones = sum(r["m0"] for r in rows)
    # Binomial(200, 1/2): mean 100, sigma ~7.07; 5 sigma is 35.
    assert abs(ones - 100) < 35


def test_same_seed_same_results_and_other_seed_differs():
    a = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=30, seed=11)
    b = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=30, seed=11)
    c = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=30, seed=12)
    assert list(a) == list(b) and list(a) != list(c)
    assert a.seed == 11


def test_local_program_takes_the_sum_of_its_operation_durations():
    cfg = GenericQDeviceConfig(
        num_qubits=2, T1=0, T2=0, init_time=300, single_qubit_gate_time=20,
        two_qubit_gate_time=500, measure_time=4000,
        single_qubit_gate_depolar_prob=0, two_qubit_gate_depolar_prob=0,
    )
    results = netqsim.run(one_node(cfg), {"Alice": BellLocal()}, num_times=3, seed=1)
    per_iteration = 2 * 300 + 20 + 500 + 2 * 4000
    assert [r["end"] for r in results["Alice"]] == [per_iteration * k for k in (1, 2, 3)]


def test_host_latency_and_instruction_time_follow_squidasm():
    """SquidASM's test_local: 3 instructions + init + 2 round trips (+ StopApp)."""

    class OneQubit(Program):
        @property
        def meta(self):
            return ProgramMeta(name="one_qubit", max_qubits=1)

        def run(self, context):
            Qubit(context.connection)
            yield from context.connection.flush()
            return {"end": context.now}

    cfg = GenericQDeviceConfig.perfect_config(num_qubits=1, T1=0, T2=0, init_time=1000)
    latency, instr = 50.0, 7.0
    results = netqsim.run(
        one_node(cfg, host_qnos_latency=latency, instr_latency=instr),
        {"Alice": OneQubit()}, num_times=1, seed=1,
    )
    subroutine = context_free_subroutine_length()
    expected = 2 * latency + 2 * latency + subroutine * instr + 1000
    assert results["Alice"][0]["end"] == expected


def context_free_subroutine_length() -> int:
    """Instructions netqasm's SDK emits for Qubit(conn) in one flush: set, qalloc, init."""
    return 3


def test_two_programs_on_one_node_run_side_by_side():
    cfg = GenericQDeviceConfig.perfect_config(num_qubits=4, T1=0, T2=0)

    class Named(BellLocal):
        def __init__(self, name):
            self.name = name

        @property
        def meta(self):
            return ProgramMeta(name=self.name, max_qubits=2)

    results = netqsim.run(one_node(cfg), {"Alice": [Named("p"), Named("q")]}, num_times=5, seed=2)
    for row in results["Alice"]:
        assert set(row) == {"p", "q"}
        assert row["p"]["m0"] == row["p"]["m1"] and row["q"]["m0"] == row["q"]["m1"]


def test_program_error_names_node_app_time_and_instruction():
    class TooMany(Program):
        @property
        def meta(self):
            return ProgramMeta(name="greedy", max_qubits=3)

        def run(self, context):
            qubits = [Qubit(context.connection) for _ in range(3)]
            yield from context.connection.flush()
            return {"n": len(qubits)}

    with pytest.raises(InstructionError) as info:  # as README promises, not ProcessError
        netqsim.run(one_node(), {"Alice": TooMany()}, seed=1)
    err = info.value
    # The unit module is the device (2 qubits, as in SquidASM); the error says
    # so in the program's terms.
    assert err.node == "Alice" and err.app_id == 0 and err.code.name == "NO_QUBIT"
    assert "qalloc" in str(err) and "t=" in str(err)
    assert "program 'greedy' needs more qubits than the device of node 'Alice' has" in str(err)
    assert err.process_name == "Alice/greedy" and err.process_time == err.time


@pytest.mark.parametrize("value", [5, None, [1, 2], "text", {"m": 1}])
def test_a_program_may_return_any_value_as_in_squidasm(value):
    class Returns(Program):
        @property
        def meta(self):
            return ProgramMeta(name="returns")

        def run(self, context):
            return value
            yield

    results = netqsim.run(one_node(), {"Alice": Returns()}, num_times=2, seed=1)
    assert results["Alice"] == [value, value]


def test_a_peer_listed_twice_is_one_socket():
    meta = ProgramMeta(name="p", csockets=["Bob", "Carol", "Bob"], epr_sockets=["Bob", "Bob"])
    assert meta.csockets == ["Bob", "Carol"] and meta.epr_sockets == ["Bob"]


def test_async_program_runs_like_a_generator_program():
    class AsyncBell(BellLocal):
        async def run(self, context):
            conn = context.connection
            q0, q1 = Qubit(conn), Qubit(conn)
            q0.H()
            q0.cnot(q1)
            m0, m1 = q0.measure(), q1.measure()
            await conn.flush()
            return {"m0": int(m0), "m1": int(m1), "end": context.now}

    gen = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=10, seed=5)
    coro = netqsim.run(one_node(), {"Alice": AsyncBell()}, num_times=10, seed=5)
    assert list(gen) == list(coro)


def test_unknown_node_in_programs_is_an_error():
    with pytest.raises(ValueError, match="'Bob', which is not a node of the network"):
        netqsim.run(one_node(), {"Bob": BellLocal()})


def test_fresh_mode_restarts_time_each_iteration():
    results = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=3, seed=1, mode="fresh")
    ends = [r["end"] for r in results["Alice"]]
    assert ends[0] == ends[1] == ends[2]
    assert len(results.end_times) == 3
