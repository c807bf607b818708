"""Link models: the build API, perfect and depolarise links."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from tests.network.test_links_common import (
    assert_density_matrix,
    assert_within_sigma,
    check_attempts,
    sampled_bell_fidelity,
)

import netqsim.network.links as links_pkg
from netqsim.config import (
    DepolariseLinkConfig,
    HeraldedLinkConfig,
    LinkConfig,
    PerfectLinkConfig,
)
from netqsim.network.links import (
    Delivery,
    DepolariseLinkModel,
    DoubleClickLinkModel,
    LinkModel,
    LinkModelError,
    PerfectLinkModel,
    SingleClickLinkModel,
    build_link_model,
    depolarise_each_qubit,
    multiplexed_success_probability,
)
from netqsim.quantum.states import bell_state, fidelity, werner_state

# --------------------------------------------------------------------------- build API


@pytest.mark.parametrize(
    ("typ", "cfg", "cls"),
    [
        ("perfect", None, PerfectLinkModel),
        ("perfect", {"state_delay": 5}, PerfectLinkModel),
        ("depolarise", {"fidelity": 0.9, "prob_success": 0.2, "t_cycle": 10}, DepolariseLinkModel),
        ("heralded", {"length": 10}, DoubleClickLinkModel),
        ("heralded-double-click", {"length": 10}, DoubleClickLinkModel),
        ("heralded-single-click", {"length": 10, "alpha": 0.2}, SingleClickLinkModel),
    ],
)
def test_build_from_link_config_and_bare_cfg(typ, cfg, cls):
    link = LinkConfig(stack1="A", stack2="B", typ=typ, cfg=cfg)
    model = build_link_model(link)
    assert type(model) is cls
    assert isinstance(model, LinkModel)
    bare = build_link_model(link.cfg)
    assert type(bare) is cls
    assert bare.cycle_time_ns == model.cycle_time_ns
    assert bare.success_probability == model.success_probability
    assert bare.fidelity() == pytest.approx(model.fidelity())
    d = model.sample(np.random.default_rng(0))
    assert isinstance(d, Delivery)
    assert isinstance(d.attempts, int) and d.attempts >= 1
    assert_density_matrix(d.state)


def test_build_rejects_other_objects_and_impossible_links():
    with pytest.raises(TypeError, match="LinkConfig or a link cfg"):
        build_link_model({"typ": "perfect"})
    link = LinkConfig(
        stack1="Alice", stack2="Bob", typ="heralded", cfg={"length": 1, "detector_efficiency": 0}
    )
    with pytest.raises(LinkModelError, match=r"Alice-Bob \(heralded\).*success probability"):
        build_link_model(link)


def test_delivered_states_are_independent_copies():
    model = build_link_model(PerfectLinkConfig())
    rng = np.random.default_rng(1)
    a, b = model.sample(rng), model.sample(rng)
    a.state[:] = 0
    assert np.allclose(b.state, bell_state(0, as_dm=True))
    assert np.allclose(model.state(0), bell_state(0, as_dm=True))
    with pytest.raises(ValueError, match="never heralds"):
        model.state(3)


def test_same_seed_same_samples():
    model = build_link_model(HeraldedLinkConfig(length=20, dark_count_probability=1e-3))
    one = [model.sample(np.random.default_rng(7)) for _ in range(3)]
    rng1, rng2 = np.random.default_rng(42), np.random.default_rng(42)
    s1 = [(d.attempts, d.bell_index) for d in (model.sample(rng1) for _ in range(200))]
    s2 = [(d.attempts, d.bell_index) for d in (model.sample(rng2) for _ in range(200))]
    assert s1 == s2
    assert len({(d.attempts, d.bell_index) for d in one}) == 1


def test_docstring_example():
    result = doctest.testmod(links_pkg)
    assert result.attempted > 0 and result.failed == 0


def test_helpers():
    assert multiplexed_success_probability(0.1, 1) == 0.1
    assert multiplexed_success_probability(0.1, 3) == pytest.approx(1 - 0.9**3)
    assert multiplexed_success_probability(1e-12, 10) == pytest.approx(1e-11, rel=1e-6)
    assert multiplexed_success_probability(1.0, 4) == 1.0
    # Local depolarising on a Bell state equals global depolarising with q_A q_B.
    rho = depolarise_each_qubit(bell_state(1, as_dm=True), 0.8, 0.5)
    expected = 0.4 * bell_state(1, as_dm=True) + 0.6 * np.eye(4) / 4
    assert np.allclose(rho, expected)
    # Fully depolarising one qubit of |00> leaves I/2 (x) |0><0|.
    rho = depolarise_each_qubit(np.diag([1, 0, 0, 0]).astype(complex), 0.0, 1.0)
    assert np.allclose(rho, np.diag([0.5, 0, 0.5, 0]))


# --------------------------------------------------------------------------- perfect


@pytest.mark.parametrize(
    ("cfg", "delay"),
    [
        (PerfectLinkConfig(), 1000.0),
        (PerfectLinkConfig(state_delay=42.5), 42.5),
        (PerfectLinkConfig(length=10), 50_000.0),
        (PerfectLinkConfig(length=10, speed_of_light=100_000), 100_000.0),
    ],
)
def test_perfect_link(cfg, delay):
    model = build_link_model(cfg)
    assert model.cycle_time_ns == pytest.approx(delay)
    assert model.success_probability == 1
    assert model.fidelity() == pytest.approx(1.0)
    assert model.bell_index_probabilities == (1.0, 0.0, 0.0, 0.0)
    rng = np.random.default_rng(3)
    for _ in range(20):
        d = model.sample(rng)
        assert d.attempts == 1
        assert d.duration_ns == pytest.approx(delay)
        assert d.bell_index == 0
        assert np.allclose(d.state, bell_state(0, as_dm=True))
        assert_density_matrix(d.state)


# --------------------------------------------------------------------------- depolarise


@pytest.mark.parametrize(
    ("fid", "p", "kw", "cycle"),
    [
        (1.0, 1.0, {"t_cycle": 10}, 10.0),
        (0.9, 0.3, {"t_cycle": 250}, 250.0),
        (0.6, 0.05, {"length": 20}, 100_000.0),
        (0.25, 0.7, {"length": 2, "speed_of_light": 100_000}, 20_000.0),
    ],
)
def test_depolarise_link(fid, p, kw, cycle):
    model = build_link_model(DepolariseLinkConfig(fidelity=fid, prob_success=p, **kw))
    assert model.cycle_time_ns == pytest.approx(cycle)
    assert model.success_probability == p
    assert model.fidelity() == pytest.approx(fid)
    expected = werner_state(fid)
    p_mix = 4 / 3 * (1 - fid)
    assert np.allclose(expected, (1 - p_mix) * bell_state(0, as_dm=True) + p_mix * np.eye(4) / 4)
    assert np.allclose(model.state(0), expected)
    assert fidelity(model.state(0), bell_state(0)) == pytest.approx(fid)
    rng = np.random.default_rng(11)
    deliveries = check_attempts(model, rng, 4000)
    assert {d.bell_index for d in deliveries} == {0}
    assert_density_matrix(deliveries[0].state)
    assert np.allclose(deliveries[0].state, expected)
    f_hat, n = sampled_bell_fidelity(deliveries[:3000], rng)
    assert_within_sigma(f_hat, fid, math.sqrt(fid * (1 - fid) / n))


def test_depolarise_attempts_distribution_is_geometric():
    p = 0.2
    model = build_link_model(DepolariseLinkConfig(fidelity=0.8, prob_success=p, t_cycle=1))
    rng = np.random.default_rng(5)
    n = 20_000
    attempts = np.array([model.sample_attempts(rng) for _ in range(n)])
    for k in range(1, 8):
        expected = (1 - p) ** (k - 1) * p
        observed = np.mean(attempts == k)
        assert_within_sigma(observed, expected, math.sqrt(expected * (1 - expected) / n))
    assert_within_sigma(attempts.var(), (1 - p) / p**2, 0.05 * (1 - p) / p**2, k=1)


def test_depolarise_random_bell_state_is_uniform():
    fid = 0.85
    model = build_link_model(
        DepolariseLinkConfig(fidelity=fid, prob_success=0.5, t_cycle=1, random_bell_state=True)
    )
    assert model.bell_index_probabilities == pytest.approx((0.25,) * 4)
    assert model.fidelity() == pytest.approx(fid)
    for i in range(4):
        assert np.allclose(model.state(i), werner_state(fid, i))
        assert fidelity(model.state(i), bell_state(i)) == pytest.approx(fid)
    rng = np.random.default_rng(9)
    n = 8000
    deliveries = [model.sample(rng) for _ in range(n)]
    counts = np.bincount([d.bell_index for d in deliveries], minlength=4)
    sigma = math.sqrt(n * 0.25 * 0.75)
    for c in counts:
        assert_within_sigma(c, n / 4, sigma)
    chi2 = float(((counts - n / 4) ** 2 / (n / 4)).sum())
    assert chi2 < 21.1  # chi-square, 3 degrees of freedom, p = 1e-4
    for d in deliveries[:40]:
        assert np.allclose(d.state, werner_state(fid, d.bell_index))
        assert_density_matrix(d.state)
    f_hat, m = sampled_bell_fidelity(deliveries[:3000], rng)
    assert_within_sigma(f_hat, fid, math.sqrt(fid * (1 - fid) / m))
