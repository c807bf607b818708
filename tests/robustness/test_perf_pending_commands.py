"""A flush compiles the builder's pending commands without the SDK's ProtoSubroutine first.

``CorrectingBuilder.pop_pending_commands`` must take exactly the commands
``subrt_pop_pending_subroutine`` wraps (leaving the builder alike), and
``CompiledSubroutines.compile_commands`` must give the bytes ``compile`` gives
for the SDK's ``ProtoSubroutine`` of them, cached or not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from netqasm.lang.encoding import RegisterName
from netqasm.lang.ir import GenericInstr, ICmd
from netqasm.lang.operand import Register, Template
from netqasm.lang.version import NETQASM_VERSION
from netqasm.sdk.epr_socket import EPRSocket
from netqasm.sdk.qubit import Qubit

from netqsim.host.compiled import CompiledSubroutines, compile_message
from netqsim.host.connection import HostConnection
from netqsim.host.network_info import make_network_info
from netqsim.host.nv_compiler import NVCompiler
from netqsim.host.subroutine_key import commands_key, subroutine_key


def connection(compiler: Any = None) -> HostConnection:
    return HostConnection(
        object(), app_name="Alice", node_name="Alice", app_id=2, max_qubits=3,
        network_info=make_network_info({"Alice": 0, "Bob": 1}), compiler=compiler,
        compiled=CompiledSubroutines(),
    )


def arrays_and_registers(conn: HostConnection) -> None:
    array = conn.new_array(3, init_values=[1, 1, 1])
    q = Qubit(conn)
    q.H()
    m = q.measure()
    with m.if_eq(1):
        array.get_future_index(1).add(1)


def received_pair(conn: HostConnection) -> None:
    socket = EPRSocket("Bob", epr_socket_id=0, remote_epr_socket_id=0)
    socket.conn = conn
    socket.recv_keep(number=2)[1].measure()


def nothing(conn: HostConnection) -> None:
    return None


def builder_state(conn: HostConnection) -> tuple:
    builder = conn._builder
    return (
        builder._pending_commands, sorted(map(str, builder._mem_mgr._active_registers)),
        builder._mem_mgr._used_array_addresses,
        [(a.address, len(a)) for a in builder._mem_mgr._arrays_to_return],
        builder._mem_mgr._registers_to_return, sorted(builder._label_mgr._labels),
    )


@pytest.mark.parametrize("compiler", [None, NVCompiler])
@pytest.mark.parametrize("build", [arrays_and_registers, received_pair, nothing])
def test_the_pending_commands_are_those_the_sdks_subroutine_holds(
    build: Callable[[HostConnection], None], compiler: Any
):
    ours, sdks = connection(compiler), connection(compiler)
    build(ours)
    build(sdks)
    commands = ours._builder.pop_pending_commands()
    proto = sdks._builder.subrt_pop_pending_subroutine()
    assert builder_state(ours) == builder_state(sdks)
    if proto is None:
        assert commands is None
        return
    assert proto.netqasm_version == NETQASM_VERSION
    assert [str(c) for c in commands] == [str(c) for c in proto.commands]
    assert commands_key(commands, NETQASM_VERSION) == subroutine_key(proto) is not None
    want = compile_message(sdks._builder, proto, 2)
    cache = CompiledSubroutines()
    assert cache.compile_commands(ours._builder, commands, 2) == want  # a miss
    again = connection(compiler)
    build(again)
    assert cache.compile_commands(again._builder, again._builder.pop_pending_commands(), 2) == want
    assert (cache.misses, cache.hits, cache.unkeyed) == (1, 1, 0)


def test_commands_with_a_template_operand_are_compiled_as_the_sdk_instantiates_them():
    cmd = ICmd(instruction=GenericInstr.SET, operands=[Register(RegisterName.R, 0), Template("x")])
    assert commands_key([cmd], NETQASM_VERSION) is None
