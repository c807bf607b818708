"""``squidasm.util.qkd_routine``: SquidASM's ``QKDRoutine`` on netqsim's QKD routines.

``QKDRoutine.run(context, peer_name, is_init, num_epr, num_test_bits=None)``
takes SquidASM's arguments and returns SquidASM's ``(raw_key, error_rate)``:
the node with ``is_init=True`` runs :func:`netqsim.util.qkd_sender`, its peer
:func:`netqsim.util.qkd_receiver`. ``num_test_bits`` (default
``num_epr // 4``) sifted pairs are revealed for testing, and the error rate
is the number of differing test bits divided by ``num_test_bits``, as
SquidASM divides. The raw key is a ``bitarray`` as in SquidASM when the
``bitarray`` package is installed (scripts that XOR keys with messages need
it anyway), else a list of ints. The random choices come from the program's
seeded ``context.rng``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from netqsim.util.routines import Gen, qkd_receiver, qkd_sender, routine

__all__ = ["QKDRoutine"]


def raw_key(bits: Sequence[int]) -> Any:
    """``bits`` as SquidASM returns a raw key: a ``bitarray`` if installed, else a list."""
    try:
        module = importlib.import_module("bitarray")
    except ImportError:
        return list(bits)
    return module.bitarray(list(bits))


@routine
def _qkd(context: Any, peer_name: str, is_init: bool, num_epr: int,
         num_test_bits: int | None) -> Gen[tuple[Any, float]]:
    tests = num_epr // 4 if num_test_bits is None else num_test_bits
    if tests < 1:
        raise ValueError(
            f"QKDRoutine.run: num_test_bits is {tests} (num_epr={num_epr}); the error rate "
            "divides by it, so it must be at least 1 (pass num_test_bits, or num_epr >= 4)"
        )
    if is_init:
        result = yield from qkd_sender(context, peer_name, num_epr, num_test_bits=tests)
    else:
        result = yield from qkd_receiver(context, peer_name, num_epr)
    return raw_key(result.key), result.errors / tests


class QKDRoutine:
    """SquidASM's entanglement-based QKD between two programs (BBM92)."""

    @classmethod
    def run(cls, context: Any, peer_name: str, is_init: bool, num_epr: int,
            num_test_bits: int | None = None) -> Any:
        """Run QKD with ``peer_name`` (which passes the opposite ``is_init``).

        Returns ``(raw_key, error_rate)`` through ``yield from`` or ``await``:
        the sifted bits not used for testing, and the error count over
        ``num_test_bits`` test bits.
        """
        return _qkd(context, peer_name, is_init, num_epr, num_test_bits)
