"""The SquidASM/NetSquid names are netqsim's objects and behave as scripts rely on."""

from __future__ import annotations

import importlib
import math
import os
import sys
from pathlib import Path

import numpy as np
import pytest

import netqsim
from netqsim.compat.hook import compat_imports
from netqsim.compat.runner import ScriptNotFound, run_script
from netqsim.compat.session import current_session, session
from netqsim.compat.squidasm import MODULES
from netqsim.config import DefaultCLinkConfig, DepolariseLinkConfig, PerfectLinkConfig


def test_squidasm_names_are_netqsims_own() -> None:
    with compat_imports(MODULES):
        from netsquid_netbuilder.modules.qlinks.depolarise import DepolariseQLinkConfig
        from pydynaa import EventExpression
        from squidasm.run.stack.config import GenericQDeviceConfig, StackNetworkConfig
        from squidasm.sim.stack.csocket import ClassicalSocket
        from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
        from squidasm.util.routines import measXY, teleport_send

        assert (Program, ProgramMeta, ProgramContext) == (
            netqsim.Program, netqsim.ProgramMeta, netqsim.ProgramContext)
        assert StackNetworkConfig is netqsim.StackNetworkConfig
        assert GenericQDeviceConfig is netqsim.GenericQDeviceConfig
        assert ClassicalSocket is netqsim.Socket
        assert EventExpression is netqsim.kernel.Event
        assert DepolariseQLinkConfig is DepolariseLinkConfig
        assert measXY is netqsim.util.measure_xy
        assert teleport_send is netqsim.util.teleport_send


def test_every_mapped_module_imports_and_offers_its_names() -> None:
    with compat_imports(MODULES):
        for entry in MODULES:
            module = importlib.import_module(entry.name)
            assert module.__all__, entry.name
            for name in module.__all__:
                assert getattr(module, name) is not None


def test_ketstates_are_netsquids_column_vectors() -> None:
    with compat_imports(MODULES):
        import netsquid as ns

        ks = ns.qubits.ketstates  # reachable from `import netsquid`, as in NetSquid
    r = 1 / math.sqrt(2)
    assert ks.s0.shape == (2, 1) and ks.b00.shape == (4, 1)
    np.testing.assert_allclose(ks.h1.ravel(), [r, -r])
    np.testing.assert_allclose(ks.y0.ravel(), [r, 1j * r])
    np.testing.assert_allclose(ks.s10.ravel(), [0, 0, 1, 0])
    np.testing.assert_allclose(ks.b00.ravel(), [r, 0, 0, r])   # Phi+
    np.testing.assert_allclose(ks.b01.ravel(), [0, r, r, 0])   # Psi+
    np.testing.assert_allclose(ks.b10.ravel(), [r, 0, 0, -r])  # Phi-
    np.testing.assert_allclose(ks.b11.ravel(), [0, r, -r, 0])  # Psi-
    np.testing.assert_allclose(ks.ket2dm(ks.b00), ks.b00 @ ks.b00.conj().T)


def test_global_settings_go_to_the_runners_session() -> None:
    with compat_imports(MODULES):
        import netsquid as ns
        from netsquid.qubits.qformalism import QFormalism

        with pytest.raises(RuntimeError, match="only in a script run by a netqsim runner"):
            ns.set_random_state(seed=1)
        with session() as active:
            ns.set_qstate_formalism(QFormalism.KET)
            assert active.formalism == "ket"
            with pytest.raises(TypeError, match="set_qstate_formalism takes a QFormalism"):
                ns.set_qstate_formalism("ket")
            ns.set_random_state(seed=5)
            seeds = [current_session().next_seed() for _ in range(3)]
            ns.set_random_state(seed=5)
            assert [active.next_seed() for _ in range(3)] == seeds
            assert len(set(seeds)) == 3
            ns.set_random_state()
            assert active.next_seed() is None
            with pytest.raises(ValueError, match="non-negative integer"):
                ns.set_random_state(seed=-1)


def test_create_two_node_network_takes_squidasms_noise_numbers() -> None:
    with compat_imports(MODULES):
        from squidasm.util import create_two_node_network

    cfg = create_two_node_network(["A", "B"], link_noise=0.2, qdevice_noise=0.1,
                                  clink_delay=250.0, link_delay=40.0)
    assert cfg.stack_names == ["A", "B"]
    device = cfg.stacks[0].qdevice_cfg
    assert (device.single_qubit_gate_depolar_prob, device.two_qubit_gate_depolar_prob) == (
        0.1, 0.1)
    assert (device.init_time, device.measure_time) == (0, 0)
    link = cfg.links[0].cfg
    assert isinstance(link, DepolariseLinkConfig)
    assert (link.fidelity, link.prob_success, link.t_cycle) == (1 - 0.2 * 3 / 4, 1, 40.0)
    assert cfg.clinks[0].cfg == DefaultCLinkConfig(delay=250.0)
    assert create_two_node_network().stack_names == ["Alice", "Bob"]


def test_create_complete_graph_network_links_every_pair() -> None:
    with compat_imports(MODULES):
        from squidasm.util.util import create_complete_graph_network

    cfg = create_complete_graph_network(["A", "B", "C"], "perfect",
                                        PerfectLinkConfig(state_delay=100),
                                        clink_typ="default", clink_cfg=DefaultCLinkConfig(delay=7))
    assert [(link.stack1, link.stack2) for link in cfg.links] == [
        ("A", "B"), ("A", "C"), ("B", "C")]
    assert all(link.cfg.state_delay == 100 for link in cfg.links)
    assert all(c.typ == "default" and c.cfg.delay == 7 for c in cfg.clinks)
    instant = create_complete_graph_network(["A", "B"], "perfect", None)
    assert instant.clinks[0].typ == "instant"
    with pytest.raises(ValueError, match="at least one node name"):
        create_complete_graph_network([], "perfect", None)


def test_run_script_restores_the_process_and_removes_served_modules(tmp_path: Path) -> None:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "main.py").write_text(
        "import sys\nimport squidasm.run.stack.run\nimport netsquid\n"
        "sys.path.append('added-by-script')\nsys.exit(4)\n"
    )
    before = (os.getcwd(), sys.argv[:], sys.path[:], sys.meta_path[:])
    with pytest.raises(SystemExit) as stop:
        run_script(folder / "main.py", ["x"], MODULES)
    assert stop.value.code == 4
    assert (os.getcwd(), sys.argv, sys.path, sys.meta_path) == before
    assert not [m for m in sys.modules if m.split(".")[0] in ("squidasm", "netsquid")]
    with pytest.raises(ScriptNotFound, match=f"script {tmp_path} is not a file"):
        run_script(tmp_path, [], MODULES)


def test_each_script_imports_the_modules_of_its_own_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "application.py").write_text(f"VALUE = {name!r}\n")
        (folder / "run_simulation.py").write_text("import application\n"
                                                  "print(application.VALUE)\n")
    assert run_script(tmp_path / "first" / "run_simulation.py", [], MODULES) == 0
    assert run_script(tmp_path / "second" / "run_simulation.py", [], MODULES) == 0
    assert capsys.readouterr().out == "first\nsecond\n"
    assert "application" not in sys.modules


def test_squidasm_routine_names_are_netqsims_routines() -> None:
    with compat_imports(MODULES):
        from squidasm.util.routines import (
            recv_float,
            recv_int,
            recv_remote_state_preparation,
            remote_state_preparation,
            send_float,
            send_int,
        )
    assert (send_int, recv_int, send_float, recv_float) == (
        netqsim.util.send_int, netqsim.util.recv_int, netqsim.util.send_float,
        netqsim.util.recv_float)
    assert remote_state_preparation is netqsim.util.queue_remote_state
    assert recv_remote_state_preparation is netqsim.util.queue_recv_remote_state


class _Peer(netqsim.Program):
    def __init__(self, peer: str, body: object) -> None:
        self.peer, self.body = peer, body

    @property
    def meta(self) -> netqsim.ProgramMeta:
        return netqsim.ProgramMeta("peer", csockets=[self.peer], epr_sockets=[self.peer],
                                   max_qubits=2)

    def run(self, context: netqsim.ProgramContext) -> object:
        return self.body(context, self.peer)  # type: ignore[operator]


def _three_nodes() -> netqsim.StackNetworkConfig:
    from netqsim.config import GenericQDeviceConfig, chain
    return chain(["A", "B", "C"], qdevice=GenericQDeviceConfig.perfect_config(),
                 link=PerfectLinkConfig(state_delay=10))


def test_create_ghz_defaults_to_no_corrections_and_returns_the_outcome() -> None:
    with compat_imports(MODULES):
        from squidasm.util.routines import create_ghz

    def start(context, _peer):
        q, m = yield from create_ghz(context.connection, None, context.epr_sockets["B"])
        out = q.measure()
        yield from context.connection.flush()
        return {"out": int(out), "m": m}

    def middle(context, _peer):
        q, m = yield from create_ghz(context.connection, context.epr_sockets["A"],
                                     context.epr_sockets["C"])
        out = q.measure()
        yield from context.connection.flush()
        return {"out": int(out), "m": m}

    async def end(context, _peer):  # await works as yield from does
        q, m = await create_ghz(context.connection, context.epr_sockets["B"])
        out = q.measure()
        await context.connection.flush()
        return {"out": int(out), "m": m}

    class Middle(_Peer):
        @property
        def meta(self) -> netqsim.ProgramMeta:
            return netqsim.ProgramMeta("mid", csockets=["A", "C"], epr_sockets=["A", "C"],
                                       max_qubits=2)

    n = 40
    results = netqsim.run(_three_nodes(), {"A": _Peer("B", start), "B": Middle("A", middle),
                                           "C": _Peer("B", end)}, num_times=n, seed=3)
    rows = list(zip(results["A"], results["B"], results["C"], strict=True))
    assert all(a["m"] == c["m"] == 0 for a, _, c in rows)
    # Without corrections: B's outcome m says whether C's qubit is flipped.
    assert all(a["out"] == b["out"] == c["out"] ^ b["m"] for a, b, c in rows)
    # m is a fair coin: 40 outcomes, sigma 3.2; 5 sigma.
    assert abs(sum(b["m"] for _, b, _ in rows) - 20) < 16
    with pytest.raises(TypeError, match="ghz_line needs down_epr_socket or up_epr_socket"):
        next(iter(create_ghz(object())))


def test_qkd_routine_returns_key_and_error_rate_over_num_test_bits() -> None:
    with compat_imports(MODULES):
        from squidasm.util.qkd_routine import QKDRoutine

    def body(is_init, num_epr, num_test_bits=None):
        def run(context, peer):
            key, rate = yield from QKDRoutine.run(context, peer, is_init, num_epr,
                                                  num_test_bits)
            return {"key": key, "rate": rate}
        return run

    config = netqsim.config.two_nodes(link=PerfectLinkConfig(state_delay=10))
    results = netqsim.run(config, {"Alice": _Peer("Bob", body(True, 80)),
                                   "Bob": _Peer("Alice", body(False, 80))}, num_times=4, seed=5)
    for a, b in zip(results["Alice"], results["Bob"], strict=True):
        assert a["key"] == b["key"] and a["rate"] == b["rate"] == 0.0
        assert all(bit in (0, 1) for bit in a["key"])
    # num_test_bits defaults to num_epr // 4 = 20 of ~40 sifted pairs: key ~20 bits
    # per run; 4 runs, Binomial(320, 1/2) sifted minus 80 tested, sigma 9; 5 sigma.
    assert abs(sum(len(r["key"]) for r in results["Alice"]) - 80) < 45
    with pytest.raises(ValueError, match=r"QKDRoutine.run: num_test_bits is 0 \(num_epr=3\)"):
        next(iter(QKDRoutine.run(None, "Bob", True, 3)))


def test_qkd_raw_key_is_a_bitarray_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    from netqsim.compat.squidasm.qkd_routine import raw_key

    bitarray = pytest.importorskip("bitarray")
    key = raw_key([1, 0, 1])
    assert isinstance(key, bitarray.bitarray) and key.to01() == "101"
    assert (key ^ bitarray.bitarray("111")).to01() == "010"  # what SquidASM's examples do
    monkeypatch.setitem(sys.modules, "bitarray", None)  # not installed: a list of ints
    assert raw_key([1, 0, 1]) == [1, 0, 1]


def test_sim_time_follows_the_run_and_sim_reset_clears_it() -> None:
    with compat_imports(MODULES):
        import netsquid as ns
        from netsquid.util.simtools import sim_reset, sim_time
        from squidasm.run.stack.run import run
    assert (sim_time, sim_reset) == (ns.sim_time, ns.sim_reset)

    seen = []

    class Wait(netqsim.Program):
        @property
        def meta(self) -> netqsim.ProgramMeta:
            return netqsim.ProgramMeta("wait")

        def run(self, context: netqsim.ProgramContext) -> object:
            seen.append(sim_time())
            yield context.sim.timeout(1234)
            seen.append(sim_time())
            return {}

    with pytest.raises(RuntimeError, match="only in a script run by a netqsim runner"):
        sim_time()
    with session():
        assert sim_time() == 0.0
        results = run(netqsim.config.two_nodes(), {"Alice": Wait()}, num_times=2)
        assert results[0] == [{}, {}]
        assert seen == [0.0, 1234.0, 1234.0, 2468.0]
        assert sim_time() == 2468.0
        sim_reset()
        assert sim_time() == 0.0


def test_netbuilder_names_for_configs_and_network_generation() -> None:
    with compat_imports(MODULES):
        import squidasm.util
        from netsquid_netbuilder.base_configs import (
            CLinkConfig,
            LinkConfig,
            StackConfig,
            StackNetworkConfig,
        )
        from netsquid_netbuilder.util.network_generation import (
            create_complete_graph_network,
            create_simple_network,
        )
        from squidasm.util import create_two_node_network

        with pytest.raises(ImportError, match="cannot import name 'create_simple_network'"):
            squidasm.util.create_simple_network  # noqa: B018 (netbuilder's name only)
    assert (StackNetworkConfig, StackConfig) == (netqsim.StackNetworkConfig,
                                                 netqsim.config.StackConfig)
    # netbuilder's link entries also take node1/node2; they are netqsim's link models
    assert issubclass(LinkConfig, netqsim.config.LinkConfig)
    assert issubclass(CLinkConfig, netqsim.config.CLinkConfig)
    assert create_simple_network is create_two_node_network
    cfg = create_simple_network(node_names=["A", "B"], link_noise=0.1)
    assert cfg.stack_names == ["A", "B"] and cfg.links[0].cfg.fidelity == 1 - 0.1 * 3 / 4
    assert create_complete_graph_network(["A", "B", "C"], "perfect", None).links[2].stack1 == "B"
