"""Entanglement-link configurations (a link's ``cfg``) and the link ``typ`` registry.

Field names and defaults are SquidASM's (via netsquid-netbuilder, which SquidASM
0.12+ re-exports from ``squidasm/run/stack/config.py``):

* ``perfect`` -> :class:`PerfectLinkConfig`, from
  ``netsquid_netbuilder/modules/links/perfect.py``: ``state_delay`` [ns] or
  ``length`` [km] with ``speed_of_light`` (default 200_000 km/s); neither given
  means ``state_delay = 1000`` ns (its ``set_default``); both given is an error.
  The link's cycle time equals its state delay. ``cfg: null`` means all defaults
  (SquidASM's ``LinkConfig.perfect_config``).
* ``depolarise`` -> :class:`DepolariseLinkConfig`, from
  ``netsquid_netbuilder/modules/links/depolarise.py`` (``qlinks/depolarise.py``
  in later versions, which adds ``random_bell_state=False``): ``fidelity``,
  ``prob_success`` (per cycle), and exactly one of ``t_cycle`` [ns] or
  ``length`` [km] (+ ``speed_of_light``, default 200_000 km/s). The state
  delay equals the cycle time.
* ``heralded`` / ``heralded-double-click`` -> :class:`HeraldedLinkConfig`, from
  ``netsquid_netbuilder/modules/links/heralded_double_click.py``: defaults
  p_loss_init=0, p_loss_length=0.25 dB/km, speed_of_light=200_000 km/s,
  emission_fidelity=1 (its ``get_defaults``), dark_count_probability=0,
  detector_efficiency=1, visibility=1, num_resolving=False, coin_prob_ph_ph=1,
  coin_prob_ph_dc=1, coin_prob_dc_dc=1, num_multiplexing_modes=1. ``length`` is
  the total fibre length; a side's ``length_A``/``length_B`` default to
  ``length / 2`` and its other ``*_A``/``*_B`` values to the global one. SquidASM
  maps ``typ: heralded`` to ``heralded-double-click``.
* ``heralded-single-click`` -> :class:`SingleClickLinkConfig`, from
  ``netsquid_netbuilder/modules/links/heralded_single_click.py`` (same physical
  fields without the double-click coincidence probabilities) plus the
  netqsim extension ``alpha`` (bright-state population), which netsquid-magic
  takes per request instead of from the config. Its default is the one
  SquidASM ends up with: SquidASM's network stack asks the link layer for
  minimum fidelity 0.99 on every request (``MINIMUM_FIDELITY`` in
  ``squidasm/sim/stack/netstack.py``) and netsquid-magic's single-click
  translation unit turns a minimum fidelity F into ``alpha = 1 - F``, so
  ``alpha = 1 - 0.99 = 0.01`` (:func:`single_click_alpha`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import Field

from .base import (
    BellFidelity,
    ConfigModel,
    DecibelPerKm,
    Kilometres,
    KmPerSecond,
    Nanoseconds,
    PositiveInt,
    Probability,
    Problem,
)

#: Default speed of light in fibre [km/s] (SquidASM / netsquid-netbuilder).
SPEED_OF_LIGHT_FIBRE = 200_000.0
#: Default state delay of a perfect link [ns] (netsquid-netbuilder ``set_default``).
PERFECT_LINK_DEFAULT_DELAY = 1000.0
#: The minimum fidelity SquidASM's network stack puts in every link-layer request.
SQUIDASM_MINIMUM_FIDELITY = 0.99


def single_click_alpha(minimum_fidelity: float) -> float:
    """The bright-state population netsquid-magic uses for a requested minimum fidelity.

    ``1 - minimum_fidelity``: the fidelity a single-click link reaches when
    few photons arrive (``F -> 1 - alpha``); shorter links do better.
    """
    if not 0 <= minimum_fidelity < 1:
        raise ValueError(f"minimum_fidelity must be in [0, 1), got {minimum_fidelity!r}")
    return 1 - minimum_fidelity


def travel_time_ns(length_km: float, speed_km_s: float) -> float:
    """Time light needs for ``length_km`` at ``speed_km_s``, in nanoseconds."""
    return length_km / speed_km_s * 1e9


def fidelity_to_prob_max_mixed(fidelity: float) -> float:
    """Weight of the maximally mixed state in a Werner state of this Bell fidelity."""
    return (1.0 - fidelity) * 4.0 / 3.0


class LinkCfg(ConfigModel):
    """Base class of every link ``cfg`` model; ``TYP`` is its ``typ`` name."""

    TYP: ClassVar[str] = ""


class PerfectLinkConfig(LinkCfg):
    """Link that delivers perfect |Phi+> pairs after a fixed delay."""

    TYP: ClassVar[str] = "perfect"

    state_delay: Nanoseconds | None = Field(
        default=None,
        description="Time to deliver a pair [ns]; default 1000 if length is not given.",
    )
    length: Kilometres | None = Field(
        default=None, description="Link length [km]; state_delay = length / speed_of_light."
    )
    speed_of_light: KmPerSecond = Field(
        default=SPEED_OF_LIGHT_FIBRE, description="Speed of light in the fibre [km/s]."
    )

    def _cross_problems(self) -> list[Problem]:
        if self.state_delay is not None and self.length is not None:
            return [Problem((), (), "give state_delay or length, not both")]
        return []

    def state_delay_ns(self) -> float:
        """Delay from request to delivered pair [ns]."""
        if self.state_delay is not None:
            return float(self.state_delay)
        if self.length is not None:
            return travel_time_ns(self.length, self.speed_of_light)
        return PERFECT_LINK_DEFAULT_DELAY

    def cycle_time_ns(self) -> float:
        """Duration of one generation cycle [ns] (equal to the state delay)."""
        return self.state_delay_ns()


class BitflipLinkConfig(PerfectLinkConfig):
    """Link that delivers Phi+ with one half bit-flipped (Psi+) with probability 1 - fidelity.

    netqasm's ``Bitflip`` link (netsquid-magic's bit-flip distributor): the
    pair is ``F |Phi+><Phi+| + (1 - F) |Psi+><Psi+|`` after the state delay.
    """

    TYP: ClassVar[str] = "bitflip"

    fidelity: BellFidelity = Field(
        description="Probability that no qubit is flipped (the pair's fidelity to Phi+)."
    )


class DepolariseLinkConfig(LinkCfg):
    """Link that succeeds with ``prob_success`` per cycle and delivers Werner states."""

    TYP: ClassVar[str] = "depolarise"

    fidelity: BellFidelity = Field(description="Fidelity of delivered pairs to the Bell state.")
    prob_success: Probability = Field(description="Success probability per cycle.")
    t_cycle: Nanoseconds | None = Field(default=None, description="Duration of one cycle [ns].")
    length: Kilometres | None = Field(
        default=None, description="Link length [km]; t_cycle = length / speed_of_light."
    )
    speed_of_light: KmPerSecond = Field(
        default=SPEED_OF_LIGHT_FIBRE, description="Speed of light in the fibre [km/s]."
    )
    random_bell_state: bool = Field(
        default=False, description="Deliver a uniformly random Bell state instead of always Phi+."
    )

    def _cross_problems(self) -> list[Problem]:
        if self.t_cycle is None and self.length is None:
            return [Problem(("t_cycle",), ("t_cycle",), "give t_cycle (ns) or length (km)")]
        if self.t_cycle is not None and self.length is not None:
            return [Problem((), (), "give t_cycle or length, not both")]
        if self.prob_success == 0:
            return [
                Problem(("prob_success",), ("prob_success",), "must be > 0 (no pair would arrive)")
            ]
        return []

    def cycle_time_ns(self) -> float:
        """Duration of one generation attempt [ns]."""
        if self.t_cycle is not None:
            return float(self.t_cycle)
        assert self.length is not None
        return travel_time_ns(self.length, self.speed_of_light)

    def state_delay_ns(self) -> float:
        """Delay between the successful cycle's start and delivery [ns] (one cycle)."""
        return self.cycle_time_ns()

    def prob_max_mixed(self) -> float:
        """Weight of the maximally mixed state in the delivered Werner state."""
        return fidelity_to_prob_max_mixed(self.fidelity)


@dataclass(frozen=True)
class HeraldedSide:
    """Resolved parameters of one side (A or B) of a heralded link."""

    length: float
    """Fibre length from the node to the midpoint [km]."""
    p_loss_init: float
    """Probability that a photon is lost when entering the fibre."""
    p_loss_length: float
    """Fibre attenuation [dB/km]."""
    speed_of_light: float
    """Speed of light in this fibre [km/s]."""
    emission_fidelity: float
    """Fidelity of the emitted memory-photon state to Phi+."""

    @property
    def delay_ns(self) -> float:
        """Travel time node -> midpoint [ns]."""
        return travel_time_ns(self.length, self.speed_of_light)

    @property
    def transmissivity(self) -> float:
        """Probability that an emitted photon reaches the midpoint."""
        return (1.0 - self.p_loss_init) * 10 ** (-self.p_loss_length * self.length / 10)


_SIDE_PARAMS = ("p_loss_init", "p_loss_length", "speed_of_light", "emission_fidelity")


class _HeraldedBase(LinkCfg):
    """Physical parameters shared by the single- and double-click models."""

    length: Kilometres | None = Field(
        default=None, description="Total fibre length [km]; each side gets length/2 unless set."
    )
    p_loss_init: Probability = Field(
        default=0.0, description="Photon loss probability at fibre entry."
    )
    p_loss_length: DecibelPerKm = Field(default=0.25, description="Fibre attenuation [dB/km].")
    speed_of_light: KmPerSecond = Field(
        default=SPEED_OF_LIGHT_FIBRE, description="Speed of light in the fibre [km/s]."
    )
    emission_fidelity: BellFidelity = Field(
        default=1.0, description="Fidelity of the emitted memory-photon state to Phi+."
    )
    dark_count_probability: Probability = Field(default=0.0, description="Dark-count probability.")
    detector_efficiency: Probability = Field(
        default=1.0, description="Probability that a photon at a detector clicks."
    )
    visibility: Probability = Field(
        default=1.0, description="Hong-Ou-Mandel visibility (photon indistinguishability)."
    )
    num_resolving: bool = Field(default=False, description="Photon-number-resolving detectors.")
    num_multiplexing_modes: PositiveInt = Field(
        default=1, description="Generation attempts per round (multiplexing modes)."
    )
    length_A: Kilometres | None = Field(default=None, description="Fibre length, side A [km].")
    p_loss_init_A: Probability | None = Field(default=None, description="p_loss_init, side A.")
    p_loss_length_A: DecibelPerKm | None = Field(
        default=None, description="Attenuation, side A [dB/km]."
    )
    speed_of_light_A: KmPerSecond | None = Field(
        default=None, description="Speed of light, side A [km/s]."
    )
    emission_fidelity_A: BellFidelity | None = Field(
        default=None, description="Emission fidelity, side A."
    )
    length_B: Kilometres | None = Field(default=None, description="Fibre length, side B [km].")
    p_loss_init_B: Probability | None = Field(default=None, description="p_loss_init, side B.")
    p_loss_length_B: DecibelPerKm | None = Field(
        default=None, description="Attenuation, side B [dB/km]."
    )
    speed_of_light_B: KmPerSecond | None = Field(
        default=None, description="Speed of light, side B [km/s]."
    )
    emission_fidelity_B: BellFidelity | None = Field(
        default=None, description="Emission fidelity, side B."
    )

    def _cross_problems(self) -> list[Problem]:
        if self.length is None and (self.length_A is None or self.length_B is None):
            missing = [s for s in ("length_A", "length_B") if getattr(self, s) is None]
            return [
                Problem(
                    ("length",),
                    ("length",),
                    f"give length (total km) or both length_A and length_B "
                    f"(missing: {', '.join(missing)})",
                )
            ]
        return []

    def side(self, which: str) -> HeraldedSide:
        """Resolved parameters of side ``"A"`` or ``"B"``."""
        if which not in ("A", "B"):
            raise ValueError(f"side must be 'A' or 'B', not {which!r}")
        length = getattr(self, f"length_{which}")
        if length is None:
            assert self.length is not None
            length = self.length / 2
        values: dict[str, Any] = {"length": float(length)}
        for name in _SIDE_PARAMS:
            own = getattr(self, f"{name}_{which}")
            values[name] = float(own if own is not None else getattr(self, name))
        return HeraldedSide(**values)

    def resolved_sides(self) -> tuple[HeraldedSide, HeraldedSide]:
        """Resolved parameters of sides A and B."""
        return self.side("A"), self.side("B")


class HeraldedLinkConfig(_HeraldedBase):
    """Double-click (Barrett-Kok) heralded link via a midpoint Bell-state measurement.

    Model of https://arxiv.org/abs/2207.10579 as in netsquid-magic.
    """

    TYP: ClassVar[str] = "heralded"

    coin_prob_ph_ph: Probability = Field(
        default=1.0,
        description="Probability that two photon clicks fall in one coincidence window.",
    )
    coin_prob_ph_dc: Probability = Field(
        default=1.0, description="Same for a photon click and a dark count."
    )
    coin_prob_dc_dc: Probability = Field(default=1.0, description="Same for two dark counts.")


#: netsquid-netbuilder's name for the same model.
HeraldedDoubleClickLinkConfig = HeraldedLinkConfig


class SingleClickLinkConfig(_HeraldedBase):
    """Single-click heralded link via a midpoint (one photon detection heralds)."""

    TYP: ClassVar[str] = "heralded-single-click"

    alpha: Probability = Field(
        default=single_click_alpha(SQUIDASM_MINIMUM_FIDELITY),
        description="Bright-state population of the emitted spin-photon state "
        "(netqsim extension; trades rate against fidelity). Default 1 - 0.99 = 0.01, "
        "as SquidASM derives it from its minimum fidelity 0.99.",
    )

    def _cross_problems(self) -> list[Problem]:
        out = super()._cross_problems()
        if self.alpha == 0:
            out.append(Problem(("alpha",), ("alpha",), "must be > 0 (no photon would be emitted)"))
        return out


HeraldedSingleClickLinkConfig = SingleClickLinkConfig

# --------------------------------------------------------------------------- registry

#: link ``typ`` name -> cfg class.
LINK_TYPES: dict[str, type[LinkCfg]] = {
    "perfect": PerfectLinkConfig,
    "depolarise": DepolariseLinkConfig,
    "bitflip": BitflipLinkConfig,
    "heralded": HeraldedLinkConfig,
    "heralded-double-click": HeraldedLinkConfig,
    "heralded-single-click": SingleClickLinkConfig,
}

#: Alternative ``typ`` names -> the name of the model they denote.
LINK_TYPE_ALIASES: dict[str, str] = {"heralded": "heralded-double-click"}

#: Link types whose cfg may be omitted (``null`` means all defaults).
LINK_TYPES_WITHOUT_CFG: set[str] = {"perfect"}


def register_link_type(name: str, cls: type[LinkCfg], *, cfg_optional: bool = False) -> None:
    """Make ``typ: <name>`` load a link's ``cfg`` with ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, LinkCfg)):
        raise TypeError(f"{cls!r} is not a LinkCfg subclass")
    LINK_TYPES[name] = cls
    if cfg_optional:
        LINK_TYPES_WITHOUT_CFG.add(name)
    if not cls.TYP:
        cls.TYP = name


def canonical_link_typ(typ: str) -> str:
    """The model name a link ``typ`` denotes (``heralded`` -> ``heralded-double-click``)."""
    return LINK_TYPE_ALIASES.get(typ, typ)
