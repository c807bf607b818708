"""Heralded links (double click and single click): closed forms, limits, sampling."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from tests.network.test_links_common import (
    assert_density_matrix,
    assert_within_sigma,
    check_attempts,
    sampled_bell_fidelity,
)

from netqsim.config import HeraldedLinkConfig, SingleClickLinkConfig
from netqsim.network.links import (
    DoubleClickLinkModel,
    SingleClickLinkModel,
    build_link_model,
)
from netqsim.quantum.states import bell_state, fidelity

NOISY = {
    "p_loss_init": 0.1,
    "detector_efficiency": 0.8,
    "dark_count_probability": 2e-3,
    "visibility": 0.9,
    "emission_fidelity": 0.97,
}
SWAP = np.eye(4)[[0, 2, 1, 3]]


def eta(length_km: float, p_loss_init: float = 0.0, det: float = 1.0, db: float = 0.25) -> float:
    """Detection probability of a photon after ``length_km`` of fibre."""
    return (1 - p_loss_init) * 10 ** (-db * length_km / 10) * det


def q_of(f_em: float) -> float:
    return (4 * f_em - 1) / 3


# --------------------------------------------------------------------------- reference models
# Written out from netsquid-magic's state_delivery_sampler.py (DoubleClickDeliverySamplerFactory,
# SingleClickDeliverySamplerFactory), in its own notation, to check that netqsim reproduces it.


def nsm_double_click(pa, pb, pdc, v, resolving, fa, fb):
    k2 = (1 - pdc) ** (4 if resolving else 2)
    pt = 0.5 * pa * pb * v * k2
    pf1 = 0.5 * pa * pb * (1 - v) * k2
    pf2 = 0 if resolving else 0.5 * pa * pb * (1 + v) * pdc * (1 - pdc) ** 2
    pf3 = (pa * (1 - pb) + pb * (1 - pa)) * 2 * pdc * (1 - pdc) ** (3 if resolving else 2)
    pf4 = 4 * (1 - pa) * (1 - pb) * pdc**2 * (1 - pdc) ** 2
    total = pt + pf1 + pf2 + pf3 + pf4
    q = (4 * fa - 1) / 3 * (4 * fb - 1) / 3
    states = {}
    for idx in (1, 3):
        dm = pt * q * bell_state(idx, as_dm=True)
        dm = dm + pf1 * q * np.diag([0, 1, 1, 0]) / 2 + pf2 * q * np.diag([1, 0, 0, 1]) / 2
        dm = dm + ((pt + pf1 + pf2) * (1 - q) + pf3 + pf4) * np.eye(4) / 4
        states[idx] = dm / total
    return total, states


def nsm_single_click(alpha, p_det, pdc, v):
    p_one_dc = 2 * (1 - pdc) * pdc
    same = 1 - (1 - v) / 2
    uu = alpha**2 * (
        (1 - pdc) * 2 * p_det * (1 - p_det)
        + (1 - p_det) ** 2 * p_one_dc
        + p_det**2 * same * (1 - pdc)
    )
    ud = alpha * (1 - alpha) * ((1 - pdc) * p_det + 2 * pdc * (1 - pdc) * (1 - p_det))
    dd = (1 - alpha) ** 2 * p_one_dc
    states = {}
    for idx, sign in ((1, 1), (3, -1)):
        s = math.sqrt(v * ud * ud) * sign
        dm = np.array([[uu, 0, 0, 0], [0, ud, s, 0], [0, s, ud, 0], [0, 0, 0, dd]], dtype=complex)
        states[idx] = dm / np.trace(dm)
    return uu + 2 * ud + dd, states


@pytest.mark.parametrize("resolving", [False, True])
@pytest.mark.parametrize(
    "kw",
    [
        {"length": 10},
        {"length": 30, **NOISY},
        {"length_A": 3, "length_B": 17, "dark_count_probability": 0.01, "visibility": 0.7},
        {
            "length": 20,
            "emission_fidelity_A": 0.9,
            "p_loss_init_B": 0.3,
            "dark_count_probability": 0.05,
        },
    ],
)
def test_double_click_matches_netsquid_magic(kw, resolving):
    cfg = HeraldedLinkConfig(num_resolving=resolving, **kw)
    model = build_link_model(cfg)
    a, b = cfg.resolved_sides()
    pa = a.transmissivity * cfg.detector_efficiency
    pb = b.transmissivity * cfg.detector_efficiency
    total, states = nsm_double_click(
        pa,
        pb,
        cfg.dark_count_probability,
        cfg.visibility,
        resolving,
        a.emission_fidelity,
        b.emission_fidelity,
    )
    assert model.success_probability == pytest.approx(total, rel=1e-12)
    for idx in (1, 3):
        assert np.allclose(model.state(idx), states[idx], atol=1e-12)
        assert fidelity(model.state(idx), bell_state(idx)) == pytest.approx(model.fidelity())


@pytest.mark.parametrize(
    "kw",
    [
        {"length": 10, "alpha": 0.1},
        {"length": 40, "alpha": 0.3, "visibility": 0.8, "detector_efficiency": 0.5},
        {"length": 0, "alpha": 0.05, "p_loss_init": 0.2},
    ],
)
def test_single_click_matches_netsquid_magic_without_dark_counts(kw):
    cfg = SingleClickLinkConfig(**kw)
    model = build_link_model(cfg)
    a, _ = cfg.resolved_sides()
    total, states = nsm_single_click(
        cfg.alpha, a.transmissivity * cfg.detector_efficiency, 0.0, cfg.visibility
    )
    assert model.success_probability == pytest.approx(total, rel=1e-12)
    for idx in (1, 3):
        assert np.allclose(model.state(idx), states[idx], atol=1e-12)


def test_single_click_dark_counts_are_incoherent():
    """Only the dark-count branch differs from netsquid-magic: it carries no coherence."""
    cfg = SingleClickLinkConfig(length=10, alpha=0.2, dark_count_probability=0.01)
    model = build_link_model(cfg)
    p_det = eta(5)
    total, states = nsm_single_click(0.2, p_det, 0.01, 1.0)
    assert model.success_probability == pytest.approx(total, rel=1e-12)
    ours, theirs = model.state(1), states[1]
    assert np.allclose(np.diag(ours), np.diag(theirs))
    assert ours[1, 2].real < theirs[1, 2].real
    assert ours[1, 2].real == pytest.approx(0.2 * 0.8 * 0.99 * p_det / total)
    # With nothing but dark counts there is no entanglement at all.
    dark = build_link_model(
        SingleClickLinkConfig(
            length=10, alpha=0.2, detector_efficiency=0, dark_count_probability=0.01
        )
    )
    assert abs(dark.state(1)[1, 2]) == 0
    assert dark.fidelity() <= 0.5


# --------------------------------------------------------------------------- limiting cases


@pytest.mark.parametrize("length", [0, 1, 10, 25])
def test_double_click_ideal_detectors(length):
    model = build_link_model(HeraldedLinkConfig(length=length))
    assert model.fidelity() == pytest.approx(1.0)
    assert model.success_probability == pytest.approx(eta(length / 2) ** 2 / 2)
    assert model.cycle_time_ns == pytest.approx(2 * (length / 2) / 200_000 * 1e9)
    for idx in (1, 3):
        assert np.allclose(model.state(idx), bell_state(idx, as_dm=True))
    no_loss = build_link_model(HeraldedLinkConfig(length=length, p_loss_length=0))
    assert no_loss.success_probability == pytest.approx(0.5)
    assert no_loss.fidelity() == pytest.approx(1.0)


@pytest.mark.parametrize("v", [1.0, 0.9, 0.5, 0.0])
def test_double_click_visibility(v):
    model = build_link_model(HeraldedLinkConfig(length=10, visibility=v))
    assert model.fidelity() == pytest.approx((1 + v) / 2)
    assert model.success_probability == pytest.approx(eta(5) ** 2 / 2)


@pytest.mark.parametrize(("fa", "fb"), [(0.9, 0.9), (1.0, 0.8), (0.95, 0.7)])
def test_double_click_emission_fidelity(fa, fb):
    model = build_link_model(
        HeraldedLinkConfig(length=4, emission_fidelity_A=fa, emission_fidelity_B=fb)
    )
    q = q_of(fa) * q_of(fb)
    assert model.fidelity() == pytest.approx(q + (1 - q) / 4)


def test_double_click_dark_counts_dominate_at_long_distance():
    fids = [
        build_link_model(HeraldedLinkConfig(length=L, dark_count_probability=1e-4)).fidelity()
        for L in (1, 50, 100, 200, 400)
    ]
    assert all(x > y for x, y in itertools.pairwise(fids))
    assert fids[0] > 0.999
    assert fids[-1] == pytest.approx(0.25, abs=0.02)


def test_double_click_coincidence_probabilities():
    base = HeraldedLinkConfig(length=20, dark_count_probability=0.01).model_dump()
    ref = build_link_model(HeraldedLinkConfig(**base)).probabilities
    half = build_link_model(HeraldedLinkConfig(**{**base, "coin_prob_ph_ph": 0.5})).probabilities
    assert half.true_success == pytest.approx(ref.true_success / 2)
    assert half.false_distinguishable == pytest.approx(ref.false_distinguishable / 2)
    assert half.false_one_photon_dark == pytest.approx(ref.false_one_photon_dark)
    no_dc = build_link_model(
        HeraldedLinkConfig(**{**base, "coin_prob_ph_dc": 0, "coin_prob_dc_dc": 0})
    )
    pr = no_dc.probabilities
    assert pr.false_bunched_dark == pr.false_one_photon_dark == pr.false_two_dark == 0
    assert no_dc.fidelity() == pytest.approx(1.0)
    with_dc = build_link_model(HeraldedLinkConfig(**base))
    assert no_dc.success_probability < with_dc.success_probability


@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.3])
def test_single_click_limits(alpha):
    # Low detection probability: F -> 1 - alpha, p -> 2 alpha eta.
    tiny = 1e-6
    low = build_link_model(SingleClickLinkConfig(length=0, alpha=alpha, detector_efficiency=tiny))
    assert low.fidelity() == pytest.approx(1 - alpha, rel=1e-5)
    assert low.success_probability == pytest.approx(2 * alpha * tiny, rel=1e-5)
    # No loss, non-resolving detectors: two bunched photons also herald, F = 2(1-a)/(2-a).
    lossless = build_link_model(SingleClickLinkConfig(length=0, alpha=alpha))
    assert lossless.fidelity() == pytest.approx(2 * (1 - alpha) / (2 - alpha))
    assert lossless.success_probability == pytest.approx(alpha**2 + 2 * alpha * (1 - alpha))
    # No loss, number-resolving detectors: only single photons herald, F = 1.
    pnr = build_link_model(SingleClickLinkConfig(length=0, alpha=alpha, num_resolving=True))
    assert pnr.fidelity() == pytest.approx(1.0)
    assert pnr.success_probability == pytest.approx(2 * alpha * (1 - alpha))
    # Fibre loss: rate ~ 2 alpha eta and F ~ 1 - alpha when eta << 1.
    far = build_link_model(SingleClickLinkConfig(length=200, alpha=alpha))
    e = eta(100)
    assert far.success_probability == pytest.approx(2 * alpha * e, rel=2 * e)
    assert far.fidelity() == pytest.approx(1 - alpha, abs=2 * e)


@pytest.mark.parametrize("v", [1.0, 0.8, 0.25])
def test_single_click_visibility_and_emission(v):
    alpha, tiny = 0.1, 1e-7
    model = build_link_model(
        SingleClickLinkConfig(length=0, alpha=alpha, detector_efficiency=tiny, visibility=v)
    )
    assert model.fidelity() == pytest.approx((1 - alpha) * (1 + math.sqrt(v)) / 2, rel=1e-5)
    noisy = build_link_model(
        SingleClickLinkConfig(
            length=0,
            alpha=alpha,
            detector_efficiency=tiny,
            visibility=v,
            emission_fidelity_A=0.9,
            emission_fidelity_B=0.95,
        )
    )
    q = q_of(0.9) * q_of(0.95)
    assert noisy.fidelity() == pytest.approx(q * model.fidelity() + (1 - q) / 4)
    for idx in (1, 3):
        assert fidelity(noisy.state(idx), bell_state(idx)) == pytest.approx(noisy.fidelity())


# --------------------------------------------------------------------------- per-side overrides


@pytest.mark.parametrize("cls", [HeraldedLinkConfig, SingleClickLinkConfig])
def test_asymmetric_sides(cls):
    cfg = cls(length_A=2, length_B=20, p_loss_init_B=0.2, speed_of_light_A=100_000)
    model = build_link_model(cfg)
    # Cycle: the slower side's round trip (2 km at 1e5 km/s = 40 us vs 20 km at 2e5 = 200 us).
    assert model.cycle_time_ns == pytest.approx(200_000)
    a, b = model.sides
    assert (a.length, b.length) == (2, 20)
    assert model.eta_a == pytest.approx(eta(2))
    assert model.eta_b == pytest.approx(eta(20, p_loss_init=0.2))
    if cls is HeraldedLinkConfig:
        assert model.success_probability == pytest.approx(model.eta_a * model.eta_b / 2)
        assert model.fidelity() == pytest.approx(1.0)
    else:
        # A's photon arrives more often: |01> (A bright, B dark) outweighs |10>.
        rho = model.state(1)
        assert rho[1, 1].real > rho[2, 2].real
        assert rho[1, 1].real / rho[2, 2].real == pytest.approx(model.eta_a / model.eta_b)
    mirrored = build_link_model(
        cls(length_A=20, length_B=2, p_loss_init_A=0.2, speed_of_light_B=100_000)
    )
    assert mirrored.success_probability == pytest.approx(model.success_probability)
    assert mirrored.fidelity() == pytest.approx(model.fidelity())
    for idx in (1, 3):
        assert np.allclose(mirrored.state(idx), SWAP @ model.state(idx) @ SWAP)


@pytest.mark.parametrize("cls", [HeraldedLinkConfig, SingleClickLinkConfig])
def test_length_splits_evenly_unless_overridden(cls):
    even = build_link_model(cls(length=30))
    assert [s.length for s in even.sides] == [15, 15]
    one_side = build_link_model(cls(length=30, length_A=5))
    assert [s.length for s in one_side.sides] == [5, 15]


# --------------------------------------------------------------------------- sampling


CASES = [
    (HeraldedLinkConfig, {}),
    (HeraldedLinkConfig, NOISY),
    (SingleClickLinkConfig, {"alpha": 0.1}),
    (SingleClickLinkConfig, {"alpha": 0.2, **NOISY}),
]


@pytest.mark.parametrize("length", [1, 10, 25])
@pytest.mark.parametrize(("cls", "kw"), CASES)
def test_sampled_rate_and_fidelity_match_closed_forms(cls, kw, length):
    model = build_link_model(cls(length=length, **kw))
    seed = 1000 * length + CASES.index((cls, kw))
    rng = np.random.default_rng(seed)
    n = 3000
    deliveries = check_attempts(model, rng, n)
    counts = np.bincount([d.bell_index for d in deliveries], minlength=4)
    assert counts[0] == counts[2] == 0
    assert_within_sigma(counts[1], n / 2, math.sqrt(n / 4))
    for d in deliveries[:20]:
        assert_density_matrix(d.state)
        assert np.allclose(d.state, model.state(d.bell_index))
    f_hat, m = sampled_bell_fidelity(deliveries, rng)
    f = model.fidelity()
    assert_within_sigma(f_hat, f, math.sqrt(f * (1 - f) / m))
    mean_duration = np.mean([d.duration_ns for d in deliveries])
    p = model.success_probability
    assert_within_sigma(
        mean_duration, model.mean_duration_ns, model.cycle_time_ns * math.sqrt((1 - p) / p**2 / n)
    )


@pytest.mark.parametrize("cls", [HeraldedLinkConfig, SingleClickLinkConfig])
def test_multiplexing(cls):
    single = build_link_model(cls(length=40))
    multi = build_link_model(cls(length=40, num_multiplexing_modes=8))
    p1 = single.success_probability
    assert multi.success_probability_per_mode == pytest.approx(p1)
    assert multi.success_probability == pytest.approx(1 - (1 - p1) ** 8)
    assert multi.fidelity() == pytest.approx(single.fidelity())
    assert multi.cycle_time_ns == single.cycle_time_ns
    check_attempts(multi, np.random.default_rng(77), 4000)


def test_bell_index_distribution_is_even_with_noise():
    model = build_link_model(HeraldedLinkConfig(length=30, **NOISY))
    assert model.bell_index_probabilities == (0.0, 0.5, 0.0, 0.5)
    rng = np.random.default_rng(123)
    n = 20_000
    idx = np.array([model.sample_bell_index(rng) for _ in range(n)])
    assert set(np.unique(idx)) == {1, 3}
    assert_within_sigma(np.mean(idx == 3), 0.5, math.sqrt(0.25 / n))


@pytest.mark.parametrize("cls", [DoubleClickLinkModel, SingleClickLinkModel])
def test_every_state_is_a_density_matrix(cls):
    rng = np.random.default_rng(2024)
    cfg_cls = HeraldedLinkConfig if cls is DoubleClickLinkModel else SingleClickLinkConfig
    for _ in range(150):
        kw = {
            "length_A": float(rng.uniform(0, 80)),
            "length_B": float(rng.uniform(0, 80)),
            "p_loss_init_A": float(rng.uniform(0, 0.9)),
            "detector_efficiency": float(rng.uniform(0.05, 1)),
            "dark_count_probability": float(rng.choice([0, 1e-6, 1e-3, 0.1, 0.5])),
            "visibility": float(rng.uniform(0, 1)),
            "emission_fidelity_A": float(rng.uniform(0.25, 1)),
            "emission_fidelity_B": float(rng.uniform(0.25, 1)),
            "num_resolving": bool(rng.integers(2)),
            "num_multiplexing_modes": int(rng.integers(1, 5)),
        }
        if cls is SingleClickLinkModel:
            kw["alpha"] = float(rng.uniform(0.01, 1))
        model = build_link_model(cfg_cls(**kw))
        assert 0 < model.success_probability <= 1
        assert 0 <= model.fidelity() <= 1
        for idx in (1, 3):
            rho = model.state(idx)
            assert_density_matrix(rho)
            assert fidelity(rho, bell_state(idx)) == pytest.approx(model.fidelity(), abs=1e-12)
        assert_density_matrix(model.sample(rng).state)


@pytest.mark.parametrize("length", [0.0, 1.0, 10.0, 25.0, 50.0, 200.0])
def test_single_click_default_alpha_is_squidasms(length):
    # SquidASM requests minimum fidelity 0.99 and netsquid-magic turns it into
    # alpha = 1 - 0.99. Ideal components, symmetric arms with eta = eta(L/2):
    #   p = a^2 (2 eta - eta^2) + 2 a (1 - a) eta,  F = 2 a (1 - a) eta / p
    #     = 2 (1 - a) / (2 (1 - a) + a (2 - eta)).
    cfg = SingleClickLinkConfig(length=length)
    a = 1 - 0.99
    assert cfg.alpha == a
    e = eta(length / 2)
    model = build_link_model(cfg)
    p = a**2 * (2 * e - e**2) + 2 * a * (1 - a) * e
    assert model.success_probability == pytest.approx(p, rel=1e-12)
    assert model.fidelity() == pytest.approx(2 * (1 - a) / (2 * (1 - a) + a * (2 - e)),
                                             rel=1e-12)
    # Between the lossless 2(1-a)/(2-a) = 0.99497 and the lossy limit 1 - a = 0.99;
    # the former default alpha = 0.1 gave 0.922 at 25 km.
    assert 0.99 <= model.fidelity() <= 2 * (1 - a) / (2 - a) + 1e-12


def test_single_click_alpha_from_a_minimum_fidelity():
    from netqsim.config.links import SQUIDASM_MINIMUM_FIDELITY, single_click_alpha

    assert SQUIDASM_MINIMUM_FIDELITY == 0.99
    assert single_click_alpha(0.9) == pytest.approx(0.1)
    assert SingleClickLinkConfig(length=1).alpha == single_click_alpha(0.99)
    with pytest.raises(ValueError, match=r"minimum_fidelity must be in \[0, 1\), got 1"):
        single_click_alpha(1)
    # An explicit alpha still wins.
    assert SingleClickLinkConfig(length=1, alpha=0.2).alpha == 0.2
