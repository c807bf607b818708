"""The NV-centre quantum device (SquidASM ``qdevice_typ: nv``).

Position 0 is the electron spin: the only communication qubit and the only
qubit that can be read out. Positions 1..n-1 are carbon nuclear spins. The
native instruction set is netqasm's NV flavour; vanilla gates (``x``, ``h``,
``cnot``, ...) must be compiled to it by netqasm's NV transpiler on the host.

Timing and noise follow SquidASM's ``build_nv_qdevice``
(``squidasm/run/stack/build.py``):

* ``init`` electron: ``electron_init``, then depolarising noise with
  ``electron_init_depolar_prob``;
* ``init`` carbon: ``carbon_init``, noise ``carbon_init_depolar_prob``;
* ``rot_x/y/z`` on the electron: ``electron_rot_x/y/z``, noise
  ``electron_single_qubit_depolar_prob``;
* ``rot_x/y/z`` on a carbon: ``carbon_rot_x/y/z``, noise
  ``carbon_z_rot_depolar_prob`` (for all three axes, as in SquidASM);
* ``crot_x/y`` on (electron 0, carbon): ``ec_controlled_dir_x/y``, noise
  ``ec_gate_depolar_prob`` on each of the two qubits;
* ``meas`` on the electron: ``measure``, readout error as below.

``crot_x(t)`` is NetSquid's ``INSTR_CXDIR``: ``|0><0| (x) Rx(t) + |1><1| (x) Rx(-t)``
on (electron, carbon); ``crot_y`` likewise with ``Ry``.

Readout error (SquidASM's POVM ``M0 = diag(sqrt(1-e0), sqrt(e1))``,
``M1 = diag(sqrt(e0), sqrt(1-e1))``): ``prob_error_0`` = P(report 1 | electron
in |0>), ``prob_error_1`` = P(report 0 | electron in |1>). Outcome statistics
are identical to SquidASM's; the post-measurement state is the projection on
the true outcome (SquidASM's weak POVM leaves a little coherence). The error
rates belong to each device: SquidASM writes them into NetSquid's global
``INSTR_MEASURE`` (so the last NV device built sets them for every device in
the process); netqsim does not.

Composite instructions, built from the native ones above, each step taking its
own duration and noise (``e`` = electron, ``c`` = carbon):

* ``meas`` on a carbon (SquidASM's ``NVProcessor._interpret_meas``): needs the
  electron to be empty; ``init e; rot_y(e, pi/2); crot_y(e, c, -pi/2);
  rot_x(e, -pi/2); crot_x(e, c, pi/2); rot_y(e, -pi/2)`` moves the carbon's
  state onto the electron (up to an S phase, irrelevant for Z readout and
  compensated for a rotated basis), then the electron is measured with the
  readout error. SquidASM then remaps the program's virtual qubit to position
  0; netqsim instead leaves the measured qubit addressable at the carbon's
  position (it keeps the carbon's memory parameters) and the electron empty,
  so the controller's qubit mapping stays valid. If the electron holds a qubit,
  SquidASM silently moves it to a free carbon (possibly another program's
  qubit); netqsim raises :class:`UnsupportedInstruction` instead (the netqasm
  SDK frees the electron before measuring a carbon when compiling for NV).
* ``mov`` (0, c): SquidASM's ``_move_electron_to_carbon``: ``init c`` (only if
  c is empty; the SDK initialises it just before ``mov``), ``rot_y(e, pi/2);
  crot_y(e, c, -pi/2); rot_x(e, -pi/2); crot_x(e, c, pi/2)``. Exact if c held
  |0>. The electron is left empty.
* ``mov`` (c, 0): the carbon-to-electron sequence above (``init e`` only if
  the electron is empty) followed by ``rot_z(e, -pi/2)`` to undo the S phase.
  The carbon is left empty.
* ``swp`` (0, c) or (c, 0): with both occupied, three CNOTs in the native gate
  set, exactly as netqasm's NV transpiler compiles ``cnot``:
  CNOT(e->c) = ``crot_x(pi/2); rot_z(e, 3pi/2); rot_x(c, 3pi/2)``, and CNOT(c->e)
  = H(e) ``rot_y(c, pi/2); crot_x(pi/2); rot_z(e, 3pi/2); rot_x(c, 3pi/2);
  rot_y(c, 3pi/2)`` H(e) with H(e) = ``rot_y(e, pi/2); rot_x(e, pi)``. If one
  side is empty, ``swp`` is the ``mov`` into it (netqasm's NV transpiler swaps
  a carbon with the electron, allocated or not, to do carbon-carbon gates).

Memory: electron ``electron_T1/T2`` at position 0, ``carbon_T1/T2`` elsewhere.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np

from netqsim.config import NVQDeviceConfig
from netqsim.hardware.processor import OpGen, QuantumProcessor
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine, gates
from netqsim.quantum.gates import Gate

__all__ = ["ELECTRON", "NVProcessor"]

#: Position of the electron spin.
ELECTRON = 0

_PI = math.pi
_HALF_PI = math.pi / 2
_ROT: dict[str, Callable[[float], Gate]] = {"x": gates.rx, "y": gates.ry, "z": gates.rz}
_CROT: dict[str, Callable[[float], Gate]] = {"x": gates.crx, "y": gates.cry}
_VANILLA = frozenset({"x", "y", "z", "h", "s", "k", "t", "cnot", "cphase"})
# The carbon->electron sequence leaves S|psi> on the electron.
_S = gates.S.matrix


class NVProcessor(QuantumProcessor):
    """An NV centre (electron at position 0, carbons 1..n-1) configured by ``NVQDeviceConfig``."""

    TYP: ClassVar[str] = "nv"
    identity_mapping: ClassVar[bool] = True
    INSTRUCTION_SET: ClassVar[str] = (
        "NV devices run netqasm's NV instruction set: init, meas (electron, or carbon via "
        "the electron), rot_x, rot_y, rot_z, crot_x and crot_y (electron 0, carbon), "
        "mov and swp (electron <-> carbon); compile vanilla gates with the NV flavour"
    )

    def __init__(
        self, sim: Simulator, engine: QuantumEngine, cfg: NVQDeviceConfig, name: str
    ) -> None:
        n = cfg.num_qubits
        t1 = [cfg.electron_T1] + [cfg.carbon_T1] * (n - 1)
        t2 = [cfg.electron_T2] + [cfg.carbon_T2] * (n - 1)
        super().__init__(sim, engine, name, n, (ELECTRON,), t1, t2)
        self.cfg = cfg
        # Per-device copies of every parameter: nothing is shared between devices.
        self._init = {True: float(cfg.electron_init), False: float(cfg.carbon_init)}
        self._init_p = {
            True: float(cfg.electron_init_depolar_prob),
            False: float(cfg.carbon_init_depolar_prob),
        }
        self._rot_t = {
            (True, "x"): float(cfg.electron_rot_x),
            (True, "y"): float(cfg.electron_rot_y),
            (True, "z"): float(cfg.electron_rot_z),
            (False, "x"): float(cfg.carbon_rot_x),
            (False, "y"): float(cfg.carbon_rot_y),
            (False, "z"): float(cfg.carbon_rot_z),
        }
        self._rot_p = {
            True: float(cfg.electron_single_qubit_depolar_prob),
            False: float(cfg.carbon_z_rot_depolar_prob),
        }
        self._crot_t = {"x": float(cfg.ec_controlled_dir_x), "y": float(cfg.ec_controlled_dir_y)}
        self._crot_p = float(cfg.ec_gate_depolar_prob)
        self._t_meas = float(cfg.measure)
        self._p0to1 = float(cfg.prob_error_0)
        self._p1to0 = float(cfg.prob_error_1)

    # --------------------------------------------------------------- rules
    def _check(self, mnemonic: str, positions: tuple[int, ...]) -> None:
        if mnemonic in _VANILLA:
            self._unsupported(mnemonic, positions, self.INSTRUCTION_SET)
        if mnemonic in ("crot_x", "crot_y"):
            control, target = positions
            if control != ELECTRON or target == ELECTRON:
                self._unsupported(
                    mnemonic,
                    positions,
                    "controlled rotations need the electron (position 0) as control "
                    "and a carbon (positions 1.."
                    f"{self.num_positions - 1}) as target",
                )
        elif mnemonic in ("mov", "swp") and ELECTRON not in positions:
            self._unsupported(
                mnemonic,
                positions,
                "qubits can only be moved or swapped between the electron (position 0) "
                "and a carbon",
            )

    # ------------------------------------------------------ native steps
    def _native_init(self, pos: int) -> OpGen:
        electron = pos == ELECTRON
        t = self._init[electron]
        if t:
            yield self.sim.timeout(t)
        self._fresh(pos, self._init_p[electron])

    def _native_rot(self, axis: str, pos: int, angle: float) -> OpGen:
        electron = pos == ELECTRON
        yield from self._step(
            self._rot_t[electron, axis], _ROT[axis](angle), (pos,), self._rot_p[electron]
        )

    def _native_crot(self, axis: str, carbon: int, angle: float) -> OpGen:
        yield from self._step(
            self._crot_t[axis], _CROT[axis](angle), (ELECTRON, carbon), self._crot_p
        )

    @property
    def readout_error(self) -> tuple[float, float]:
        return (self._p0to1, self._p1to0)

    def _native_measure(self, basis: Any) -> OpGen:
        if self._t_meas:
            yield self.sim.timeout(self._t_meas)
        q = self._touch(ELECTRON)
        return self.engine.measure(q, basis, self._p0to1, self._p1to0)

    # ------------------------------------------------------- sequences
    def _carbon_to_electron(self, carbon: int) -> OpGen:
        """SquidASM's move of a carbon onto the electron; leaves S|psi> on the electron."""
        if self._qubits[ELECTRON] is None:
            yield from self._native_init(ELECTRON)
        yield from self._native_rot("y", ELECTRON, _HALF_PI)
        yield from self._native_crot("y", carbon, -_HALF_PI)
        yield from self._native_rot("x", ELECTRON, -_HALF_PI)
        yield from self._native_crot("x", carbon, _HALF_PI)
        yield from self._native_rot("y", ELECTRON, -_HALF_PI)

    def _electron_to_carbon(self, carbon: int) -> OpGen:
        """SquidASM's move of the electron onto a carbon (exact if the carbon is |0>)."""
        if self._qubits[carbon] is None:
            yield from self._native_init(carbon)
        yield from self._native_rot("y", ELECTRON, _HALF_PI)
        yield from self._native_crot("y", carbon, -_HALF_PI)
        yield from self._native_rot("x", ELECTRON, -_HALF_PI)
        yield from self._native_crot("x", carbon, _HALF_PI)

    def _cnot_ec(self, carbon: int) -> OpGen:
        yield from self._native_crot("x", carbon, _HALF_PI)
        yield from self._native_rot("z", ELECTRON, 3 * _HALF_PI)
        yield from self._native_rot("x", carbon, 3 * _HALF_PI)

    def _hadamard_e(self) -> OpGen:
        yield from self._native_rot("y", ELECTRON, _HALF_PI)
        yield from self._native_rot("x", ELECTRON, _PI)

    def _cnot_ce(self, carbon: int) -> OpGen:
        yield from self._hadamard_e()
        yield from self._native_rot("y", carbon, _HALF_PI)
        yield from self._native_crot("x", carbon, _HALF_PI)
        yield from self._native_rot("z", ELECTRON, 3 * _HALF_PI)
        yield from self._native_rot("x", carbon, 3 * _HALF_PI)
        yield from self._native_rot("y", carbon, 3 * _HALF_PI)
        yield from self._hadamard_e()

    def _move(self, src: int, dst: int) -> OpGen:
        self._occupied(src, "mov")
        if src == ELECTRON:
            yield from self._electron_to_carbon(dst)
        else:
            yield from self._carbon_to_electron(src)
            yield from self._native_rot("z", ELECTRON, -_HALF_PI)  # undo the S phase
        self._discard(src)

    # --------------------------------------------------------- hooks
    def _do_init(self, pos: int) -> OpGen:
        yield from self._native_init(pos)

    def _do_gate(self, mnemonic: str, positions: tuple[int, ...], angle: float | None) -> OpGen:
        if mnemonic == "mov":
            yield from self._move(*positions)
            return
        if mnemonic == "swp":
            a, b = positions
            if self._qubits[a] is None or self._qubits[b] is None:
                if self._qubits[a] is None:
                    a, b = b, a
                yield from self._move(a, b)
                return
            carbon = b if a == ELECTRON else a
            yield from self._cnot_ec(carbon)
            yield from self._cnot_ce(carbon)
            yield from self._cnot_ec(carbon)
            return
        for p in positions:
            self._occupied(p, mnemonic)
        assert angle is not None
        axis = mnemonic[-1]
        if mnemonic.startswith("crot"):
            yield from self._native_crot(axis, positions[1], angle)
        else:
            yield from self._native_rot(axis, positions[0], angle)

    def _do_measure(self, pos: int, basis: Any) -> OpGen:
        self._occupied(pos, "meas")
        if pos == ELECTRON:
            return (yield from self._native_measure("Z" if basis is None else basis))
        if self._qubits[ELECTRON] is not None:
            self._unsupported(
                "meas",
                (pos,),
                "a carbon is read out through the electron, and the electron (position 0) "
                "holds a qubit; move or free it first",
            )
        self._borrowed.add(ELECTRON)
        try:
            yield from self._carbon_to_electron(pos)
            # The electron now holds S|psi>: measuring it in basis S U equals
            # measuring |psi> in basis U (and S is diagonal, so Z is unchanged).
            u = "Z" if basis is None else _S @ _matrix(basis)
            outcome = yield from self._native_measure(u)
        finally:
            self._borrowed.discard(ELECTRON)
        # Relabel: the measured qubit takes the carbon's place (whose leftover
        # |0> is dropped) and the electron is empty again.
        measured = self._qubits[ELECTRON]
        self._qubits[ELECTRON] = None
        self._discard(pos)
        self._qubits[pos] = measured
        self._last[pos] = self.sim._now
        self._last[ELECTRON] = self.sim._now
        return outcome


def _matrix(basis: Any) -> np.ndarray:
    return basis.matrix if isinstance(basis, Gate) else np.asarray(basis, dtype=complex)
