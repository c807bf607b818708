"""Bell/Werner helpers, fidelity, reduced states, and the docstring examples."""

import doctest
import math

import numpy as np
import pytest
from quantum_helpers import kron_all, random_dm

import netqsim.quantum
from netqsim.quantum import bell_state, engine, fidelity, gates, partial_trace, states, werner_state

R = 1 / math.sqrt(2)


def test_bell_index_order_matches_netqasm_bellindex():
    assert np.allclose(bell_state(0), [R, 0, 0, R])  # B00 = Phi+
    assert np.allclose(bell_state(1), [0, R, R, 0])  # B01 = Psi+
    assert np.allclose(bell_state(2), [R, 0, 0, -R])  # B10 = Phi-
    assert np.allclose(bell_state(3), [0, R, -R, 0])  # B11 = Psi-
    with pytest.raises(ValueError, match="Bell index"):
        bell_state(4)


@pytest.mark.parametrize("f", [0.25, 0.5, 0.9, 1.0])
def test_werner_forms_agree(f):
    rho = werner_state(f)
    others = sum(bell_state(i, as_dm=True) for i in (1, 2, 3))
    assert np.allclose(rho, f * bell_state(0, as_dm=True) + (1 - f) / 3 * others)
    p = 4 / 3 * (1 - f)
    assert np.allclose(rho, (1 - p) * bell_state(0, as_dm=True) + p * np.eye(4) / 4)
    assert np.isclose(fidelity(rho, bell_state(0)), f)
    with pytest.raises(ValueError, match="fidelity"):
        werner_state(1.2)


def test_fidelity_forms():
    psi = bell_state(1)
    assert np.isclose(fidelity(psi, psi), 1.0)
    assert np.isclose(fidelity(bell_state(0), psi), 0.0)
    assert np.isclose(fidelity(np.eye(4) / 4, bell_state(0, as_dm=True)), 0.25)


def test_partial_trace_matches_kron_reference():
    rng = np.random.default_rng(0)
    a, b, c = random_dm(rng, 1), random_dm(rng, 1), random_dm(rng, 1)
    rho = kron_all([a, b, c])
    assert np.allclose(partial_trace(rho, [2, 0], 3), np.kron(c, a))
    assert np.allclose(partial_trace(rho, [1], 3), b)


@pytest.mark.parametrize("module", [netqsim.quantum, engine, states, gates])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
