"""The host's compile cache never serves bytes that differ from the SDK's own compilation.

Reference bytes come from the SDK path the host used before the cache:
``builder.subrt_compile_subroutine`` and ``bytes(SubroutineMessage(subroutine))``.
Every pair of subroutines below differs in one thing only (an angle, a
register, an array address, a loop bound, the app id, NV vs generic
compilation, which objects are shared); both go through one cache, and each
must come out as its own reference bytes.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netqasm.backend.messages import SubroutineMessage
from netqasm.lang.encoding import RegisterName
from netqasm.lang.ir import GenericInstr, ICmd, ProtoSubroutine
from netqasm.lang.operand import Address, ArrayEntry, Register, Template
from netqasm.lang.parsing.text import parse_text_protosubroutine
from netqasm.sdk.build_epr import SerializedKeepResultIndex
from netqasm.sdk.qubit import Qubit
from netqasm.sdk.transpile import NVSubroutineTranspiler

import netqsim.host.compiled as compiled_module
from netqsim.host.compiled import (
    CHECK_ENV,
    CompileCacheMismatch,
    CompiledSubroutines,
    compiled_subroutines_for,
)
from netqsim.host.connection import HostConnection
from netqsim.host.network_info import make_network_info
from netqsim.host.subroutine_key import subroutine_key

FUZZ_EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "25"))
NETWORK_INFO = make_network_info({"Alice": 0, "Bob": 1})
Build = Callable[[HostConnection], None]


class Recorder:
    """A host endpoint that keeps what is sent."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send_raw(self, raw: bytes, **_: Any) -> None:
        self.sent.append(bytes(raw))

    def completed(self) -> None:
        return None


def connection(
    cache: CompiledSubroutines | None = None, app_id: int = 0, compiler: Any = None
) -> HostConnection:
    return HostConnection(
        Recorder(),  # type: ignore[arg-type]
        app_name="Alice", node_name="Alice", app_id=app_id, max_qubits=5,
        network_info=NETWORK_INFO, compiler=compiler,
        compiled=cache if cache is not None else CompiledSubroutines(),
    )


def through(
    cache: CompiledSubroutines, build: Build, app_id: int = 0, compiler: Any = None
) -> bytes:
    """The bytes a flush sends, via ``cache``."""
    conn = connection(cache, app_id, compiler)
    build(conn)
    conn.flush()
    (raw,) = conn._endpoint.sent  # type: ignore[attr-defined]
    return raw


def sdk_bytes(build: Build, app_id: int = 0, compiler: Any = None) -> bytes:
    """The bytes the SDK compiles for ``build``, without any cache."""
    conn = connection(app_id=app_id, compiler=compiler)
    build(conn)
    proto = conn._builder.subrt_pop_pending_subroutine()
    subroutine = conn._builder.subrt_compile_subroutine(proto)
    subroutine.app_id = app_id
    return bytes(SubroutineMessage(subroutine))


def proto_through(cache: CompiledSubroutines, proto: ProtoSubroutine, app_id: int = 0) -> bytes:
    return cache.compile(connection()._builder, proto, app_id)[0]


def proto_sdk_bytes(proto: ProtoSubroutine, app_id: int = 0) -> bytes:
    subroutine = connection()._builder.subrt_compile_subroutine(proto)
    subroutine.app_id = app_id
    return bytes(SubroutineMessage(subroutine))


def text(body: str) -> Callable[[], ProtoSubroutine]:
    """A new ProtoSubroutine from NetQASM text at every call (compiling consumes one)."""
    return lambda: parse_text_protosubroutine(f"# NETQASM 1.0\n# APPID 0\n{body}")


def rotation(n: int, d: int) -> Build:
    def build(conn: HostConnection) -> None:
        q = Qubit(conn)
        q.rot_X(n=n, d=d)
        q.measure()
    return build


def looped(stop: int) -> Build:
    def build(conn: HostConnection) -> None:
        outcomes = conn.new_array(4)
        with conn.loop(stop) as i:
            q = Qubit(conn)
            q.H()
            q.measure(outcomes.get_future_index(i))
    return build


def two_qubits(conn: HostConnection) -> None:
    q0, q1 = Qubit(conn), Qubit(conn)
    q0.H()
    q0.cnot(q1)
    q1.T()
    q0.measure()
    q1.measure()


@pytest.mark.parametrize(
    ("what", "a", "b", "compiled"),
    [
        ("angle", (rotation(1, 2), {}), (rotation(1, 3), {}), 2),
        ("angle numerator", (rotation(1, 2), {}), (rotation(3, 2), {}), 2),
        ("loop bound", (looped(3), {}), (looped(4), {}), 2),
        # the instructions are the same: compiled once, the header differs
        ("app id", (two_qubits, {"app_id": 0}), (two_qubits, {"app_id": 1}), 1),
        ("app id, high byte", (two_qubits, {"app_id": 2}), (two_qubits, {"app_id": 258}), 1),
        ("NV vs generic compilation",
         (two_qubits, {}), (two_qubits, {"compiler": NVSubroutineTranspiler}), 2),
        ("NV, angle",
         (rotation(1, 2), {"compiler": NVSubroutineTranspiler}),
         (rotation(1, 3), {"compiler": NVSubroutineTranspiler}), 2),
    ],
)
def test_sdk_subroutines_differing_in_one_thing_get_their_own_bytes(what, a, b, compiled):
    want_a, want_b = sdk_bytes(a[0], **a[1]), sdk_bytes(b[0], **b[1])
    assert want_a != want_b
    cache = CompiledSubroutines(check=False)
    got = [through(cache, build, **kw) for build, kw in (a, b, a, b)]
    assert got == [want_a, want_b, want_a, want_b]
    assert (cache.misses, cache.hits) == (compiled, 4 - compiled)


def test_the_app_id_changes_only_the_header_and_is_a_hit():
    cache = CompiledSubroutines()
    first, second = through(cache, two_qubits, app_id=0), through(cache, two_qubits, app_id=7)
    assert (cache.misses, cache.hits) == (1, 1)
    assert second == sdk_bytes(two_qubits, app_id=7)
    assert first[:3] == second[:3] and first[3:5] != second[3:5] and first[5:] == second[5:]


@pytest.mark.parametrize(
    ("what", "a", "b"),
    [
        ("register", "set R0 5\nret_reg R0\n", "set R1 5\nret_reg R1\n"),
        ("array address", "array 2 @0\nstore R0 @0[1]\nret_arr @0\n",
         "array 2 @1\nstore R0 @1[1]\nret_arr @1\n"),
        ("array index", "array 2 @0\nstore R0 @0[0]\n", "array 2 @0\nstore R0 @0[1]\n"),
        ("array index register", "array 2 @0\nset R1 1\nstore R0 @0[R1]\n",
         "array 2 @0\nset R2 1\nstore R0 @0[R2]\n"),
        ("constant", "set R0 3\nadd R0 R0 4\n", "set R0 3\nadd R0 R0 5\n"),
        ("branch target", "set R0 0\nLOOP:\nadd R0 R0 1\nblt R0 3 LOOP\n",
         "set R0 0\nadd R0 R0 1\nLOOP:\nblt R0 3 LOOP\n"),
        ("loop bound", "set R0 0\nLOOP:\nadd R0 R0 1\nblt R0 3 LOOP\n",
         "set R0 0\nLOOP:\nadd R0 R0 1\nblt R0 4 LOOP\n"),
        ("instruction", "set Q0 0\nqalloc Q0\nh Q0\n", "set Q0 0\nqalloc Q0\nx Q0\n"),
    ],
)
def test_hand_written_subroutines_differing_in_one_thing_get_their_own_bytes(what, a, b):
    make_a, make_b = text(a), text(b)
    want_a, want_b = proto_sdk_bytes(make_a()), proto_sdk_bytes(make_b())
    assert want_a != want_b
    cache = CompiledSubroutines()
    got = [proto_through(cache, make()) for make in (make_a, make_b, make_a, make_b)]
    assert got == [want_a, want_b, want_a, want_b]
    assert (cache.misses, cache.hits) == (2, 2)


def _add_constant() -> ICmd:
    # the assembler puts 5 into a free register with a `set` before the add
    r0 = Register(RegisterName.R, 0)
    return ICmd(instruction=GenericInstr.ADD, operands=[r0, r0, 5])


def _store_entry(entry: ArrayEntry) -> ICmd:
    return ICmd(instruction=GenericInstr.STORE, operands=[Register(RegisterName.R, 0), entry])


def _array() -> ICmd:
    return ICmd(instruction=GenericInstr.ARRAY, operands=[2, Address(0)])


def shared_command() -> ProtoSubroutine:
    cmd = _add_constant()
    return ProtoSubroutine([cmd, cmd])


def equal_commands() -> ProtoSubroutine:
    return ProtoSubroutine([_add_constant(), _add_constant()])


def shared_entry() -> ProtoSubroutine:
    entry = ArrayEntry(Address(0), 1)
    return ProtoSubroutine([_array(), _store_entry(entry), _store_entry(entry)])


def equal_entries() -> ProtoSubroutine:
    return ProtoSubroutine([
        _array(), _store_entry(ArrayEntry(Address(0), 1)), _store_entry(ArrayEntry(Address(0), 1)),
    ])


@pytest.mark.parametrize(
    ("shared", "equal"), [(shared_command, equal_commands), (shared_entry, equal_entries)]
)
@pytest.mark.parametrize("shared_first", [True, False])
def test_an_object_occurring_twice_is_not_confused_with_two_equal_objects(
    shared, equal, shared_first
):
    # The assembler rewrites in place: the second occurrence of a shared
    # object is already rewritten, so it compiles to fewer instructions.
    want_shared, want_equal = proto_sdk_bytes(shared()), proto_sdk_bytes(equal())
    assert len(want_shared) < len(want_equal)
    cache = CompiledSubroutines()
    order = [(shared, want_shared), (equal, want_equal)]
    if not shared_first:
        order.reverse()
    for make, want in order + order:
        assert proto_through(cache, make()) == want
    assert (cache.misses, cache.hits) == (2, 2)


def test_the_sdks_repeated_correction_commands_are_cached():
    # netqasm adds the same x180 command objects in two branches of a Bell correction
    key = subroutine_key(shared_command())
    assert key is not None and key[1][1] == ("=", 0)


@pytest.mark.parametrize(
    ("what", "operand"),
    [("bool", True), ("numpy integer", np.int64(5)), ("template", Template("x"))],
)
def test_operands_the_key_cannot_write_exactly_are_compiled_uncached(what, operand):
    proto = ProtoSubroutine([ICmd(instruction=GenericInstr.SET,
                                  operands=[Register(RegisterName.R, 0), operand])])
    assert subroutine_key(proto) is None


def test_commands_whose_args_are_not_a_list_are_compiled_uncached():
    cmd = ICmd(instruction=GenericInstr.SET, operands=[Register(RegisterName.R, 0), 1])
    cmd.args = 5  # type: ignore[assignment]
    assert subroutine_key(ProtoSubroutine([cmd])) is None


def test_an_intenum_operand_is_keyed_apart_from_its_int_value():
    def proto(value: Any) -> ProtoSubroutine:
        reg = Register(RegisterName.R, 3)
        return ProtoSubroutine([ICmd(instruction=GenericInstr.SET, operands=[reg, value])])

    enum_key = subroutine_key(proto(SerializedKeepResultIndex.BELL_STATE))
    assert enum_key is not None and enum_key != subroutine_key(proto(9))
    cache = CompiledSubroutines()
    for value in (SerializedKeepResultIndex.BELL_STATE, 9, SerializedKeepResultIndex.BELL_STATE):
        assert proto_through(cache, proto(value)) == proto_sdk_bytes(proto(value))
    assert (cache.misses, cache.hits, cache.unkeyed) == (2, 1, 0)


def test_unkeyed_subroutines_are_compiled_every_time():
    cache = CompiledSubroutines()
    reg = Register(RegisterName.R, 0)

    def proto() -> ProtoSubroutine:
        return ProtoSubroutine([ICmd(instruction=GenericInstr.SET, operands=[reg, True])])

    want = proto_sdk_bytes(proto())
    assert proto_through(cache, proto()) == proto_through(cache, proto()) == want
    assert (cache.unkeyed, cache.misses, cache.hits, len(cache)) == (2, 0, 0, 0)


def test_a_builder_that_logs_its_subroutines_compiles_every_time():
    cache = CompiledSubroutines()
    for _ in range(2):
        conn = connection(cache)
        conn._builder._track_lines = True  # the SDK then keeps every compiled Subroutine
        two_qubits(conn)
        conn.flush()
        assert len(conn._builder.committed_subroutines) == 1
    assert (cache.unkeyed, cache.misses, len(cache)) == (2, 0, 0)


def test_line_numbers_do_not_change_the_key():
    a, b = text("set R0 5\n")(), text("set R0 5\n")()
    b.commands[0].lineno = 42  # type: ignore[assignment]
    assert subroutine_key(a) == subroutine_key(b)


def test_the_cache_keeps_at_most_max_entries_least_recently_used_first_out():
    cache = CompiledSubroutines(max_entries=2)
    builds = [rotation(n, 3) for n in (1, 2, 3)]
    for build in builds:
        through(cache, build)
    assert len(cache) == 2 and cache.misses == 3
    through(cache, builds[2])  # a hit: the most recent stays
    through(cache, builds[0])  # evicted before: compiled again, evicting builds[1]
    assert (cache.hits, cache.misses, len(cache)) == (1, 4, 2)
    through(cache, builds[1])
    assert cache.misses == 5


def test_the_cache_bounds_the_commands_its_keys_hold():
    small = text("set R0 1\n")
    large = text("".join(f"set R{i} {i}\n" for i in range(10)))
    cache = CompiledSubroutines(max_commands=5)
    proto_through(cache, large())
    assert len(cache) == 0 and cache.commands == 0  # more than the bound: never kept
    for _ in range(2):
        proto_through(cache, small())
    assert (len(cache), cache.commands, cache.hits) == (1, 1, 1)


def test_bounds_must_not_be_negative():
    with pytest.raises(ValueError, match=r"max_entries=-1, max_commands=5"):
        CompiledSubroutines(max_entries=-1, max_commands=5)


def test_check_mode_reports_a_cached_subroutine_that_differs_from_a_fresh_compilation():
    cache = CompiledSubroutines(check=True)
    through(cache, two_qubits, app_id=3)
    assert through(cache, two_qubits, app_id=3) == sdk_bytes(two_qubits, app_id=3)
    ((key, (compiled, commands)),) = cache._entries.items()
    wrong = dataclasses.replace(compiled, body=compiled.body[:-1] + bytes([compiled.body[-1] ^ 1]))
    cache._entries[key] = (wrong, commands)
    with pytest.raises(CompileCacheMismatch, match=r"app 3: \d+ cached bytes differ from the "
                       r"\d+ bytes of a fresh compilation, first at byte \d+"):
        through(cache, two_qubits, app_id=3)


def test_a_header_unlike_the_sdks_is_refused_before_anything_is_kept(monkeypatch):
    # The cache writes the header itself; if netqasm ever wrote it differently,
    # the first compilation of each subroutine says so instead of caching.
    real = compiled_module.Metadata
    monkeypatch.setattr(compiled_module, "Metadata",
                        lambda netqasm_version, app_id: real(netqasm_version, app_id + 1))
    cache = CompiledSubroutines()
    with pytest.raises(CompileCacheMismatch, match=r"subroutine of app 2: the SDK's header "
                       r"[0-9a-f]{10} is not [0-9a-f]{10}"):
        through(cache, two_qubits, app_id=2)
    assert len(cache) == 0


def test_check_mode_follows_the_environment(monkeypatch):
    monkeypatch.setenv(CHECK_ENV, "1")
    assert CompiledSubroutines().check is True
    monkeypatch.setenv(CHECK_ENV, "0")
    assert CompiledSubroutines().check is False
    monkeypatch.setenv(CHECK_ENV, "maybe")
    with pytest.raises(ValueError, match=r"NETQSIM_CHECK_COMPILE_CACHE='maybe': expected 1 or 0"):
        CompiledSubroutines()


def test_each_endpoint_has_its_own_cache():
    a, b = Recorder(), Recorder()
    assert compiled_subroutines_for(a) is compiled_subroutines_for(a)
    assert compiled_subroutines_for(a) is not compiled_subroutines_for(b)
    assert connection(app_id=0).compiled is not connection(app_id=0).compiled


class Unhashable:
    __hash__ = None  # type: ignore[assignment]


@pytest.mark.parametrize("endpoint", [None, Unhashable()], ids=["no weak reference", "unhashable"])
def test_an_endpoint_that_cannot_key_a_cache_gets_a_new_one_each_time(endpoint):
    assert compiled_subroutines_for(endpoint) is not compiled_subroutines_for(endpoint)


# ------------------------------------------------------------------------------- fuzz

_gate = st.one_of(
    st.tuples(st.sampled_from(["H", "X", "Z", "S", "T"]), st.integers(0, 1)),
    st.tuples(st.sampled_from(["rot_X", "rot_Y", "rot_Z"]), st.integers(0, 1),
              st.integers(1, 3), st.integers(0, 2)),
    st.tuples(st.just("cnot"), st.integers(0, 1)),
)
_program = st.tuples(
    st.lists(_gate, max_size=5),
    st.integers(0, 3),  # loop bound around a measured H (0: no loop)
    st.booleans(),  # NV compilation
    st.sampled_from([None, 0, 1]),  # X on qubit 1 if qubit 0 measured this (None: no branch)
)


def _build(program: tuple[list[tuple[Any, ...]], int, bool, int | None]) -> Build:
    gates, loop, _, branch_on = program

    def build(conn: HostConnection) -> None:
        qubits = [Qubit(conn), Qubit(conn)]
        for name, q, *angle in gates:
            if name == "cnot":
                qubits[q].cnot(qubits[1 - q])
            elif angle:
                getattr(qubits[q], name)(n=angle[0], d=angle[1])
            else:
                getattr(qubits[q], name)()
        first = qubits[0].measure()
        if branch_on is not None:
            with first.if_eq(branch_on):
                qubits[1].X()
        qubits[1].measure()
        if loop:
            outcomes = conn.new_array(loop)
            with conn.loop(loop) as i:
                extra = Qubit(conn)
                extra.H()
                extra.measure(outcomes.get_future_index(i))
    return build


@settings(max_examples=FUZZ_EXAMPLES, deadline=None)
@given(st.lists(_program, min_size=1, max_size=6), st.lists(st.integers(0, 3), min_size=6,
                                                            max_size=6))
def test_random_programs_through_one_cache_give_the_sdks_bytes(programs, app_ids):
    cache = CompiledSubroutines(check=True)
    for program, app_id in zip(programs + programs, app_ids + app_ids, strict=False):
        compiler = NVSubroutineTranspiler if program[2] else None
        build = _build(program)
        assert through(cache, build, app_id, compiler) == sdk_bytes(build, app_id, compiler)
