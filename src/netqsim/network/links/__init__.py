"""Entanglement-link models: sample delivered Bell pairs and their delivery times analytically.

Build a model from a link configuration, then sample one delivered pair per call::

    >>> import numpy as np
    >>> from netqsim.config import DepolariseLinkConfig
    >>> from netqsim.network.links import build_link_model
    >>> model = build_link_model(DepolariseLinkConfig(fidelity=0.9, prob_success=0.5, t_cycle=10))
    >>> round(model.fidelity(), 12), model.success_probability, model.cycle_time_ns
    (0.9, 0.5, 10.0)
    >>> d = model.sample(np.random.default_rng(1))
    >>> d.duration_ns == d.attempts * model.cycle_time_ns, d.bell_index, d.state.shape
    (True, 0, (4, 4))

Models (``typ`` of a SquidASM link entry):

* ``perfect`` -> :class:`PerfectLinkModel`
* ``depolarise`` -> :class:`DepolariseLinkModel`
* ``bitflip`` -> :class:`BitflipLinkModel`
* ``heralded`` / ``heralded-double-click`` -> :class:`DoubleClickLinkModel`
* ``heralded-single-click`` -> :class:`SingleClickLinkModel`

The formulas and their sources are in ``docs/links.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...config.links import LinkCfg, canonical_link_typ
from .base import (
    BELL_INDICES,
    Delivery,
    LinkModel,
    LinkModelError,
    depolarise_each_qubit,
    multiplexed_success_probability,
)
from .heralded import (
    DoubleClickLinkModel,
    DoubleClickProbabilities,
    SingleClickLinkModel,
    SingleClickProbabilities,
    double_click_probabilities,
    emission_depolarising_parameter,
    single_click_probabilities,
)
from .simple import BitflipLinkModel, DepolariseLinkModel, PerfectLinkModel

__all__ = [
    "BELL_INDICES",
    "LINK_MODELS",
    "BitflipLinkModel",
    "Delivery",
    "DepolariseLinkModel",
    "DoubleClickLinkModel",
    "DoubleClickProbabilities",
    "LinkModel",
    "LinkModelError",
    "PerfectLinkModel",
    "SingleClickLinkModel",
    "SingleClickProbabilities",
    "build_link_model",
    "depolarise_each_qubit",
    "double_click_probabilities",
    "emission_depolarising_parameter",
    "multiplexed_success_probability",
    "register_link_model",
    "single_click_probabilities",
]

#: Canonical link model name -> factory taking the link's ``cfg``.
LINK_MODELS: dict[str, Callable[[Any], LinkModel]] = {
    "perfect": PerfectLinkModel,
    "depolarise": DepolariseLinkModel,
    "bitflip": BitflipLinkModel,
    "heralded-double-click": DoubleClickLinkModel,
    "heralded-single-click": SingleClickLinkModel,
}


def register_link_model(name: str, factory: Callable[[Any], LinkModel]) -> None:
    """Make links of model ``name`` (a canonical ``typ``) use ``factory(cfg)``."""
    LINK_MODELS[name] = factory


def build_link_model(link: Any) -> LinkModel:
    """The link model for a link entry (``config.LinkConfig``) or a bare link ``cfg``.

    A ``LinkConfig`` selects the model by its ``typ`` (``heralded`` means
    ``heralded-double-click``); a bare cfg by its class's ``TYP``. Raises
    :class:`LinkModelError` for an unknown model or a link that can never
    succeed; the message names the link.
    """
    if isinstance(link, LinkCfg):
        typ, cfg, name = canonical_link_typ(type(link).TYP), link, type(link).__name__
    elif hasattr(link, "cfg") and hasattr(link, "typ"):
        typ = getattr(link, "model_typ", None) or canonical_link_typ(link.typ)
        cfg = link.cfg
        name = f"link {getattr(link, 'stack1', '?')}-{getattr(link, 'stack2', '?')} ({link.typ})"
    else:
        raise TypeError(
            f"build_link_model needs a LinkConfig or a link cfg object, not {type(link).__name__}"
        )
    try:
        factory = LINK_MODELS[typ]
    except KeyError:
        raise LinkModelError(
            f"{name}: no link model for typ {typ!r}; known: {', '.join(sorted(LINK_MODELS))}"
        ) from None
    try:
        return factory(cfg)
    except LinkModelError as exc:
        raise LinkModelError(f"{name}: {exc}") from exc
