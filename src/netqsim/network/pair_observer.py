"""What an observer of entanglement generation is told: generations started, pairs delivered.

One observer object serves both ends of the story: entanglement links
(:meth:`netqsim.network.link_layer.EntanglementLink.observe`) tell it when a
generation starts, whether a node's network stack or the network layer runs
it; node executors (``NodeExecutor.observe_pairs``) tell it when a node gets
its half of a pair, however the network made it. Nothing is observed unless an
observer is set, and then only on the components it was given to.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

__all__ = ["PairObserver", "check_pair_observer"]


@runtime_checkable
class PairObserver(Protocol):
    """Told about the entanglement generations of the components it observes."""

    def generation_started(self, link: Any) -> None:
        """``link`` (an ``EntanglementLink``) starts one pair generation, now."""

    def pair_delivered(self, node: str, result: Any) -> None:
        """Node ``node`` got its half of a pair: ``result`` is netqasm's link-layer OK
        (``LinkLayerOKTypeK``/``LinkLayerOKTypeM``) its executor was handed."""


def check_pair_observer(observer: Any, where: str) -> PairObserver | None:
    """``observer`` if it is a :class:`PairObserver` or None, else a TypeError naming ``where``."""
    if observer is not None and not isinstance(observer, PairObserver):
        raise TypeError(
            f"{where}: the observer must have generation_started(link) and "
            f"pair_delivered(node, result) methods, got {type(observer).__name__}"
        )
    return observer
