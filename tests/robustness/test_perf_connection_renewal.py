"""A node renews each iteration's connection from a template instead of netqasm's constructor.

The renewed connection must be what the constructor would give: the same
attributes, the state a program changes made anew (never shared with the
template or an earlier iteration), and programs must run with exactly the
results they get with constructed connections, at fixed seeds.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
import netqsim.host.host as host_module
from netqsim import Program, ProgramMeta
from netqsim.config import GenericQDeviceConfig, InstantCLinkConfig, PerfectLinkConfig, two_nodes
from netqsim.host.builder import CorrectingBuilder, LeanMemoryManager
from netqsim.host.compiled import CompiledSubroutines
from netqsim.host.connection import HostConnection
from netqsim.host.network_info import make_network_info
from netqsim.host.nv_compiler import NVCompiler

#: Attributes holding per-connection state that a program changes.
FRESH = {"_app_ids", "_app_names", "_memory", "_line_tracker", "_builder"}
FRESH_IN_BUILDER = {
    "_connection", "_pending_commands", "_mem_mgr", "_pre_context_commands",
    "_pre_context_registers", "_label_mgr", "_line_tracker", "_committed_subroutines",
    "_hardware_config",
}


def constructed(app_id: int, compiler: Any = None, max_qubits: int = 3) -> HostConnection:
    return HostConnection(
        object(), app_name="Alice", node_name="Alice", app_id=app_id, max_qubits=max_qubits,
        network_info=make_network_info({"Alice": 0, "Bob": 1}), compiler=compiler,
        compiled=CompiledSubroutines(),
    )


def comparable(value: Any) -> Any:
    """A value, or for an object without equality its class and attributes (recursively)."""
    if isinstance(value, logging.Logger):  # one per name, shared by all connections
        return value
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return type(value), [comparable(v) for v in value]
    if type(value).__eq__ is object.__eq__ and hasattr(value, "__dict__"):
        return type(value), {k: comparable(v) for k, v in vars(value).items()}
    return value


@pytest.mark.parametrize("compiler", [None, NVCompiler])
def test_a_renewed_connection_has_the_state_the_constructor_gives(compiler):
    template = constructed(0, compiler)
    renewed = template.renewed(7)
    reference = constructed(7, compiler)
    reference._endpoint = template._endpoint
    reference.compiled = template.compiled
    assert type(renewed) is HostConnection
    assert vars(renewed).keys() == vars(reference).keys()
    for name, value in vars(reference).items():
        if name == "_builder":
            continue
        assert comparable(getattr(renewed, name)) == comparable(value), name
    builder, expected = renewed._builder, reference._builder
    assert type(builder) is CorrectingBuilder and type(builder._mem_mgr) is LeanMemoryManager
    assert builder._connection is renewed and builder.app_id == 7 and renewed.app_id == 7
    assert vars(builder).keys() == vars(expected).keys()
    for name, value in vars(expected).items():
        if name != "_connection":
            assert comparable(getattr(builder, name)) == comparable(value), name
    assert vars(builder._mem_mgr) == vars(expected._mem_mgr)


def test_state_a_program_changes_is_never_shared_with_the_template_or_another_renewal():
    template = constructed(0)
    first, second = template.renewed(1), template.renewed(2)
    for name in FRESH:
        assert getattr(first, name) is not getattr(template, name), name
        assert getattr(first, name) is not getattr(second, name), name
    for name in FRESH_IN_BUILDER:
        assert getattr(first._builder, name) is not getattr(template._builder, name), name
        assert getattr(first._builder, name) is not getattr(second._builder, name), name
    for name, value in vars(first._builder._mem_mgr).items():
        assert value is not getattr(second._builder._mem_mgr, name), name
    Qubit(first).measure()  # allocates a qubit, a register, an array; adds commands
    assert template._builder._pending_commands == [] == second._builder._pending_commands
    assert template._builder._mem_mgr._active_qubits == [] == second.builder._mem_mgr._active_qubits


def test_a_template_with_state_renewal_does_not_know_is_constructed_anew():
    template = constructed(0)
    template.extra = "something a subclass or another SDK version set"
    renewed = template.renewed(5)
    assert "extra" not in vars(renewed)  # built by the constructor
    assert renewed.app_id == 5 and renewed._builder._connection is renewed


class Varying(Program):
    """Per iteration, an rng-chosen number of qubits and arrays; returns every outcome.

    Iteration k also keeps its futures, and iteration k+1 checks that they
    still read iteration k's values (its shared memory, not the new one).
    """

    def __init__(self) -> None:
        self.previous: list[Any] = []

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="varying", max_qubits=4)

    def run(self, context: Any) -> Any:
        conn = context.connection
        old = [(future, int(future)) for future in self.previous]
        qubits = int(context.rng.integers(1, 5))
        array = conn.new_array(int(context.rng.integers(1, 4)), init_values=[1] * 3)
        outcomes = []
        for i in range(qubits):
            q = Qubit(conn)
            if (i + int(context.rng.integers(0, 2))) % 2:
                q.X()
            outcomes.append(q.measure())
        yield from conn.flush()
        self.previous = outcomes
        return {
            "m": [int(m) for m in outcomes],
            "array": [int(v) for v in array.get_future_slice(slice(0, len(array)))],
            "old_futures_unchanged": all(int(f) == value for f, value in old),
            "app_id": conn.app_id,
        }


def run_varying(renew: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not renew:
        def construct(self: Any, app_id: int, max_qubits: int) -> HostConnection:
            return HostConnection(
                self.endpoint, app_name=self.name, node_name=self.name, app_id=app_id,
                max_qubits=max_qubits, network_info=self._network_info, compiler=self._compiler,
            )
        monkeypatch.setattr(host_module.Host, "_connection_for", construct)
    config = two_nodes(
        qdevice=GenericQDeviceConfig.perfect_config(num_qubits=4, T1=0, T2=0),
        link=PerfectLinkConfig(state_delay=1000), clink=InstantCLinkConfig(),
    )
    return netqsim.run(config, {"Alice": Varying()}, num_times=30, seed=11)


def test_iterations_allocating_differently_give_the_results_of_constructed_connections(
    monkeypatch: pytest.MonkeyPatch,
):
    renewed = run_varying(True, monkeypatch)
    reference = run_varying(False, monkeypatch)
    assert renewed == reference
    results = renewed["Alice"]
    assert {len(r["m"]) for r in results} == {1, 2, 3, 4}  # allocations did vary
    assert all(r["old_futures_unchanged"] for r in results)
