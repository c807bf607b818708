"""The receiver's Bell corrections, replayed from the memo, compile to the SDK's exact bytes.

Every case is built three times on fresh connections: by the SDK alone, by
the memo recording it, and by the memo replaying it; the subroutine bytes and
the builder state left behind (labels, active registers, if-context counter)
must be equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from netqasm.sdk.epr_socket import EPRSocket
from netqasm.sdk.qubit import Qubit

import netqsim.host.builder as builder_module
from netqsim.host.builder import CorrectingBuilder
from netqsim.host.compiled import CompiledSubroutines, compile_message
from netqsim.host.connection import HostConnection
from netqsim.host.correction_memo import CorrectionMemo
from netqsim.host.network_info import make_network_info
from netqsim.host.nv_compiler import NVCompiler

APP_ID = 3


class SdkOnlyBuilder(CorrectingBuilder):
    """Builds the corrections with the SDK every time (the reference)."""

    _build_cmds_epr_keep_corrections = CorrectingBuilder._build_corrections_with_sdk


def build(
    body: Callable[[Any, EPRSocket], None], compiler: Any, sdk_only: bool, max_qubits: int
) -> tuple:
    conn = HostConnection(
        object(), app_name="Alice", node_name="Alice", app_id=APP_ID, max_qubits=max_qubits,
        network_info=make_network_info({"Alice": 0, "Bob": 1}), compiler=compiler,
        compiled=CompiledSubroutines(max_entries=0),
    )
    if sdk_only:
        conn._builder.__class__ = SdkOnlyBuilder
    socket = EPRSocket("Bob", epr_socket_id=0, remote_epr_socket_id=0)
    socket.conn = conn
    body(conn, socket)
    builder = conn._builder
    proto = builder.subrt_pop_pending_subroutine()
    raw, _ = compile_message(builder, proto, APP_ID)
    state = (
        sorted(builder._label_mgr._labels),
        sorted(map(str, builder._mem_mgr._active_registers)),
        builder._next_context_id,
    )
    return raw, state


def pairs(number: int, psi: bool) -> Callable[[Any, EPRSocket], None]:
    def body(conn: Any, socket: EPRSocket) -> None:
        qubits = socket.recv_keep(number=number, expect_phi_plus=not psi, expect_psi_plus=psi)
        for q in qubits:
            q.measure()
    return body


def local_first_then_two_requests(conn: Any, socket: EPRSocket) -> None:
    Qubit(conn).measure()  # a measurement register and a label-free command before
    socket.recv_keep(number=2)[0].measure()
    socket.recv_keep(number=1, expect_phi_plus=False, expect_psi_plus=True)[0].H()


def inside_an_if(conn: Any, socket: EPRSocket) -> None:
    m = Qubit(conn).measure()
    with m.if_eq(1):
        socket.recv_keep(number=2)[1].X()


# The SDK corrects on the receiver when it waits for the pairs: always on a
# generic device; on NV (one communication qubit) when the program registered
# a single qubit (netqsim's CorrectingBuilder then waits, see builder.py).
CASES = [
    *[(f"{n} pairs, {'psi+' if psi else 'phi+'}, generic", pairs(n, psi), None, 10)
      for n in (1, 2, 10) for psi in (False, True)],
    *[(f"1 pair, {'psi+' if psi else 'phi+'}, NV", pairs(1, psi), NVCompiler, 1)
      for psi in (False, True)],
    ("a local measurement, then two requests, generic", local_first_then_two_requests, None, 10),
    ("a request inside an if, generic", inside_an_if, None, 10),
]


@pytest.mark.parametrize(
    ("body", "compiler", "max_qubits"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_recorded_and_replayed_corrections_compile_to_the_sdks_bytes(
    body: Any, compiler: Any, max_qubits: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = CorrectionMemo()
    monkeypatch.setattr(builder_module, "corrections", memo)
    reference = build(body, compiler, sdk_only=True, max_qubits=max_qubits)
    recorded = build(body, compiler, sdk_only=False, max_qubits=max_qubits)
    assert memo.misses >= 1 and memo.hits == 0
    replayed = build(body, compiler, sdk_only=False, max_qubits=max_qubits)
    assert memo.hits == memo.misses and memo.unrecorded == 0
    again = build(body, compiler, sdk_only=False, max_qubits=max_qubits)  # after an assembly
    assert recorded[0] == reference[0]
    assert replayed[0] == again[0] == reference[0]
    assert recorded[1] == replayed[1] == again[1] == reference[1]


def test_line_tracking_bypasses_the_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = CorrectionMemo()
    monkeypatch.setattr(builder_module, "corrections", memo)

    def tracked(conn: Any, socket: EPRSocket) -> None:
        conn._builder._track_lines = True
        conn._builder._line_tracker._track_lines = False  # no app dir to look lines up in
        socket.recv_keep(number=1)[0].measure()

    build(tracked, None, sdk_only=False, max_qubits=10)
    assert (memo.hits, memo.misses, memo.unrecorded) == (0, 0, 1)
