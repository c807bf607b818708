"""``netsquid`` (and ``netsquid.qubits``): the global settings SquidASM scripts call.

``set_random_state(seed)`` seeds the runs that follow and
``set_qstate_formalism(QFormalism.X)`` selects their state formalism; both act
on the runner's session, read by ``squidasm.run.stack.run.run``.
``QFormalism`` has the members netqsim implements: ``KET``, ``DM`` and
``STAB``. ``sim_time()`` is the simulated time in ns of the simulation that
runs (inside a program) or ran last (after ``run``); ``sim_reset()`` sets it
back to 0, as in NetSquid.
"""

from __future__ import annotations

import enum

from netqsim.compat.session import current_session

__all__ = ["QFormalism", "set_qstate_formalism", "set_random_state", "sim_reset",
           "sim_time"]


class QFormalism(enum.Enum):
    """NetSquid's state formalisms that netqsim has, valued by netqsim's formalism names."""

    KET = "ket"
    DM = "dm"
    STAB = "stab"


def set_random_state(seed: int | None = None) -> None:
    """Seed the runs that follow (same seed, same results); None: fresh entropy."""
    current_session().seed(seed)


def set_qstate_formalism(formalism: QFormalism) -> None:
    """Use ``formalism`` for the quantum states of the runs that follow."""
    if not isinstance(formalism, QFormalism):
        members = ", ".join(f"QFormalism.{m.name}" for m in QFormalism)
        raise TypeError(f"set_qstate_formalism takes a QFormalism ({members}), got {formalism!r}")
    current_session().set_formalism(formalism.value)


def sim_time() -> float:
    """The simulated time in ns: of the running simulation, or of the last one after it ends."""
    return current_session().sim_time()


def sim_reset() -> None:
    """Forget the last simulation's time (NetSquid resets its global simulator here)."""
    current_session().reset_clock()
