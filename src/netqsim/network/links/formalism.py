"""Which link models a quantum formalism can simulate, checked when a network is built.

Under ``stab`` a link must deliver Pauli mixtures of stabilizer states
(Werner and other Bell-diagonal states are fine). A model whose noise is not
a Pauli channel -- the single-click model's bright-state population and
photon loss leave coherent, amplitude-damping-like errors -- would fail at
its first delivery; :func:`check_link_formalism` says so before the run
starts, naming the link, its noise channel and the formalisms that support it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from netqsim.network.links import build_link_model
from netqsim.network.links.base import BELL_NAMES
from netqsim.quantum.errors import NonCliffordError
from netqsim.quantum.formalisms.stab import is_stabilizer_mixture

__all__ = ["NOISE_CHANNELS", "check_link_formalism"]

#: The noise channel each link model applies to its pairs (named in errors).
NOISE_CHANNELS: dict[str, str] = {
    "perfect": "none",
    "depolarise": "depolarising (Werner) noise",
    "heralded-double-click": "double-click heralding noise (emission infidelity, "
    "photon distinguishability, dark counts)",
    "heralded-single-click": "single-click heralding noise (bright-state population alpha "
    "and photon loss: amplitude-damping-like, not a Pauli channel)",
}


def check_link_formalism(links: Iterable[Any], formalism: str) -> None:
    """Raise :class:`NonCliffordError` if a link delivers states ``formalism`` cannot hold.

    ``links`` are link entries (``config.LinkConfig``). Only ``stab`` restricts
    states; identical link configs are checked once.
    """
    if formalism != "stab":
        return
    checked: set[str] = set()
    for link in links:
        key = f"{link.typ}:{link.cfg.model_dump_json()}"
        if key in checked:
            continue
        checked.add(key)
        model = build_link_model(link)
        for index, prob in enumerate(model.bell_index_probabilities):
            if prob > 0 and not is_stabilizer_mixture(model.state(index)):
                channel = NOISE_CHANNELS.get(model.typ, f"{model.typ} link noise")
                raise NonCliffordError(
                    f"the noise channel of link {link.stack1}-{link.stack2} "
                    f"(typ {link.typ}: {channel}; its pair for herald {BELL_NAMES[index]} "
                    f"is not a Pauli mixture of a Bell state)"
                )
