"""How many qubits an application registers, and what a program is told when it runs out.

As in SquidASM, ``ProgramMeta.max_qubits`` does not cap a program below what
its node has: SquidASM's node controller gives every application a unit module
as large as the device (``num_qubits``), and uses ``max_qubits`` only on the
host, for the SDK's hardware description (how many communication qubits the
builder assumes, the largest number of pairs one ``create_keep`` may ask for).
netqsim's host does the same: it registers each application with the device's
qubit count (:func:`unit_module_size`) and keeps ``max_qubits`` for the SDK.

A program that needs more qubits than the device has then fails with the node
controller's error ("Virtual address 2 is outside the unit module ...", or
"all 2 qubits ... are in use"); :func:`explain_qubit_error` turns that into an
error that names the program, the node, ``max_qubits`` and ``num_qubits``.
"""

from __future__ import annotations

from netqasm.backend.messages import ErrorCode

from netqsim.hardware.errors import NoQubitError
from netqsim.qnodeos.checks import QubitAddressError
from netqsim.qnodeos.errors import InstructionError

#: The largest unit module an ``InitNewAppMessage`` can register (its
#: ``max_qubits`` field is one byte).
MAX_UNIT_MODULE = 255


class NotEnoughQubitsError(RuntimeError):
    """A program used more qubits at once than its node's device could give it."""


def unit_module_size(num_qubits: int | None, max_qubits: int) -> int:
    """The qubit count an application registers with ``InitNewAppMessage``.

    The device's ``num_qubits`` (at most :data:`MAX_UNIT_MODULE`), whatever
    the program's ``max_qubits``; ``max_qubits`` if the device size is unknown.
    """
    if num_qubits is None:
        return max_qubits
    return min(num_qubits, MAX_UNIT_MODULE)


def explain_qubit_error(
    error: InstructionError,
    program: str,
    node: str,
    max_qubits: int,
    num_qubits: int | None,
    nv: bool = False,
) -> InstructionError | None:
    """``error`` restated for a program that ran out of qubits, or None if it is another error.

    The new error keeps the node, app, time and instruction of ``error``, has
    the code ``NO_QUBIT``, and its cause is a :class:`NotEnoughQubitsError` whose message
    names ``program``, ``node``, ``max_qubits`` and ``num_qubits`` and ends
    with the controller's own words.
    """
    cause = error.cause
    out_of_module = isinstance(cause, QubitAddressError) and "'qalloc " in error.what
    if not (out_of_module or isinstance(cause, NoQubitError)) or num_qubits is None:
        return None
    advice = f"raise num_qubits in the qdevice_cfg of node {node!r}, or hold fewer qubits at once"
    if out_of_module and num_qubits > MAX_UNIT_MODULE:
        what = (
            f"needs more than the {MAX_UNIT_MODULE} qubits one NetQASM application can "
            f"address (node {node!r} has num_qubits={num_qubits})"
        )
        advice = "hold fewer qubits at once"
    elif out_of_module:
        what = f"needs more qubits than the device of node {node!r} has (num_qubits={num_qubits})"
    else:
        what = (
            f"could not allocate a qubit on node {node!r} (num_qubits={num_qubits}): the "
            "qubits it could use are held by this program, by another program on the node, "
            "or kept for an EPR pair being delivered"
        )
    nv_note = (
        "; on an NV node the SDK moves a qubit out of the electron (qubit 0) before an "
        "EPR pair or a measurement uses it, which can take one qubit more than the "
        "program holds"
        if nv
        else ""
    )
    message = (
        f"program {program!r} {what}. ProgramMeta.max_qubits={max_qubits} neither caps "
        "nor adds qubits (as in SquidASM, a program may use every qubit of its node): "
        f"{advice}{nv_note}. The controller said: {cause}"
    )
    # NO_QUBIT also where the controller saw an address outside the unit module:
    # that module is the whole device, so the device has no qubit to give.
    return InstructionError(
        error.node, error.app_id, error.time, error.what, NotEnoughQubitsError(message),
        ErrorCode.NO_QUBIT,
    )


__all__ = ["MAX_UNIT_MODULE", "NotEnoughQubitsError", "explain_qubit_error", "unit_module_size"]
