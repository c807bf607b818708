"""Every application example runs, prints its table, and agrees with its closed form.

Statistical rows must lie within 5 standard errors of the closed form (each
row states its own n and sigma); exact (density-matrix) rows must match to
1e-4 on memory-free configs, and to 5e-3 where the closed form leaves out
memory decoherence (the repeater chains).
"""

import importlib

import pytest

EXAMPLES = {
    # module: (runs, tolerance of exact rows)
    "teleportation": (200, 1e-4),
    "distributed_cnot": (200, 1e-4),
    "qkd": (3, 1e-4),
    "chsh_game": (800, 1e-4),
    "magic_square": (120, 1e-4),
    "ghz": (200, 5e-3),
    "entanglement_swapping": (150, 5e-3),
    "blind_rotation": (150, 1e-4),
}


def check_rows(rows, exact_tolerance):
    assert rows
    for row in rows:
        if row.simulated.sigma < 1e-4:  # exact value
            assert abs(row.simulated.value - row.expected) < exact_tolerance, row
        else:
            assert abs(row.sigmas) < 5, (
                f"{row.label}: {row.simulated.value:.4f} ± {row.simulated.sigma:.4f} "
                f"(n = {row.simulated.n}), closed form {row.expected:.4f}")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_runs_and_matches_its_closed_form(name, capsys):
    runs, tolerance = EXAMPLES[name]
    module = importlib.import_module(name)
    rows = module.main(["--runs", str(runs), "--seed", "101"])
    out = capsys.readouterr().out
    assert "closed form" in out
    for row in rows:
        assert row.label in out
    check_rows(rows, tolerance)


def test_swapping_over_five_nodes():
    module = importlib.import_module("entanglement_swapping")
    from appkit import load
    check_rows(module.simulate(load(None, "repeater_chain_5.yaml"), runs=90, seed=5), 5e-3)


@pytest.mark.parametrize("config", ["perfect_two_nodes.yaml", "noisy_two_nodes.yaml"])
def test_teleportation_closed_form_includes_gate_noise(config):
    module = importlib.import_module("teleportation")
    from appkit import load
    rows = module.simulate(load(None, config), runs=150, seed=3)
    check_rows(rows, 1e-3)  # noisy_two_nodes: memory costs < 1e-3


def test_magic_square_always_wins_on_a_perfect_network():
    module = importlib.import_module("magic_square")
    from appkit import load
    rows = module.simulate(load(None, "perfect_two_nodes.yaml"), runs=60, seed=2)
    assert rows[0].simulated.value == 1.0
