"""The shipped configs in configs/ load, document themselves and run programs."""

from pathlib import Path

import pytest
from netqasm.sdk.qubit import Qubit

import netqsim
from netqsim import Program, ProgramMeta
from netqsim.config import DepolariseLinkConfig, PerfectLinkConfig, StackNetworkConfig

CONFIGS = Path(__file__).resolve().parents[2] / "configs"
SHIPPED = sorted(p.name for p in CONFIGS.glob("*.yaml"))


class PairHalf(Program):
    """Creates (or receives) one EPR pair with ``peer`` and measures it in Z or X."""

    def __init__(self, peer: str, create: bool, basis: str) -> None:
        self.peer, self.create, self.basis = peer, create, basis

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="pair", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context):
        conn = context.connection
        socket = context.epr_sockets[self.peer]
        q = (socket.create_keep if self.create else socket.recv_keep)()[0]
        if self.basis == "X":
            q.H()
        m = q.measure()
        local = Qubit(conn)  # and a local qubit, so the run uses both devices' gates
        local.X()
        flipped = local.measure()
        yield from conn.flush()
        return {"m": int(m), "x": int(flipped), "end": context.now}


def run_pairs(config, basis, runs, seed=1):
    results = netqsim.run(
        config,
        {"Alice": PairHalf("Bob", True, basis), "Bob": PairHalf("Alice", False, basis)},
        num_times=runs, seed=seed,
    )
    return results["Alice"], results["Bob"]


def test_both_two_node_configs_are_shipped():
    assert {"perfect_two_nodes.yaml", "noisy_two_nodes.yaml"} <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_config_loads_and_opens_with_a_comment_block(name):
    text = (CONFIGS / name).read_text()
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert len(header) >= 5, f"{name} should open with a comment block saying what it models"
    config = StackNetworkConfig.from_file(CONFIGS / name)
    assert config.stack_names


def test_perfect_config_is_noiseless():
    config = StackNetworkConfig.from_file(CONFIGS / "perfect_two_nodes.yaml")
    for stack in config.stacks:
        cfg = stack.qdevice_cfg
        assert (cfg.T1, cfg.T2) == (0, 0)
        assert cfg.single_qubit_gate_depolar_prob == cfg.two_qubit_gate_depolar_prob == 0
    assert isinstance(config.links[0].cfg, PerfectLinkConfig)


@pytest.mark.parametrize("basis", ["Z", "X"])
def test_perfect_config_gives_equal_outcomes(basis):
    config = StackNetworkConfig.from_file(CONFIGS / "perfect_two_nodes.yaml")
    alice, bob = run_pairs(config, basis, runs=20)
    assert [r["m"] for r in alice] == [r["m"] for r in bob]
    assert all(r["x"] == 1 for r in alice + bob)
    assert 0 < sum(r["m"] for r in alice) < 20


def test_noisy_config_has_the_documented_values_and_runs():
    config = StackNetworkConfig.from_file(CONFIGS / "noisy_two_nodes.yaml")
    link = config.links[0].cfg
    assert isinstance(link, DepolariseLinkConfig)
    assert (link.fidelity, link.prob_success, link.t_cycle) == (0.9, 0.5, 10_000)
    assert config.effective_clinks()[0].delay_ns() == 10_000
    for stack in config.stacks:
        cfg = stack.qdevice_cfg
        assert (cfg.T1, cfg.T2) == (1e10, 1e9)
        assert cfg.single_qubit_gate_depolar_prob == cfg.two_qubit_gate_depolar_prob == 0.01
    alice, bob = run_pairs(config, "Z", runs=10)
    assert len(alice) == len(bob) == 10
    # Each run needs 2 classical delays + at least one 10 us link cycle.
    assert all(r["end"] > 0 for r in bob)
