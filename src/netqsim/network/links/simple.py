"""Phenomenological link models: ``perfect``, ``depolarise`` and ``bitflip`` (as in
SquidASM and netsquid-magic)."""

from __future__ import annotations

from typing import ClassVar

from ...config.links import BitflipLinkConfig, DepolariseLinkConfig, PerfectLinkConfig
from ...quantum.states import bell_state, werner_state
from .base import BELL_INDICES, LinkModel

__all__ = ["BitflipLinkModel", "DepolariseLinkModel", "PerfectLinkModel"]


class PerfectLinkModel(LinkModel):
    """Delivers a perfect Phi+ pair after the configured state delay, in one attempt."""

    typ: ClassVar[str] = "perfect"

    def __init__(self, cfg: PerfectLinkConfig | None = None) -> None:
        self.cfg = cfg if cfg is not None else PerfectLinkConfig()
        self._cycle = float(self.cfg.state_delay_ns())
        self._set_outcomes({0: 1.0}, {0: bell_state(0, as_dm=True)})

    @property
    def cycle_time_ns(self) -> float:
        """The state delay [ns] (``state_delay``, or ``length / speed_of_light``)."""
        return self._cycle

    @property
    def success_probability(self) -> float:
        """Always 1."""
        return 1.0


class DepolariseLinkModel(LinkModel):
    """Werner states ``(1-p)|B><B| + p I/4``, ``p = 4/3 (1-F)``, after a geometric number of cycles.

    ``B`` is Phi+, or with ``random_bell_state`` a uniformly random Bell state
    (the heralded index says which).
    """

    typ: ClassVar[str] = "depolarise"

    def __init__(self, cfg: DepolariseLinkConfig) -> None:
        self.cfg = cfg
        self._cycle = float(cfg.cycle_time_ns())
        self._p = float(cfg.prob_success)
        indices = BELL_INDICES if cfg.random_bell_state else (0,)
        self._set_outcomes(
            {i: 1.0 for i in indices}, {i: werner_state(cfg.fidelity, i) for i in indices}
        )

    @property
    def cycle_time_ns(self) -> float:
        """``t_cycle`` [ns], or ``length / speed_of_light``."""
        return self._cycle

    @property
    def success_probability(self) -> float:
        """``prob_success``."""
        return self._p

    def fidelity(self) -> float:
        """The configured fidelity ``F``."""
        return float(self.cfg.fidelity)


class BitflipLinkModel(PerfectLinkModel):
    """``F |Phi+><Phi+| + (1-F) |Psi+><Psi+|`` (one half flipped) after the state delay."""

    typ: ClassVar[str] = "bitflip"

    def __init__(self, cfg: BitflipLinkConfig) -> None:
        super().__init__(cfg)
        f = float(cfg.fidelity)
        state = f * bell_state(0, as_dm=True) + (1.0 - f) * bell_state(1, as_dm=True)
        self._set_outcomes({0: 1.0}, {0: state})
