"""Entanglement swapping on a 3-node chain and a 6-node GHZ state, both by programs."""

import pytest
from tests.epr.programs import (
    SwapEnd,
    SwapMiddle,
    assert_binomial_rate,
    device,
    ghz_chain,
    paired,
)

import netqsim
from netqsim.config import DepolariseLinkConfig, chain

NODES3 = ["Alice", "Bob", "Charlie"]


def swap_programs(basis):
    return {"Alice": SwapEnd("Bob", "create", basis), "Bob": SwapMiddle("Alice", "Charlie"),
            "Charlie": SwapEnd("Bob", "recv", basis)}


@pytest.mark.parametrize("basis", ["Z", "X"])
def test_swapped_pair_over_perfect_links_is_phi_plus(basis):
    results = netqsim.run(chain(NODES3, qdevice=device()), swap_programs(basis),
                          num_times=120, seed=41)
    pairs = paired(results, "Alice", "Charlie")
    assert all(a["m"] == c["m"] for a, c in pairs)
    # Both Bell-measurement outcomes occur (the corrections are exercised).
    seen = {(r["m1"], r["m2"]) for r in results["Bob"]}
    assert seen == {(0, 0), (0, 1), (1, 0), (1, 1)}


@pytest.mark.parametrize("basis", ["Z", "X"])
def test_swapped_werner_pairs_have_the_product_fidelity(basis):
    f1, f2, n = 0.9, 0.85, 1200
    config = chain(NODES3, qdevice=device(), link=[
        DepolariseLinkConfig(fidelity=f1, prob_success=1, t_cycle=10),
        DepolariseLinkConfig(fidelity=f2, prob_success=1, t_cycle=10),
    ])
    results = netqsim.run(config, swap_programs(basis), num_times=n, seed=42)
    mismatches = sum(a["m"] != c["m"] for a, c in paired(results, "Alice", "Charlie"))
    # Swapping Werner states gives a Werner state with F = F1 F2 + (1-F1)(1-F2)/3;
    # its mismatch rate in X and in Z is 2/3 (1 - F) ~ 0.15.
    # Binomial(1200, 0.15): sigma ~ 0.010; 5 sigma.
    f = f1 * f2 + (1 - f1) * (1 - f2) / 3
    assert_binomial_rate(mismatches, n, 2 / 3 * (1 - f), f"{basis} mismatch after swapping")


SIX = [f"N{i}" for i in range(6)]


def test_ghz_six_nodes_measure_the_same_bit_in_z():
    results = netqsim.run(chain(SIX, qdevice=device()), ghz_chain(SIX, "Z"),
                          num_times=60, seed=43)
    bits = [[results[n][i]["m"][0] for n in SIX] for i in range(60)]
    assert all(len(set(row)) == 1 for row in bits)
    # Both GHZ branches occur: Binomial(60, 1/2), sigma ~ 3.9; 5 sigma allows 11..49 ones.
    assert_binomial_rate(sum(row[0] for row in bits), 60, 0.5, "GHZ bit")


def test_ghz_six_nodes_have_even_parity_in_x():
    results = netqsim.run(chain(SIX, qdevice=device()), ghz_chain(SIX, "X"),
                          num_times=60, seed=44)
    rows = [[results[n][i]["m"][0] for n in SIX] for i in range(60)]
    # (|0..0> + |1..1>)/sqrt2: the product of the six X outcomes (+-1) is +1.
    assert all(sum(row) % 2 == 0 for row in rows)
    # ... while single outcomes are random: node N0 alone is unbiased.
    assert_binomial_rate(sum(row[0] for row in rows), 60, 0.5, "N0's X outcome")
