"""Heralded links through a midpoint station: double-click (Barrett-Kok) and single-click.

Both nodes emit a photon entangled with a memory qubit towards a midpoint
station that interferes the two photons on a beam splitter and detects them.
Which detectors click heralds success and the Bell state (Psi+ or Psi-).

The double-click model is netsquid-magic's ``DoubleClickDeliverySamplerFactory``
(plus the coincidence-window probabilities); the single-click model is
netsquid-magic's ``SingleClickDeliverySamplerFactory`` generalised to asymmetric
links, photon-number-resolving detectors, multiplexing and emission noise, with
the dark-count branch made incoherent. ``docs/links.md`` has the derivations.

Side A is stack1 (first qubit of the delivered state), side B is stack2.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ...config.links import HeraldedLinkConfig, HeraldedSide, SingleClickLinkConfig
from ...quantum.states import bell_state
from .base import LinkModel, depolarise_each_qubit, multiplexed_success_probability

__all__ = [
    "DoubleClickLinkModel",
    "DoubleClickProbabilities",
    "SingleClickLinkModel",
    "SingleClickProbabilities",
    "emission_depolarising_parameter",
]

#: Bell indices heralded by the two detector patterns (NetSquid BellIndex order).
PSI_PLUS, PSI_MINUS = 1, 3

_CLASSICALLY_CORRELATED = np.diag([0.5, 0.0, 0.0, 0.5]).astype(complex)
_CLASSICALLY_ANTICORRELATED = np.diag([0.0, 0.5, 0.5, 0.0]).astype(complex)
_MAX_MIXED = np.eye(4, dtype=complex) / 4


def emission_depolarising_parameter(emission_fidelity: float) -> float:
    """Weight ``q = (4F - 1) / 3`` kept by the depolarising channel of an emission of fidelity F."""
    return (4.0 * emission_fidelity - 1.0) / 3.0


class _HeraldedModel(LinkModel):
    """Shared geometry of the heralded models: per-side transmission and timing."""

    def __init__(self, cfg: HeraldedLinkConfig | SingleClickLinkConfig) -> None:
        self.cfg = cfg
        self.side_a, self.side_b = cfg.resolved_sides()
        self.eta_a = self.side_a.transmissivity * cfg.detector_efficiency
        self.eta_b = self.side_b.transmissivity * cfg.detector_efficiency
        self._cycle = max(2.0 * s.delay_ns for s in (self.side_a, self.side_b))
        self.q_a = emission_depolarising_parameter(self.side_a.emission_fidelity)
        self.q_b = emission_depolarising_parameter(self.side_b.emission_fidelity)
        self._p_mode = 0.0
        self._p_cycle = 0.0

    @property
    def sides(self) -> tuple[HeraldedSide, HeraldedSide]:
        """Resolved parameters of side A (stack1) and side B (stack2)."""
        return self.side_a, self.side_b

    @property
    def cycle_time_ns(self) -> float:
        """``max(2 L_A / c_A, 2 L_B / c_B)``: photons to the midpoint and the herald back [ns]."""
        return self._cycle

    @property
    def success_probability_per_mode(self) -> float:
        """Probability that a single mode heralds success."""
        return self._p_mode

    @property
    def success_probability(self) -> float:
        """Per-cycle success probability ``1 - (1 - p_mode)^M`` over M multiplexing modes."""
        return self._p_cycle

    def _finish(self, p_mode: float, states: dict[int, np.ndarray]) -> None:
        self._p_mode = p_mode
        self._p_cycle = multiplexed_success_probability(p_mode, self.cfg.num_multiplexing_modes)
        self._set_outcomes({PSI_PLUS: 0.5, PSI_MINUS: 0.5}, states)


# --------------------------------------------------------------------------- double click


@dataclass(frozen=True)
class DoubleClickProbabilities:
    """Per-mode probabilities of the click patterns that a double-click midpoint calls success."""

    true_success: float
    """Both photons detected in different modes, interfering (-> Psi+/Psi-)."""
    false_distinguishable: float
    """Both photons detected in different modes, not interfering
    (-> classically anti-correlated)."""
    false_bunched_dark: float
    """Both photons at one detector plus a dark count (-> classically correlated)."""
    false_one_photon_dark: float
    """One photon lost, one dark count (-> maximally mixed)."""
    false_two_dark: float
    """Both photons lost, two dark counts (-> maximally mixed)."""

    @property
    def total(self) -> float:
        """Success probability of one mode."""
        return (
            self.true_success
            + self.false_distinguishable
            + self.false_bunched_dark
            + self.false_one_photon_dark
            + self.false_two_dark
        )


def double_click_probabilities(
    eta_a: float,
    eta_b: float,
    *,
    dark_count_probability: float,
    visibility: float,
    num_resolving: bool,
    coin_prob_ph_ph: float = 1.0,
    coin_prob_ph_dc: float = 1.0,
    coin_prob_dc_dc: float = 1.0,
) -> DoubleClickProbabilities:
    """Per-mode success-event probabilities of the double-click scheme.

    ``eta_a``/``eta_b`` are the probabilities that a photon from side A/B is
    detected (transmission times detector efficiency).
    """
    pdc, v = dark_count_probability, visibility
    both = eta_a * eta_b
    one = eta_a * (1 - eta_b) + eta_b * (1 - eta_a)
    none = (1 - eta_a) * (1 - eta_b)
    # Detectors that must stay dark: the two silent ones, and with number
    # resolution also the two clicking ones (a dark count there reads as "2").
    quiet_two_photons = (1 - pdc) ** (4 if num_resolving else 2)
    quiet_one_photon = (1 - pdc) ** (3 if num_resolving else 2)
    true_success = 0.5 * both * v * quiet_two_photons * coin_prob_ph_ph
    false_1 = 0.5 * both * (1 - v) * quiet_two_photons * coin_prob_ph_ph
    false_2 = (
        0.0 if num_resolving else 0.5 * both * (1 + v) * pdc * (1 - pdc) ** 2 * coin_prob_ph_dc
    )
    false_3 = one * 2 * pdc * quiet_one_photon * coin_prob_ph_dc
    false_4 = 4 * none * pdc**2 * (1 - pdc) ** 2 * coin_prob_dc_dc
    return DoubleClickProbabilities(true_success, false_1, false_2, false_3, false_4)


class DoubleClickLinkModel(_HeraldedModel):
    """Barrett-Kok double-click scheme (``heralded`` / ``heralded-double-click``)."""

    typ: ClassVar[str] = "heralded-double-click"

    def __init__(self, cfg: HeraldedLinkConfig) -> None:
        super().__init__(cfg)
        self.probabilities = double_click_probabilities(
            self.eta_a,
            self.eta_b,
            dark_count_probability=cfg.dark_count_probability,
            visibility=cfg.visibility,
            num_resolving=cfg.num_resolving,
            coin_prob_ph_ph=cfg.coin_prob_ph_ph,
            coin_prob_ph_dc=cfg.coin_prob_ph_dc,
            coin_prob_dc_dc=cfg.coin_prob_dc_dc,
        )
        pr = self.probabilities
        states = {}
        if pr.total > 0:
            q = self.q_a * self.q_b
            noise = (
                pr.false_distinguishable * q * _CLASSICALLY_ANTICORRELATED
                + pr.false_bunched_dark * q * _CLASSICALLY_CORRELATED
                + (
                    (pr.true_success + pr.false_distinguishable + pr.false_bunched_dark) * (1 - q)
                    + pr.false_one_photon_dark
                    + pr.false_two_dark
                )
                * _MAX_MIXED
            )
            for index in (PSI_PLUS, PSI_MINUS):
                rho = pr.true_success * q * bell_state(index, as_dm=True) + noise
                states[index] = rho / pr.total
        self._finish(pr.total, states)

    def fidelity(self) -> float:
        """Closed form ``[q (p_t + p_f1/2) + ((p_t+p_f1+p_f2)(1-q) + p_f3 + p_f4)/4] / p``."""
        pr = self.probabilities
        q = self.q_a * self.q_b
        numerator = (
            q * (pr.true_success + pr.false_distinguishable / 2)
            + (
                (pr.true_success + pr.false_distinguishable + pr.false_bunched_dark) * (1 - q)
                + pr.false_one_photon_dark
                + pr.false_two_dark
            )
            / 4
        )
        return numerator / pr.total


# --------------------------------------------------------------------------- single click


@dataclass(frozen=True)
class SingleClickProbabilities:
    """Per-mode probabilities that exactly one midpoint detector clicks, by emitted pattern.

    "Bright" (photon emitted) is memory state |0>, "dark" is |1>, as in netsquid-magic.
    """

    bright_bright: float
    """Both emitted (-> |00>)."""
    bright_dark: float
    """Only A emitted (-> |01>)."""
    dark_bright: float
    """Only B emitted (-> |10>)."""
    dark_dark: float
    """Neither emitted, dark count (-> |11>)."""
    coherence: float
    """Magnitude of the |01><10| coherence (from detected, interfering photons only)."""

    @property
    def total(self) -> float:
        """Success probability of one mode."""
        return self.bright_bright + self.bright_dark + self.dark_bright + self.dark_dark


def single_click_probabilities(
    eta_a: float,
    eta_b: float,
    *,
    alpha: float,
    dark_count_probability: float,
    visibility: float,
    num_resolving: bool,
) -> SingleClickProbabilities:
    """Per-mode probabilities of a single-click herald, per emission pattern.

    ``eta_a``/``eta_b``: probability that a photon from side A/B is detected.
    """
    pdc, v = dark_count_probability, visibility
    one_dark = 2 * pdc * (1 - pdc)  # exactly one of the two detectors has a dark count
    # A single photon is detected and no other click: the other detector must stay
    # dark; with number resolution the clicking one too.
    quiet = (1 - pdc) ** (2 if num_resolving else 1)

    def one_photon(eta: float) -> float:
        return eta * quiet + (1 - eta) * one_dark

    exactly_one = eta_a * (1 - eta_b) + eta_b * (1 - eta_a)
    # Both photons detected: they bunch at one detector with probability (1+V)/2;
    # a number-resolving detector then reads "2" (failure).
    bunched = 0.0 if num_resolving else eta_a * eta_b * (1 + v) / 2 * (1 - pdc)
    bright_bright = alpha**2 * (
        exactly_one * quiet + (1 - eta_a) * (1 - eta_b) * one_dark + bunched
    )
    bright_dark = alpha * (1 - alpha) * one_photon(eta_a)
    dark_bright = alpha * (1 - alpha) * one_photon(eta_b)
    dark_dark = (1 - alpha) ** 2 * one_dark
    coherence = alpha * (1 - alpha) * quiet * math.sqrt(v * eta_a * eta_b)
    return SingleClickProbabilities(bright_bright, bright_dark, dark_bright, dark_dark, coherence)


class SingleClickLinkModel(_HeraldedModel):
    """Single-click scheme with bright-state population ``alpha`` (``heralded-single-click``)."""

    typ: ClassVar[str] = "heralded-single-click"

    def __init__(self, cfg: SingleClickLinkConfig) -> None:
        super().__init__(cfg)
        self.alpha = float(cfg.alpha)
        self.probabilities = single_click_probabilities(
            self.eta_a,
            self.eta_b,
            alpha=self.alpha,
            dark_count_probability=cfg.dark_count_probability,
            visibility=cfg.visibility,
            num_resolving=cfg.num_resolving,
        )
        pr = self.probabilities
        states = {}
        if pr.total > 0:
            for index, sign in ((PSI_PLUS, 1.0), (PSI_MINUS, -1.0)):
                rho = np.diag(
                    [pr.bright_bright, pr.bright_dark, pr.dark_bright, pr.dark_dark]
                ).astype(complex)
                rho[1, 2] = rho[2, 1] = sign * pr.coherence
                states[index] = depolarise_each_qubit(rho / pr.total, self.q_a, self.q_b)
        self._finish(pr.total, states)

    def fidelity(self) -> float:
        """Closed form ``q_A q_B F0 + (1 - q_A q_B)/4``, ``F0 = ((p_bd + p_db)/2 + c) / p``."""
        pr = self.probabilities
        f0 = ((pr.bright_dark + pr.dark_bright) / 2 + pr.coherence) / pr.total
        q = self.q_a * self.q_b
        return q * f0 + (1 - q) / 4
