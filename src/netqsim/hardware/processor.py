"""The quantum-processor base class: positions, timing, memory decoherence.

A :class:`QuantumProcessor` holds qubits of a :class:`~netqsim.quantum.QuantumEngine`
at numbered positions and executes NetQASM-level quantum instructions on them
(``init``, gates by mnemonic, ``meas``) as kernel processes that take simulated
time. Device subclasses (:mod:`netqsim.hardware.generic`, :mod:`netqsim.hardware.nv`)
define the instruction set, durations and noise.

Timing rules shared by every device (SquidASM's ``parallel=False`` processors):

* every operation waits its duration with ``yield sim.timeout(duration)``;
* a device runs one instruction at a time: an operation started while another
  one runs waits until the device is free, first come first served;
* the unitary is applied at the *end* of the duration, followed by the
  instruction's depolarising noise;
* memory decoherence is lazy: each position remembers when its qubit was last
  touched and ``T1T2`` noise for the elapsed time is applied when the qubit is
  next operated on or inspected (so idle qubits decohere while others work).

Operations are generator functions for ``yield from`` inside kernel processes::

    yield from proc.init(0)
    yield from proc.gate("h", (0,))
    outcome = yield from proc.measure(0)
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Generator, Iterable, Sequence
from typing import Any, ClassVar

import numpy as np

from netqsim.hardware.errors import PositionError, UnsupportedInstruction
from netqsim.kernel import Event, Lock, Simulator
from netqsim.logs import StackLog
from netqsim.quantum import QuantumEngine, Qubit
from netqsim.quantum.gates import Gate

__all__ = ["OpGen", "QuantumProcessor", "joint_state", "place_joint"]

#: What the operation generators yield: kernel events.
OpGen = Generator[Event, Any, Any]

#: Mnemonics that take an ``angle`` argument.
ROTATIONS = frozenset({"rot_x", "rot_y", "rot_z", "crot_x", "crot_y"})


class QuantumProcessor(ABC):
    """A quantum device with ``num_positions`` qubit slots on one simulator.

    Args:
        sim: the kernel simulator that provides time.
        engine: the quantum engine holding the qubit states (shared by all
            devices of a network, so qubits of different nodes can be entangled).
        name: the device name used in error messages.
        num_positions: number of qubit positions.
        comm_positions: positions that can receive entanglement (:meth:`place`).
        t1: memory ``T1`` per position [ns]; 0 disables relaxation.
        t2: memory ``T2`` per position [ns]; 0 disables dephasing.

    Subclasses implement :meth:`_check`, :meth:`_do_init`, :meth:`_do_gate` and
    :meth:`_do_measure`; they run with the device lock held.
    """

    #: ``qdevice_typ`` of the device class (``"generic"``, ``"nv"``, ...).
    TYP: ClassVar[str] = ""
    #: True if the program's virtual qubit i must sit at position i (NV: the
    #: transpiled program addresses the electron as virtual qubit 0).
    identity_mapping: ClassVar[bool] = False
    #: Human-readable description of the instruction set, for error messages.
    INSTRUCTION_SET: ClassVar[str] = ""

    def __init__(
        self,
        sim: Simulator,
        engine: QuantumEngine,
        name: str,
        num_positions: int,
        comm_positions: Iterable[int],
        t1: Sequence[float],
        t2: Sequence[float],
    ) -> None:
        if num_positions < 1:
            raise ValueError(f"device {name!r} needs at least one position, got {num_positions}")
        if len(t1) != num_positions or len(t2) != num_positions:
            raise ValueError(f"device {name!r}: need one T1 and one T2 per position")
        self.sim = sim
        self.engine = engine
        self.name = name
        self.num_positions = num_positions
        self.comm_positions: frozenset[int] = frozenset(comm_positions)
        self._t1 = [float(t) for t in t1]
        self._t2 = [float(t) for t in t2]
        self._qubits: list[Qubit | None] = [None] * num_positions
        self._last: list[float] = [0.0] * num_positions
        # Positions a running instruction uses as scratch space (the NV electron
        # while a carbon is read out): a link must not deliver into them.
        self._borrowed: set[int] = set()
        # One instruction at a time, in the order they were issued.
        self._lock = Lock(sim, f"device {name!r}")
        self._log = StackLog("processor", name, sim)

    def __repr__(self) -> str:
        used = sorted(self.used_positions)
        return f"<{type(self).__name__} {self.name!r}: {self.num_positions} positions, used {used}>"

    # ------------------------------------------------------------ bookkeeping
    def is_in_use(self, pos: int) -> bool:
        """Whether ``pos`` holds a qubit (or is borrowed by a running instruction)."""
        self._check_range(pos)
        return self._qubits[pos] is not None or pos in self._borrowed

    @property
    def used_positions(self) -> frozenset[int]:
        """Positions that hold a qubit now."""
        return frozenset(i for i, q in enumerate(self._qubits) if q is not None) | frozenset(
            self._borrowed
        )

    @property
    def busy(self) -> bool:
        """Whether an instruction is running on the device now."""
        return self._lock.locked

    def qubit_at(self, pos: int) -> Qubit | None:
        """The engine qubit at ``pos`` (``None`` if empty), without applying noise."""
        self._check_range(pos)
        return self._qubits[pos]

    # --------------------------------------------------------------- checking
    def _check_range(self, pos: object) -> int:
        if not isinstance(pos, (int, np.integer)) or isinstance(pos, bool):
            raise PositionError(f"device {self.name!r}: position must be an int, got {pos!r}")
        if not 0 <= pos < self.num_positions:
            raise PositionError(
                f"device {self.name!r}: position {pos} out of range "
                f"(the device has positions 0..{self.num_positions - 1})"
            )
        return int(pos)

    def _positions(self, positions: int | Iterable[int]) -> tuple[int, ...]:
        if isinstance(positions, (int, np.integer)):
            positions = (positions,)
        pos = tuple(self._check_range(p) for p in positions)
        if len(set(pos)) != len(pos):
            raise PositionError(f"device {self.name!r}: positions must be distinct, got {pos}")
        return pos

    def _unsupported(self, mnemonic: str, positions: tuple[int, ...], why: str) -> None:
        raise UnsupportedInstruction(
            f"{mnemonic} on position(s) {', '.join(map(str, positions))} is not supported "
            f"by {self.TYP} device {self.name!r}: {why}"
        )

    def supports(self, mnemonic: str, positions: int | Iterable[int]) -> None:
        """Check that the device can run ``mnemonic`` on ``positions``; return None if so.

        Raises :class:`UnsupportedInstruction` (instruction set, topology) or
        :class:`PositionError` (out of range, repeated position). Whether the
        positions hold qubits is checked when the instruction runs.
        Mnemonics: ``init``, ``meas`` and the gate mnemonics of :meth:`gate`.
        """
        self._validate(mnemonic.lower(), self._positions(positions))

    def _validate(self, mnemonic: str, pos: tuple[int, ...]) -> None:
        arity = _ARITY.get(mnemonic)
        if arity is None:
            self._unsupported(mnemonic, pos, f"unknown instruction; {self.INSTRUCTION_SET}")
        if len(pos) != arity:
            raise UnsupportedInstruction(
                f"{mnemonic} on device {self.name!r} takes {arity} position(s), got {pos}"
            )
        self._check(mnemonic, pos)

    @abstractmethod
    def _check(self, mnemonic: str, positions: tuple[int, ...]) -> None:
        """Device rules: raise :class:`UnsupportedInstruction` if not possible."""

    def _occupied(self, pos: int, what: str) -> Qubit:
        q = self._qubits[pos]
        if q is None:
            raise PositionError(
                f"{what}: position {pos} of device {self.name!r} holds no qubit "
                f"(initialise it or deliver entanglement into it first)"
            )
        return q

    # ----------------------------------------------------- noise primitives
    def _touch(self, pos: int) -> Qubit:
        """The qubit at ``pos`` with its pending memory decoherence applied."""
        q = self._qubits[pos]
        if q is None:
            raise PositionError(f"position {pos} of device {self.name!r} holds no qubit")
        now = self.sim._now
        elapsed = now - self._last[pos]
        if elapsed > 0.0:
            t1 = self._t1[pos]
            t2 = self._t2[pos]
            if t1 or t2:
                self.engine.t1t2(q, elapsed, t1, t2)
        self._last[pos] = now
        return q

    def _step(
        self,
        duration: float,
        gate: Gate | None,
        positions: tuple[int, ...],
        depolar_prob: float = 0.0,
    ) -> OpGen:
        """Wait ``duration``, then apply ``gate`` and per-qubit depolarising noise."""
        if duration:
            yield self.sim.timeout(duration)
        qubits = [self._touch(p) for p in positions]
        if gate is not None:
            self.engine.apply(gate, qubits)
        if depolar_prob:
            self.engine.depolarize(qubits, depolar_prob)

    def _fresh(self, pos: int, depolar_prob: float = 0.0) -> None:
        """Put a new |0> qubit at ``pos`` (resetting any qubit there) now."""
        q = self._qubits[pos]
        if q is None:
            q = self.engine.new_qubit()
            self._qubits[pos] = q
        else:
            self.engine.reset(q)
        self._last[pos] = self.sim._now
        if depolar_prob:
            self.engine.depolarize(q, depolar_prob)

    def _discard(self, pos: int) -> None:
        q = self._qubits[pos]
        if q is not None:
            self._qubits[pos] = None
            self.engine.discard(q)
        self._last[pos] = self.sim._now

    # ----------------------------------------------------------- operations
    def init(self, pos: int) -> OpGen:
        """Initialise ``pos`` to |0> (device init time and noise); replaces any qubit there."""
        (p,) = self._positions(pos)
        self._check("init", (p,))
        yield from self._lock.acquire()
        start = self.sim._now if self._log.on else 0.0
        try:
            yield from self._do_init(p)
        finally:
            self._lock.release()
        if self._log.on:
            self._log.info("init position %d: %s ns", p, self.sim._now - start)

    def gate(
        self, mnemonic: str, positions: int | Iterable[int], angle: float | None = None
    ) -> OpGen:
        """Run the gate ``mnemonic`` on ``positions`` (netqasm mnemonics, see :data:`GATES`).

        ``x y z h s k t``: fixed single-qubit gates; ``rot_x rot_y rot_z``:
        rotations by ``angle`` (radians); ``cnot cphase``: (control, target);
        ``crot_x crot_y``: NV electron-controlled carbon rotations (electron,
        carbon) by ``angle``; ``mov`` (src, dst): dst takes src's state and src
        is left empty; ``swp`` (a, b): exchange the two states.
        """
        mnemonic = mnemonic.lower()
        pos = self._positions(positions)
        self._validate(mnemonic, pos)
        if mnemonic in ROTATIONS:
            if angle is None:
                raise ValueError(f"{mnemonic} on device {self.name!r} needs an angle")
            angle = float(angle)
        yield from self._lock.acquire()
        start = self.sim._now if self._log.on else 0.0
        try:
            yield from self._do_gate(mnemonic, pos, angle)
        finally:
            self._lock.release()
        if self._log.on:
            self._log.info("%s on position%s %s%s: %s ns", mnemonic, "s"[:len(pos) - 1],
                           ",".join(map(str, pos)), "" if angle is None else f" (angle {angle:g})",
                           self.sim._now - start)

    def measure(self, pos: int, basis: np.ndarray | Gate | None = None) -> OpGen:
        """Measure ``pos``; returns the reported outcome (0 or 1).

        Without ``basis`` this is a Z measurement; ``basis`` is a 2x2 unitary
        ``U`` meaning the basis ``{U|0>, U|1>}`` (outcome 0 is ``U|0>``), at the
        same duration. The device's readout error applies. The qubit stays at
        ``pos`` in its post-measurement state.
        """
        (p,) = self._positions(pos)
        self._check("meas", (p,))
        yield from self._lock.acquire()
        start = self.sim._now if self._log.on else 0.0
        try:
            outcome = yield from self._do_measure(p, basis)
        finally:
            self._lock.release()
        if self._log.on:
            self._log.info("meas position %d%s: %s ns, outcome %d", p,
                           "" if basis is None else " (rotated basis)", self.sim._now - start,
                           outcome)
        return outcome

    @property
    def readout_error(self) -> tuple[float, float]:
        """``(P(report 1 | 0), P(report 0 | 1))`` of this device's measurements."""
        return (0.0, 0.0)

    def measure_delivered(self, pos: int, basis: np.ndarray | Gate | None = None) -> int:
        """Measure a qubit an entanglement link just delivered (measure-directly).

        Takes no device time and does not wait for the device (the link layer
        measures at delivery), but the device's readout error applies.
        """
        (p,) = self._positions(pos)
        q = self._touch(p)
        p0to1, p1to0 = self.readout_error
        return self.engine.measure(q, "Z" if basis is None else basis, p0to1, p1to0)

    def free(self, pos: int) -> None:
        """Discard the qubit at ``pos`` (``qfree``); takes no time; empty positions are fine."""
        (p,) = self._positions(pos)
        if p in self._borrowed:
            return  # scratch space of a running instruction: nothing of the caller's is there
        self._discard(p)

    def place(self, positions: int | Iterable[int], state: np.ndarray) -> None:
        """Deliver ``state`` (ket or density matrix) into communication ``positions`` now.

        Takes no time and adds no gate noise; replaces any qubits there. For a
        state shared with other devices use :func:`place_joint`.
        """
        place_joint([(self, p) for p in self._positions(positions)], state)

    def state(self, positions: int | Iterable[int]) -> np.ndarray:
        """Reduced density matrix of ``positions`` now (pending decoherence applied first)."""
        return joint_state([(self, p) for p in self._positions(positions)])

    def group_positions(self, pos: int) -> tuple[int, ...]:
        """Positions of this device whose qubits share a state group with the qubit at ``pos``."""
        (p,) = self._positions(pos)
        q = self._occupied(p, "group_positions")
        where = {id(qb): i for i, qb in enumerate(self._qubits) if qb is not None}
        return tuple(sorted(where[id(m)] for m in self.engine.group_of(q) if id(m) in where))

    # ------------------------------------------------------- device hooks
    @abstractmethod
    def _do_init(self, pos: int) -> OpGen:
        """Initialise ``pos`` to |0> (device lock held)."""

    @abstractmethod
    def _do_gate(self, mnemonic: str, positions: tuple[int, ...], angle: float | None) -> OpGen:
        """Run one gate instruction (device lock held)."""

    @abstractmethod
    def _do_measure(self, pos: int, basis: np.ndarray | Gate | None) -> OpGen:
        """Measure ``pos``, optionally in a rotated basis (device lock held)."""


#: Number of positions each known mnemonic acts on.
_ARITY: dict[str, int] = {
    "init": 1,
    "meas": 1,
    **dict.fromkeys(("x", "y", "z", "h", "s", "k", "t", "rot_x", "rot_y", "rot_z"), 1),
    **dict.fromkeys(("cnot", "cphase", "crot_x", "crot_y", "mov", "swp"), 2),
}

#: Every gate mnemonic a device may accept in :meth:`QuantumProcessor.gate`.
GATES = frozenset(_ARITY) - {"init", "meas"}


def place_joint(placements: Sequence[tuple[QuantumProcessor, int]], state: np.ndarray) -> None:
    """Put one joint ``state`` into positions of one or more devices, now.

    ``placements`` lists ``(device, position)`` pairs in the qubit order of
    ``state`` (first = most significant). Every position must be a
    communication position of its device and not borrowed by a running
    instruction; existing qubits there are replaced. All devices must share one
    quantum engine. Used by entanglement links to deliver EPR pairs.
    """
    if not placements:
        raise ValueError("place_joint needs at least one (device, position) pair")
    engine = placements[0][0].engine
    seen: set[tuple[int, int]] = set()
    checked: list[tuple[QuantumProcessor, int]] = []
    for proc, pos in placements:
        (p,) = proc._positions(pos)
        if proc.engine is not engine:
            raise ValueError(
                f"device {proc.name!r} uses a different quantum engine; a joint state "
                f"needs all devices on one engine"
            )
        if p not in proc.comm_positions:
            proc._unsupported(
                "entanglement delivery",
                (p,),
                f"only communication positions {sorted(proc.comm_positions)} can hold link qubits",
            )
        if p in proc._borrowed:
            raise PositionError(
                f"device {proc.name!r}: position {p} is in use by a running instruction "
                f"and cannot receive a link qubit now"
            )
        key = (id(proc), p)
        if key in seen:
            raise PositionError(f"device {proc.name!r}: position {p} listed twice")
        seen.add(key)
        checked.append((proc, p))
    qubits = []
    for proc, p in checked:
        proc._discard(p)
        q = engine.new_qubit()
        proc._qubits[p] = q
        proc._last[p] = proc.sim._now
        qubits.append(q)
    engine.set_state(qubits, state)


def joint_state(placements: Sequence[tuple[QuantumProcessor, int]]) -> np.ndarray:
    """Reduced density matrix of qubits on one or more devices, now.

    Pending memory decoherence of each listed qubit is applied first (and the
    qubit counts as touched). ``placements`` gives ``(device, position)`` pairs
    in the wanted qubit order.
    """
    qubits = []
    for proc, pos in placements:
        (p,) = proc._positions(pos)
        proc._occupied(p, "state")
        qubits.append(proc._touch(p))
    return placements[0][0].engine.density_matrix(qubits)
