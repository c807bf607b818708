"""Classical-link configurations (a clink's ``cfg``) and the clink ``typ`` registry.

Field names and defaults are SquidASM's (netsquid-netbuilder
``modules/clinks/instant.py`` and ``modules/clinks/default.py``, re-exported
by SquidASM 0.12+ ``squidasm/run/stack/config.py``):

* ``instant`` -> :class:`InstantCLinkConfig`: no fields, zero delay.
  ``cfg: null`` means all defaults.
* ``default`` -> :class:`DefaultCLinkConfig`: exactly one of ``delay`` [ns] or
  ``length`` [km] (+ ``speed_of_light``, default 200_000 km/s); the delay is
  then ``length / speed_of_light``. (Older netbuilder versions called
  ``length`` ``distance``.)
"""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from pydantic import Field

from .base import ConfigModel, Kilometres, KmPerSecond, Nanoseconds, Problem
from .links import SPEED_OF_LIGHT_FIBRE, travel_time_ns


class CLinkCfg(ConfigModel):
    """Base class of every clink ``cfg`` model; ``TYP`` is its ``typ`` name."""

    TYP: ClassVar[str] = ""

    @abstractmethod
    def delay_ns(self) -> float:
        """One-way delay of every classical message [ns]."""


class InstantCLinkConfig(CLinkCfg):
    """Classical link without delay."""

    TYP: ClassVar[str] = "instant"

    def delay_ns(self) -> float:
        """One-way delay of every classical message [ns] (always 0)."""
        return 0.0


class DefaultCLinkConfig(CLinkCfg):
    """Classical link with a fixed one-way delay."""

    TYP: ClassVar[str] = "default"

    delay: Nanoseconds | None = Field(default=None, description="One-way message delay [ns].")
    length: Kilometres | None = Field(
        default=None, description="Link length [km]; delay = length / speed_of_light."
    )
    speed_of_light: KmPerSecond = Field(
        default=SPEED_OF_LIGHT_FIBRE, description="Speed of light in the fibre [km/s]."
    )

    def _cross_problems(self) -> list[Problem]:
        if self.delay is None and self.length is None:
            return [Problem(("delay",), ("delay",), "give delay (ns) or length (km)")]
        if self.delay is not None and self.length is not None:
            return [Problem((), (), "give delay or length, not both")]
        return []

    def delay_ns(self) -> float:
        """One-way delay of every classical message [ns]."""
        if self.delay is not None:
            return float(self.delay)
        assert self.length is not None
        return travel_time_ns(self.length, self.speed_of_light)


#: clink ``typ`` name -> cfg class.
CLINK_TYPES: dict[str, type[CLinkCfg]] = {
    "instant": InstantCLinkConfig,
    "default": DefaultCLinkConfig,
}

#: Clink types whose cfg may be omitted (``null`` means all defaults).
CLINK_TYPES_WITHOUT_CFG: set[str] = {"instant"}


def register_clink_type(name: str, cls: type[CLinkCfg], *, cfg_optional: bool = False) -> None:
    """Make clink ``typ: <name>`` load its ``cfg`` with ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, CLinkCfg)):
        raise TypeError(f"{cls!r} is not a CLinkCfg subclass")
    CLINK_TYPES[name] = cls
    if cfg_optional:
        CLINK_TYPES_WITHOUT_CFG.add(name)
    if not cls.TYP:
        cls.TYP = name
