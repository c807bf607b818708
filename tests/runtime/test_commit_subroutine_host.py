"""``connection.commit_subroutine``/``commit_protosubroutine`` and ``shared_memory.get_array``.

Hand-written subroutines (netqasm's text format, as SquidASM's advanced
examples commit them) run on the node as the connection's application, are
waited on with ``yield from`` or ``await`` like ``flush()``, and leave their
results in the connection's shared memory.
"""

from __future__ import annotations

from typing import Any

import pytest
from netqasm.lang.parsing.text import parse_text_protosubroutine, parse_text_subroutine

import netqsim
from netqsim import InstructionError, Program, ProgramMeta
from netqsim.config import (
    GenericQDeviceConfig,
    NVQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
)
from netqsim.kernel import ProcessError

#: |1>|1> from X and CNOT; the outcomes in array @0, M0 also returned as a register.
TEXT = """# NETQASM 1.0
# APPID 0
array 2 @0
set Q0 0
qalloc Q0
init Q0
set Q1 1
qalloc Q1
init Q1
x Q0
cnot Q0 Q1
meas Q0 M0
meas Q1 M1
store M0 @0[0]
store M1 @0[1]
qfree Q0
qfree Q1
ret_reg M0
"""
PROTO = parse_text_protosubroutine(TEXT)
LATENCY, INSTR, INIT, GATE1, GATE2, MEASURE = 50.0, 7.0, 300.0, 20.0, 500.0, 4000.0


def device(num_qubits: int = 2) -> GenericQDeviceConfig:
    return GenericQDeviceConfig(
        num_qubits=num_qubits, T1=0, T2=0, init_time=INIT, single_qubit_gate_time=GATE1,
        two_qubit_gate_time=GATE2, measure_time=MEASURE,
        single_qubit_gate_depolar_prob=0, two_qubit_gate_depolar_prob=0,
    )


def one_node(cfg: Any = None, typ: str = "generic") -> StackNetworkConfig:
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ=typ, qdevice_cfg=cfg or device(),
                            host_qnos_latency=LATENCY, instr_latency=INSTR)],
        links=[],
    )


class Commits(Program):
    """Commits ``what`` (a callable of the connection giving the event) and reads @0."""

    def __init__(self, what: Any, name: str = "commits", asynchronous: bool = False) -> None:
        self.what, self.name, self.asynchronous = what, name, asynchronous

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name=self.name, max_qubits=1)

    def run(self, context: Any) -> Any:
        if self.asynchronous:
            return self._run_async(context)
        return self._run_generator(context)

    def _run_generator(self, context: Any) -> Any:
        start = context.now
        yield from self.what(context.connection)
        return self._read(context, start)

    async def _run_async(self, context: Any) -> Any:
        start = context.now
        await self.what(context.connection)
        return self._read(context, start)

    @staticmethod
    def _read(context: Any, start: float) -> dict[str, Any]:
        memory = context.connection.shared_memory
        array = list(memory.get_array(0))
        return {
            "app": context.app_id, "array": array, "m0": memory.get_reg_value("M0"),
            "last": memory.get_array_value(0, len(array) - 1),
            "values": memory.get_array_values(0, 0, 2), "elapsed": context.now - start,
        }


def expected_elapsed() -> float:
    instructions = len(parse_text_subroutine(TEXT).instructions)  # after assembly
    return 2 * LATENCY + instructions * INSTR + 2 * INIT + GATE1 + GATE2 + 2 * MEASURE


def commit_proto(conn: Any) -> Any:
    return conn.commit_protosubroutine(PROTO)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["yield from", "await"])
def test_committed_protosubroutine_is_waited_on_and_fills_shared_memory(asynchronous: bool
                                                                       ) -> None:
    # old: the SDK's commit returned None ("yield from None" / "await None" fail)
    before = str(PROTO)
    results = netqsim.run(one_node(), {"Alice": Commits(commit_proto, asynchronous=asynchronous)},
                          num_times=3, seed=1)
    rows = results["Alice"]
    for row in rows:
        assert row | {"app": None} == {"app": None, "array": [1, 1], "m0": 1, "last": 1,
                                       "values": [1, 1], "elapsed": expected_elapsed()}
    # app 0 is still stopping when the second iteration starts: it runs as app 1
    assert [row["app"] for row in rows] == [0, 1, 0]
    assert str(PROTO) == before  # committed three times, left as it was


@pytest.mark.parametrize("asynchronous", [False, True], ids=["yield from", "await"])
def test_committed_subroutine_runs_as_the_connections_app_whatever_its_appid(
    asynchronous: bool,
) -> None:
    def commit(conn: Any) -> Any:
        return conn.commit_subroutine(parse_text_subroutine(TEXT))  # says APPID 0

    programs = [Commits(commit_proto, "first"), Commits(commit, "second", asynchronous)]
    results = netqsim.run(one_node(device(4)), {"Alice": programs}, num_times=1, seed=1)
    row = results["Alice"][0]["second"]
    assert row["app"] == 1 and row["array"] == [1, 1]
    assert results["Alice"][0]["first"]["app"] == 0


def test_a_protosubroutine_given_to_commit_subroutine_is_compiled_first() -> None:
    # SquidASM's older examples pass the parsed text to commit_subroutine
    program = Commits(lambda conn: conn.commit_subroutine(PROTO))
    results = netqsim.run(one_node(), {"Alice": program}, num_times=2, seed=1)
    assert [r["array"] for r in results["Alice"]] == [[1, 1], [1, 1]]


def test_committed_vanilla_text_is_compiled_for_an_nv_node() -> None:
    # vanilla x and h are not NV instructions: the NV compiler rewrites them
    text = ("# NETQASM 1.0\n# APPID 0\narray 1 @0\nset Q0 0\nqalloc Q0\ninit Q0\nh Q0\n"
            "h Q0\nx Q0\nmeas Q0 M0\nstore M0 @0[0]\nqfree Q0\n")
    proto = parse_text_protosubroutine(text)
    cfg = NVQDeviceConfig.perfect_config(num_qubits=2)
    results = netqsim.run(one_node(cfg, "nv"),
                          {"Alice": Commits(lambda conn: conn.commit_protosubroutine(proto))},
                          num_times=3, seed=1)
    assert [r["array"] for r in results["Alice"]] == [[1]] * 3


def test_commit_errors_say_what_is_wrong() -> None:
    def wrong_type(conn: Any) -> Any:
        return conn.commit_subroutine(TEXT)

    with pytest.raises(ProcessError) as caught:
        netqsim.run(one_node(), {"Alice": Commits(wrong_type)}, seed=1)
    cause = caught.value.exception
    assert isinstance(cause, TypeError)
    assert str(cause) == (
        "commit_subroutine expects a netqasm Subroutine or ProtoSubroutine, got str"
    )

    def template(conn: Any) -> Any:
        return conn.commit_subroutine(parse_text_subroutine(TEXT.replace("x Q0", "rot_x Q0 {n} 1")))

    with pytest.raises(ProcessError) as caught:
        netqsim.run(one_node(), {"Alice": Commits(template)}, seed=1)
    cause = caught.value.exception
    assert isinstance(cause, ValueError)
    assert str(cause) == (
        "the subroutine has template arguments n without values: fill them in with "
        "subroutine.instantiate(app_id, {name: value, ...}) before committing it"
    )


def test_get_array_of_an_address_never_returned_names_the_arrays_there_are() -> None:
    class Reads(Program):
        @property
        def meta(self) -> ProgramMeta:
            return ProgramMeta(name="reads")

        def run(self, context: Any) -> Any:
            yield from context.connection.commit_protosubroutine(PROTO)
            return context.connection.shared_memory.get_array(3)

    with pytest.raises(ProcessError) as caught:
        netqsim.run(one_node(), {"Alice": Reads()}, seed=1)
    cause = caught.value.exception
    assert isinstance(cause, IndexError)
    assert str(cause) == (
        "no array at address 3 in this connection's shared memory (arrays the node returned: "
        "@0); an array comes back with the reply to the subroutine that creates or writes it"
    )


def test_a_failing_committed_subroutine_raises_in_the_program() -> None:
    bad = parse_text_protosubroutine(TEXT.replace("qalloc Q1\ninit Q1\n", ""))
    with pytest.raises(InstructionError) as caught:
        netqsim.run(one_node(), {"Alice": Commits(lambda conn: conn.commit_protosubroutine(bad))},
                    seed=1)
    assert str(caught.value).startswith("node 'Alice', app 0, t=")
    assert "'cnot Q0 Q1': RuleViolation: the qubit with address 1 was not allocated for app " \
        "ID 0 on node 'Alice' (rule: qubit-allocated) [GENERAL]" in str(caught.value)


def test_sdk_code_precompiled_with_compile_is_committed_and_its_futures_resolve() -> None:
    from netqasm.sdk.qubit import Qubit

    class Precompiled(Program):
        @property
        def meta(self) -> ProgramMeta:
            return ProgramMeta(name="precompiled")

        def run(self, context: Any) -> Any:
            conn = context.connection
            q = Qubit(conn)
            q.X()
            m = q.measure()
            subroutine = conn.compile()  # netqasm: compile now, send later
            yield from conn.commit_subroutine(subroutine)
            return int(m)

    results = netqsim.run(one_node(), {"Alice": Precompiled()}, num_times=3, seed=1)
    assert results["Alice"] == [1, 1, 1]


def test_an_instantiated_template_is_committed_with_the_values_filled_in() -> None:
    # netqasm's instantiate() fills the operands but keeps the subroutine's argument
    # names, so only the operands say whether a template is still open.
    from netqasm.lang.operand import Template
    from netqasm.sdk.qubit import Qubit

    class Filled(Program):
        @property
        def meta(self) -> ProgramMeta:
            return ProgramMeta(name="filled")

        def run(self, context: Any) -> Any:
            conn = context.connection
            q = Qubit(conn)
            q.rot_X(n=Template("turn"), d=1)  # n x pi/2 about X
            m = q.measure()
            subroutine = conn.compile()
            subroutine.instantiate(app_id=conn.app_id, arguments={"turn": 2})  # pi: |1>
            yield from conn.commit_subroutine(subroutine)
            return int(m)

    results = netqsim.run(one_node(), {"Alice": Filled()}, num_times=3, seed=1)
    assert results["Alice"] == [1, 1, 1]
