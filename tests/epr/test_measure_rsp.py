"""Measure-directly requests (fixed and random bases) and remote state preparation."""

import math
from collections import Counter

import pytest
from netqasm.qlink_compat import Basis, RandomBasis
from netqasm.sdk.epr_socket import EprMeasBasis
from tests.epr.programs import (
    MeasureDirectly,
    RspCreate,
    RspRecv,
    assert_binomial_rate,
    assert_within_5_sigma,
    correlator_sigma,
    device,
    paired,
)

import netqsim
from netqsim.config import DepolariseLinkConfig, PerfectLinkConfig, two_nodes

PERFECT = two_nodes(qdevice=device(), link=PerfectLinkConfig(state_delay=100))


def measure_pair(config, n, seed, **create_kwargs):
    results = netqsim.run(
        config,
        {"Alice": MeasureDirectly("Bob", "create", **create_kwargs),
         "Bob": MeasureDirectly("Alice", "recv")},
        num_times=n, seed=seed,
    )
    return paired(results)


@pytest.mark.parametrize(("basis", "same"), [("X", True), ("Y", False), ("Z", True)])
def test_fixed_basis_outcomes_on_a_perfect_link(basis, same):
    eb = EprMeasBasis[basis]
    pairs = measure_pair(PERFECT, 100, 61, basis_local=eb, basis_remote=eb)
    for a, b in pairs:
        # Phi+: <XX> = <ZZ> = 1, <YY> = -1.
        assert (a["raw"][0] == b["raw"][0]) is same
        assert a["basis"] == b["basis"] == [Basis[basis].value]
        assert a["bell"] == b["bell"] == [0]
        # Phi+ was delivered: the receiver's post-processing changes nothing.
        assert b["out"] == b["raw"]
    assert_binomial_rate(sum(a["raw"][0] for a, _ in pairs), 100, 0.5, "creator's ones")


def test_receiver_post_processing_undoes_random_bell_states_in_z():
    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=1, prob_success=1, t_cycle=10, random_bell_state=True))
    n = 400
    pairs = measure_pair(config, n, 62, basis_local=EprMeasBasis.Z, basis_remote=EprMeasBasis.Z)
    # The SDK post-processes the receiver's outcome as if Phi+ had been delivered.
    assert all(a["raw"] == b["out"] for a, b in pairs)
    bells = Counter(b["bell"][0] for _, b in pairs)
    assert all(a["bell"] == b["bell"] for a, b in pairs)
    # The four Bell states are reported uniformly: Binomial(400, 1/4) each; 5 sigma.
    for state in range(4):
        assert_binomial_rate(bells[state], n, 0.25, f"Bell state {state}")
    # Raw outcomes differ exactly for Psi+ and Psi- (netqasm values 1 and 2).
    assert all((a["raw"] != b["raw"]) == (b["bell"][0] in (1, 2)) for a, b in pairs)


@pytest.mark.parametrize("random_basis", [RandomBasis.XZ, RandomBasis.XYZ])
def test_random_bases_are_uniform_and_correlated_when_equal(random_basis):
    choices = {RandomBasis.XZ: (Basis.X, Basis.Z), RandomBasis.XYZ: (Basis.X, Basis.Y, Basis.Z)}
    n = 900
    pairs = measure_pair(PERFECT, n, 63, random_basis_local=random_basis,
                         random_basis_remote=random_basis)
    for side in (0, 1):
        counts = Counter(pair[side]["basis"][0] for pair in pairs)
        assert set(counts) == {b.value for b in choices[random_basis]}
        # Binomial(900, 1/k) per basis (k = 2 or 3); 5 sigma.
        for basis in choices[random_basis]:
            assert_binomial_rate(counts[basis.value], n, 1 / len(choices[random_basis]),
                                 f"side {side}: basis {basis.name}")
    equal = [(a, b) for a, b in pairs if a["basis"] == b["basis"]]
    for a, b in equal:
        assert (a["raw"] == b["raw"]) is (a["basis"][0] != Basis.Y.value)
    # Different bases (X vs Z, ...): uncorrelated; Binomial(n_diff, 1/2); 5 sigma.
    different = [(a, b) for a, b in pairs if a["basis"] != b["basis"]]
    agree = sum(a["raw"] == b["raw"] for a, b in different)
    assert_binomial_rate(agree, len(different), 0.5, "agreement in different bases")


@pytest.mark.parametrize("fidelity", [1.0, 0.9])
def test_chsh_with_random_chsh_bases(fidelity):
    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=fidelity, prob_success=1, t_cycle=10))
    n = 2000
    pairs = measure_pair(config, n, 64, random_basis_local=RandomBasis.XZ,
                         random_basis_remote=RandomBasis.CHSH)
    bob_bases = Counter(b["basis"][0] for _, b in pairs)
    assert set(bob_bases) == {Basis.ZPLUSX.value, Basis.ZMINUSX.value}
    # Binomial(2000, 1/2): sigma ~ 22; 5 sigma.
    assert_binomial_rate(bob_bases[Basis.ZPLUSX.value], n, 0.5, "Z+X basis share")
    terms = {}
    for a_basis in (Basis.Z, Basis.X):
        for b_basis in (Basis.ZPLUSX, Basis.ZMINUSX):
            signs = [1 - 2 * (a["raw"][0] ^ b["raw"][0]) for a, b in pairs
                     if a["basis"][0] == a_basis.value and b["basis"][0] == b_basis.value]
            terms[a_basis, b_basis] = (sum(signs) / len(signs), len(signs))
    chsh = sum(-e if k == (Basis.X, Basis.ZMINUSX) else e for k, (e, _) in terms.items())
    # Four correlators from ~500 pairs each; sigma(S) = sqrt(sum (1 - E^2)/n_ab)
    # (~0.05 at F = 0.9; at F = 1, E = +-1/sqrt2 too); 5 sigma.
    sigma = math.sqrt(sum(correlator_sigma(e, k) ** 2 for e, k in terms.values()))
    assert_within_5_sigma(chsh, 2 * math.sqrt(2) * (4 * fidelity - 1) / 3, sigma, "CHSH")


@pytest.mark.parametrize(("basis", "same"), [("X", True), ("Y", False), ("Z", True)])
@pytest.mark.parametrize("random_bell_state", [False, True], ids=["phi_plus", "random_bell"])
def test_rsp_prepares_the_requested_state(basis, same, random_bell_state):
    # The creator measures its half in `basis` with outcome m; the receiver holds
    # the eigenstate for m (X, Z) or for 1 - m (Y: Phi+ = conj on the other side),
    # so measuring in the same basis reproduces it in every run.
    config = two_nodes(qdevice=device(), link=DepolariseLinkConfig(
        fidelity=1, prob_success=1, t_cycle=10, random_bell_state=random_bell_state))
    results = netqsim.run(
        config,
        {"Alice": RspCreate("Bob", basis_local=EprMeasBasis[basis]),
         "Bob": RspRecv("Alice", basis)},
        num_times=100, seed=65,
    )
    pairs = paired(results)
    assert all(a["reported"] == Basis[basis].value for a, _ in pairs)
    assert all((a["m"] == b["m"]) is same for a, b in pairs)
    assert_binomial_rate(sum(a["m"][0] for a, _ in pairs), 100, 0.5, "creator's ones")


def test_rsp_state_is_unbiased_in_the_other_bases():
    # Prepared |+> or |->: a Z measurement at the receiver is a fair coin, whatever m was.
    results = netqsim.run(
        PERFECT,
        {"Alice": RspCreate("Bob", basis_local=EprMeasBasis.X), "Bob": RspRecv("Alice", "Z")},
        num_times=400, seed=66,
    )
    agree = sum(a["m"] == b["m"] for a, b in paired(results))
    # Binomial(400, 1/2): sigma = 10; 5 sigma.
    assert_binomial_rate(agree, 400, 0.5, "Z agreement after X preparation")
