"""Whole runs with the host's compile cache: SDK work done once, bytes and results unchanged.

``NETQSIM_CHECK_COMPILE_CACHE=1`` makes every cache hit compile again with the
SDK and compare the bytes (a difference raises ``CompileCacheMismatch``), so
running the programs of the runtime and entanglement tests in that mode
checks that cached bytes equal freshly compiled ones for each of them.
"""

from __future__ import annotations

from typing import Any

import netqasm.sdk.builder as sdk_builder
import pytest
from netqasm.lang.subroutine import Subroutine
from netqasm.sdk.qubit import Qubit
from tests.epr.programs import (
    KeepMeasure,
    MeasureDirectly,
    RspCreate,
    RspRecv,
    SwapEnd,
    SwapMiddle,
    device,
    ghz_chain,
    keep_pair,
)
from tests.runtime.programs import BellLocal

import netqsim
import netqsim.host.connection as connection_module
from netqsim import Program, ProgramMeta
from netqsim.config import (
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
    StackConfig,
    StackNetworkConfig,
    chain,
    two_nodes,
)
from netqsim.demo import TeleportAlice, TeleportBob, default_config_path
from netqsim.host.compiled import CHECK_ENV, CompiledSubroutines


def one_node(qdevice_typ: str = "generic", qdevice_cfg: Any = None) -> StackNetworkConfig:
    cfg = qdevice_cfg or GenericQDeviceConfig.perfect_config(num_qubits=2, T1=0, T2=0)
    return StackNetworkConfig(
        stacks=[StackConfig(name="Alice", qdevice_typ=qdevice_typ, qdevice_cfg=cfg)], links=[]
    )


class RotateMeasure(Program):
    """Ry(n pi / 2^d) then a measurement; ``n`` cycles through ``angles`` per iteration."""

    def __init__(self, angles: list[int]) -> None:
        self.angles, self.count = angles, 0

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="rotate", max_qubits=2)

    def run(self, context: Any) -> Any:
        conn = context.connection
        n = self.angles[self.count % len(self.angles)]
        self.count += 1
        q0, q1 = Qubit(conn), Qubit(conn)
        q0.rot_Y(n=n, d=2)
        q0.cnot(q1)
        m0, m1 = q0.measure(), q1.measure()
        yield from conn.flush()
        return {"n": n, "m0": int(m0), "m1": int(m1)}


def nv_node() -> StackNetworkConfig:
    return one_node("nv", NVQDeviceConfig.perfect_config(num_qubits=3))


def teleport() -> tuple[Any, dict[str, Program]]:
    return StackNetworkConfig.from_file(default_config_path()), {
        "Alice": TeleportAlice(), "Bob": TeleportBob()
    }


NV_TWO_NODES = default_config_path().parent / "nv_two_nodes.yaml"

#: name -> (network config, programs); each runs 12 iterations in check mode.
WORKLOADS = {
    "bell local": lambda: (one_node(), {"Alice": BellLocal()}),
    "angles": lambda: (one_node(), {"Alice": RotateMeasure([1, 2, 3])}),
    "nv angles": lambda: (nv_node(), {"Alice": RotateMeasure([1, 3])}),
    "teleport": teleport,
    "nv keep, bases in turn": lambda: (StackNetworkConfig.from_file(NV_TWO_NODES),
                                       keep_pair(bases=("X", "Y", "Z"))),
    "keep, bases in turn": lambda: (
        two_nodes(qdevice=device(), link=PerfectLinkConfig()),
        keep_pair(bases=("X", "Y", "Z", "Z+X")),
    ),
    "keep, 3 per request, 1 qubit": lambda: (
        two_nodes(qdevice=device(num_qubits=3), link=DepolariseLinkConfig(
            fidelity=0.9, prob_success=0.5, t_cycle=10)),
        {"Alice": KeepMeasure("Bob", "create", number=3),
         "Bob": KeepMeasure("Alice", "recv", number=3)},
    ),
    "keep, max_qubits=1": lambda: (
        two_nodes(qdevice=device(), link=PerfectLinkConfig()),
        {"Alice": KeepMeasure("Bob", "create", max_qubits=1),
         "Bob": KeepMeasure("Alice", "recv", max_qubits=1)},
    ),
    "measure directly": lambda: (
        two_nodes(qdevice=device(), link=PerfectLinkConfig()),
        {"Alice": MeasureDirectly("Bob", "create", number=2),
         "Bob": MeasureDirectly("Alice", "recv", number=2)},
    ),
    "rsp": lambda: (
        two_nodes(qdevice=device(), link=PerfectLinkConfig()),
        {"Alice": RspCreate("Bob"), "Bob": RspRecv("Alice", "Z")},
    ),
    "swap": lambda: (
        chain(["Alice", "Bob", "Charlie"], qdevice=device()),
        {"Alice": SwapEnd("Bob", "create", "X"), "Bob": SwapMiddle("Alice", "Charlie"),
         "Charlie": SwapEnd("Bob", "recv", "X")},
    ),
    "ghz": lambda: (chain(["A", "B", "C", "D"], qdevice=device()),
                    ghz_chain(["A", "B", "C", "D"], "X")),
}


@pytest.fixture
def caches(monkeypatch: pytest.MonkeyPatch) -> dict[int, CompiledSubroutines]:
    """Every node's compile cache made during the test, in check mode."""
    monkeypatch.setenv(CHECK_ENV, "1")
    made: dict[int, CompiledSubroutines] = {}
    for_endpoint = connection_module.compiled_subroutines_for

    def recording(endpoint: Any) -> CompiledSubroutines:
        cache = for_endpoint(endpoint)
        made[id(cache)] = cache
        return cache

    monkeypatch.setattr(connection_module, "compiled_subroutines_for", recording)
    return made


@pytest.mark.parametrize("workload", sorted(WORKLOADS))
def test_every_cache_hit_equals_a_fresh_compilation_and_results_are_unchanged(
    workload, caches, monkeypatch
):
    config, programs = WORKLOADS[workload]()
    cached = netqsim.run(config, programs, num_times=12, seed=5)
    used = list(caches.values())
    assert used and all(cache.check for cache in used)
    assert sum(cache.hits for cache in used) > 0
    assert sum(cache.unkeyed for cache in used) == 0
    # The same run with nothing kept: every subroutine compiled by the SDK.
    monkeypatch.setattr(connection_module, "compiled_subroutines_for",
                        lambda endpoint: CompiledSubroutines(max_entries=0))
    config, programs = WORKLOADS[workload]()
    assert list(netqsim.run(config, programs, num_times=12, seed=5)) == list(cached)


def test_a_repeated_program_is_assembled_and_serialized_once(monkeypatch):
    monkeypatch.delenv(CHECK_ENV, raising=False)  # check mode compiles every hit again
    counts = {"assemble": 0, "serialize": 0}
    assemble, serialize = sdk_builder.assemble_subroutine, Subroutine.__bytes__

    def counting_assemble(*args: Any, **kwargs: Any) -> Any:
        counts["assemble"] += 1
        return assemble(*args, **kwargs)

    def counting_serialize(self: Subroutine) -> bytes:
        counts["serialize"] += 1
        return serialize(self)

    monkeypatch.setattr(sdk_builder, "assemble_subroutine", counting_assemble)
    monkeypatch.setattr(Subroutine, "__bytes__", counting_serialize)
    results = netqsim.run(one_node(), {"Alice": BellLocal()}, num_times=20, seed=2)
    assert len(results["Alice"]) == 20
    assert counts == {"assemble": 1, "serialize": 1}


def test_teleport_compiles_each_distinct_subroutine_once_per_node(caches):
    config, programs = teleport()
    netqsim.run(config, programs, num_times=40, seed=3)
    used = sorted(caches.values(), key=lambda c: c.misses)
    # Alice: one subroutine. Bob: the pair; the corrections X, Z or XZ (none for
    # outcomes 00: nothing to send); the check measurement.
    assert [c.misses for c in used] == [1, 5]
    alice, bob = (c.hits + c.misses for c in used)
    assert alice == 40 and 2 * 40 < bob <= 3 * 40
