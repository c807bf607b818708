"""States validated by content: a repeated state gives the same result, never a shared array."""

import numpy as np
import pytest

from netqsim.quantum import QuantumEngine
from netqsim.quantum.states import bell_state


def test_a_repeated_state_validates_to_equal_fresh_arrays():
    rho = bell_state(2, as_dm=True)
    first, ket1 = QuantumEngine._validate_state(rho, 2)
    second, ket2 = QuantumEngine._validate_state(rho.copy(), 2)
    assert ket1 is ket2 is False
    np.testing.assert_array_equal(first, second)
    assert first is not second and not np.shares_memory(first, second)
    second[0, 0] = 7  # the engine may change what it was given; the next caller must not see it
    third, _ = QuantumEngine._validate_state(rho, 2)
    np.testing.assert_array_equal(third, first)


def test_an_invalid_state_is_refused_every_time_and_a_valid_one_after_it_still_passes():
    bad = np.diag([0.5, 0.5, 0.5, 0.5]).astype(complex)  # trace 2
    for _ in range(2):
        with pytest.raises(ValueError, match="density matrix must have trace 1, got 2"):
            QuantumEngine._validate_state(bad, 2)
    good = np.diag([0.25, 0.25, 0.25, 0.25]).astype(complex)
    arr, is_ket = QuantumEngine._validate_state(good, 2)
    assert not is_ket and np.allclose(arr, good)


def test_the_same_entries_for_another_qubit_count_are_checked_again():
    ket = np.array([1, 0, 0, 0], dtype=complex)
    arr, is_ket = QuantumEngine._validate_state(ket, 2)
    assert is_ket and arr.shape == (4,)
    with pytest.raises(ValueError, match="state vector has 4 entries, 1 qubits need 2"):
        QuantumEngine._validate_state(ket, 1)
