"""The demos print simulated fidelities that match their closed forms.

``netqsim.demo`` (``make run``): teleportation over configs/noisy_two_nodes.yaml.
``netqsim.demo_memory``: a Bell pair decohering in two memories (the node-stack demo).
"""

import math
from pathlib import Path

import pytest

from netqsim import demo, demo_memory
from netqsim.config import StackNetworkConfig

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


# -- teleportation demo (make run) ------------------------------------------------------------


def noisy() -> StackNetworkConfig:
    return StackNetworkConfig.from_file(CONFIGS / "noisy_two_nodes.yaml")


def test_default_config_path_is_the_shipped_noisy_config():
    assert demo.default_config_path() == CONFIGS / "noisy_two_nodes.yaml"


def test_closed_form_without_gate_noise_is_the_textbook_werner_formula():
    config = noisy()
    for stack in config.stacks:
        stack.qdevice_cfg.single_qubit_gate_depolar_prob = 0.0
        stack.qdevice_cfg.two_qubit_gate_depolar_prob = 0.0
    for f_link in (0.5, 0.9, 1.0):
        config.links[0].cfg.fidelity = f_link
        expected = demo.closed_form(config)
        assert expected.fidelity == pytest.approx((2 * f_link + 1) / 3, abs=1e-12)
        assert expected.link_only == pytest.approx((2 * f_link + 1) / 3, abs=1e-12)
        assert expected.p0 == pytest.approx(expected.fidelity, abs=1e-12)


def test_closed_form_of_the_shipped_config():
    # p1 = p2 = 0.01, F = 0.9, theta = pi/4: worked out by hand from the docstring.
    expected = demo.closed_form(noisy())
    common = (1 - 4 / 3 * 0.1) * 0.99 * 0.995**2
    lx, lz = common * 0.99 * 0.99, common * 0.99
    assert expected.fidelity == pytest.approx((1 + lx / 2 + lz / 2) / 2, abs=1e-12)
    assert expected.p0 == pytest.approx(0.99 * expected.fidelity + 0.005, abs=1e-12)
    assert expected.fidelity < expected.link_only


def test_perfect_network_teleports_exactly():
    config = StackNetworkConfig.from_file(CONFIGS / "perfect_two_nodes.yaml")
    got = demo.teleport(config, runs=40, seed=1)
    assert got.p0 == 1.0 and got.fidelity == 1.0
    assert demo.closed_form(config).fidelity == pytest.approx(1.0, abs=1e-12)
    assert demo.memory_bound(config, got.max_wait_ns) == 0.0


def test_demo_fidelity_lies_within_5_sigma_of_the_closed_form():
    # Exactly what `make run` computes: the shipped config, demo.RUNS runs, demo.SEED.
    config = noisy()
    got = demo.teleport(config, demo.RUNS, demo.SEED)
    expected = demo.closed_form(config)
    assert got.runs == demo.RUNS
    assert abs(got.fidelity - expected.fidelity) < 5 * got.fidelity_error, (got, expected)
    assert abs(got.p0 - expected.p0) < 5 * got.p0_error
    # Memory noise, left out of the closed form, is far below the statistical error.
    assert demo.memory_bound(config, got.max_wait_ns) < got.fidelity_error / 4


def test_main_accepts_a_config_path_and_prints_both_closed_forms(capsys):
    demo.main([str(CONFIGS / "noisy_two_nodes.yaml"), "--runs", "30", "--seed", "3"])
    out = capsys.readouterr().out
    expected = demo.closed_form(noisy())
    assert "teleported fidelity" in out and "30 runs, seed 3" in out
    assert f"{expected.fidelity:.4f}" in out and f"{expected.link_only:.4f}" in out


def test_main_names_a_missing_config(tmp_path):
    with pytest.raises(FileNotFoundError):
        demo.main([str(tmp_path / "missing.yaml"), "--runs", "1"])


# -- Bell pair in two memories (netqsim.demo_memory) -----------------------------------------


def test_density_matrix_fidelity_equals_closed_form_at_every_wait():
    for wait, fid in demo_memory.simulate():
        assert fid == pytest.approx(demo_memory.closed_form(wait), abs=1e-12)


@pytest.mark.parametrize("formalism", ["ket"])
def test_other_formalisms_run_the_same_experiment(formalism):
    rows = demo_memory.simulate(formalism=formalism)
    assert [w for w, _ in rows] == list(demo_memory.WAITS)
    assert all(0.0 <= f <= 1.0 + 1e-12 for _, f in rows)


def test_sampled_estimates_lie_within_5_sigma_of_the_closed_form():
    # 4000 shots per basis per wait; each estimate carries its own standard error.
    for wait, estimate, error in demo_memory.sampled():
        sigma = max(error, 1e-3)
        assert abs(estimate - demo_memory.closed_form(wait)) < 5 * sigma, (wait, estimate, error)


def test_memory_demo_main_prints_a_table(capsys):
    demo_memory.main()
    out = capsys.readouterr().out
    assert "closed form" in out and f"{demo_memory.closed_form(1e6):.6f}" in out
    assert math.isclose(demo_memory.closed_form(0), 1.0)
