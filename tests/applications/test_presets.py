"""Every config in configs/ loads, documents its sources, and runs a tiny program."""

import itertools
from pathlib import Path

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import HeraldedLinkConfig, NVQDeviceConfig, StackNetworkConfig
from netqsim.network.links import build_link_model

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
ALL = sorted(p.name for p in CONFIGS.glob("*.yaml"))


class PairAndLocal(Program):
    """Creates (or receives) one pair with ``peer``, measures it, and flips a local qubit."""

    def __init__(self, peer: str, create: bool) -> None:
        self.peer, self.create = peer, create

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta("tiny", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn, socket = context.connection, context.epr_sockets[self.peer]
        q = (socket.create_keep if self.create else socket.recv_keep)()[0]
        m = q.measure()
        yield from conn.flush()
        local = Qubit(conn)
        local.X()
        flipped = local.measure()
        yield from conn.flush()
        return {"m": int(m), "x": int(flipped)}


def test_the_issue_presets_are_shipped():
    assert {"perfect_two_nodes.yaml", "noisy_two_nodes.yaml", "werner_link_two_nodes.yaml",
            "nv_two_nodes.yaml", "trapped_ion_two_nodes.yaml", "heralded_metro_25km.yaml",
            "repeater_chain_3.yaml", "repeater_chain_5.yaml"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_preset_runs_a_tiny_program_on_every_link(name):
    text = (CONFIGS / name).read_text()
    assert text.startswith("#") and ("SquidASM" in text or "et al." in text), (
        f"{name} should say where its numbers come from")
    config = StackNetworkConfig.from_file(CONFIGS / name)
    for link in config.links:
        a, b = link.stack1, link.stack2
        results = netqsim.run(config, {a: PairAndLocal(b, True), b: PairAndLocal(a, False)},
                              num_times=2, seed=1)
        assert len(results[a]) == len(results[b]) == 2
        nv = isinstance(config.stack(a).qdevice_cfg, NVQDeviceConfig)
        if not nv:  # NV readout errors may flip the local X
            assert all(r["x"] == 1 for r in results[a] + results[b])


def test_metro_link_has_the_documented_rate_and_fidelity():
    config = StackNetworkConfig.from_file(CONFIGS / "heralded_metro_25km.yaml")
    link = config.links[0]
    assert isinstance(link.cfg, HeraldedLinkConfig) and link.cfg.length == 25
    model = build_link_model(link)
    assert model.cycle_time_ns == pytest.approx(125_000)
    assert 1.2e-3 < model.success_probability < 1.4e-3
    assert 0.92 < model.fidelity() < 0.94


def test_chains_have_three_and_five_nodes_in_a_line():
    for name, n in (("repeater_chain_3.yaml", 3), ("repeater_chain_5.yaml", 5)):
        config = StackNetworkConfig.from_file(CONFIGS / name)
        names = config.stack_names
        assert len(names) == n
        assert [(link.stack1, link.stack2) for link in config.links] == list(
            itertools.pairwise(names))
