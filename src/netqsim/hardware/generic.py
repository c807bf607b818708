"""The generic quantum device (SquidASM ``qdevice_typ: generic``).

All positions are communication qubits with all-to-all connectivity. Timing
and noise follow SquidASM's ``build_generic_qdevice``:

* ``init``: ``init_time``, no noise;
* ``x y z h s k t rot_x rot_y rot_z``: ``single_qubit_gate_time``, then
  depolarising noise with ``single_qubit_gate_depolar_prob``;
* ``cnot cphase``: ``two_qubit_gate_time``, then depolarising noise with
  ``two_qubit_gate_depolar_prob`` on each of the two qubits (NetSquid's
  ``DepolarNoiseModel`` acts per qubit);
* ``swp`` (a, b): three CNOTs (a->b, b->a, a->b), each with its duration and
  noise: 3 x ``two_qubit_gate_time``;
* ``mov`` (src, dst): the same three CNOTs (dst must hold |0>, as the SDK's
  ``init dst`` before ``mov`` ensures; an empty dst starts as |0> at no cost);
  dst ends with src's state and src is left empty;
* ``meas``: ``measure_time``, no readout error.

Memory: ``T1``/``T2`` on every position (0 disables). ``crot_x``/``crot_y``
are NV instructions and raise :class:`UnsupportedInstruction`.

SquidASM's generic processor rejects S, T, K (declared but unmapped), ``mov``
and ``swp``; netqsim supports them with the costs above. ``swp`` and ``mov``
are modelled as the three-CNOT circuit because the device has no native SWAP.
"""

from __future__ import annotations

from typing import Any, ClassVar

from netqsim.config import GenericQDeviceConfig
from netqsim.hardware.processor import OpGen, QuantumProcessor
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine, gates
from netqsim.quantum.gates import Gate

__all__ = ["GenericProcessor"]

_FIXED_1Q: dict[str, Gate] = {
    "x": gates.X,
    "y": gates.Y,
    "z": gates.Z,
    "h": gates.H,
    "s": gates.S,
    "k": gates.K,
    "t": gates.T,
}
_ROT = {"rot_x": gates.rx, "rot_y": gates.ry, "rot_z": gates.rz}
_FIXED_2Q: dict[str, Gate] = {"cnot": gates.CNOT, "cphase": gates.CZ}


class GenericProcessor(QuantumProcessor):
    """A generic all-to-all quantum processor configured by a ``GenericQDeviceConfig``."""

    TYP: ClassVar[str] = "generic"
    INSTRUCTION_SET: ClassVar[str] = (
        "the generic device supports init, meas, x, y, z, h, s, k, t, rot_x, rot_y, rot_z, "
        "cnot, cphase, mov, swp"
    )

    def __init__(
        self, sim: Simulator, engine: QuantumEngine, cfg: GenericQDeviceConfig, name: str
    ) -> None:
        n = cfg.num_qubits
        super().__init__(sim, engine, name, n, range(n), [cfg.T1] * n, [cfg.T2] * n)
        self.cfg = cfg
        self._t_init = float(cfg.init_time)
        self._t_1q = float(cfg.single_qubit_gate_time)
        self._t_2q = float(cfg.two_qubit_gate_time)
        self._t_meas = float(cfg.measure_time)
        self._p_1q = float(cfg.single_qubit_gate_depolar_prob)
        self._p_2q = float(cfg.two_qubit_gate_depolar_prob)

    def _check(self, mnemonic: str, positions: tuple[int, ...]) -> None:
        if mnemonic in ("crot_x", "crot_y"):
            self._unsupported(
                mnemonic,
                positions,
                "electron-carbon controlled rotations exist only on NV devices; "
                + self.INSTRUCTION_SET,
            )

    def _do_init(self, pos: int) -> OpGen:
        if self._t_init:
            yield self.sim.timeout(self._t_init)
        self._fresh(pos)

    def _do_gate(self, mnemonic: str, positions: tuple[int, ...], angle: float | None) -> OpGen:
        if mnemonic == "swp":
            yield from self._swap(positions)
            return
        if mnemonic == "mov":
            self._occupied(positions[0], mnemonic)  # dst may be empty
            yield from self._move(*positions)
            return
        for p in positions:
            self._occupied(p, mnemonic)
        gate = _FIXED_1Q.get(mnemonic)
        if gate is not None:
            yield from self._step(self._t_1q, gate, positions, self._p_1q)
        elif mnemonic in _ROT:
            assert angle is not None  # gate() checked it
            yield from self._step(self._t_1q, _ROT[mnemonic](angle), positions, self._p_1q)
        elif mnemonic in _FIXED_2Q:
            yield from self._step(self._t_2q, _FIXED_2Q[mnemonic], positions, self._p_2q)
        else:  # pragma: no cover - supports() filtered everything else
            raise AssertionError(mnemonic)

    def _swap(self, positions: tuple[int, ...]) -> OpGen:
        a, b = positions
        if self._qubits[a] is None or self._qubits[b] is None:
            # Swapping with an empty slot moves the qubit there.
            if self._qubits[a] is None:
                a, b = b, a
            self._occupied(a, "swp")
            yield from self._move(a, b)
            return
        yield from self._step(self._t_2q, gates.CNOT, (a, b), self._p_2q)
        yield from self._step(self._t_2q, gates.CNOT, (b, a), self._p_2q)
        yield from self._step(self._t_2q, gates.CNOT, (a, b), self._p_2q)

    def _move(self, src: int, dst: int) -> OpGen:
        if self._qubits[dst] is None:
            # The SDK initialises dst before ``mov``; if not, start from |0> at no cost.
            self._fresh(dst)
        yield from self._swap((src, dst))
        self._discard(src)

    def _do_measure(self, pos: int, basis: Any) -> OpGen:
        self._occupied(pos, "meas")
        if self._t_meas:
            yield self.sim.timeout(self._t_meas)
        q = self._touch(pos)
        return self.engine.measure(q, "Z" if basis is None else basis)
