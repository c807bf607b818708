"""The `make run` demo prints simulated fidelities that match the closed form."""

import math

import pytest

from netqsim import demo


def test_density_matrix_fidelity_equals_closed_form_at_every_wait():
    for wait, fid in demo.simulate():
        assert fid == pytest.approx(demo.closed_form(wait), abs=1e-12)


@pytest.mark.parametrize("formalism", ["ket"])
def test_other_formalisms_run_the_same_experiment(formalism):
    rows = demo.simulate(formalism=formalism)
    assert [w for w, _ in rows] == list(demo.WAITS)
    assert all(0.0 <= f <= 1.0 + 1e-12 for _, f in rows)


def test_sampled_estimates_lie_within_5_sigma_of_the_closed_form():
    # 4000 shots per basis per wait; each estimate carries its own standard error.
    for wait, estimate, error in demo.sampled():
        sigma = max(error, 1e-3)
        assert abs(estimate - demo.closed_form(wait)) < 5 * sigma, (wait, estimate, error)


def test_main_prints_a_table(capsys):
    demo.main()
    out = capsys.readouterr().out
    assert "closed form" in out and f"{demo.closed_form(1e6):.6f}" in out
    assert math.isclose(demo.closed_form(0), 1.0)
