"""Compiling vanilla NetQASM for NV nodes, with S and T that do what they say.

netqasm's :class:`~netqasm.sdk.transpile.NVSubroutineTranspiler` (2.x) writes a
Z rotation by angle a as ``rot_x(3pi/2); rot_y(b); rot_x(pi/2)``. That
sequence is ``Rx(pi/2) Ry(b) Rx(-pi/2) = Rz(b)``, so b must equal a. For
``Z`` it uses b = pi (right), but for ``S`` it uses b = 3pi/2 and for ``T``
b = 7pi/4: they come out as S-dagger and T-dagger. A program that applies H,
S and then rot_X(pi/2) measures 0 on a generic node and 1 on an NV node.

:class:`NVCompiler` is that transpiler with the two sequences corrected; every
other instruction is compiled exactly as netqasm compiles it.
"""

from __future__ import annotations

from netqasm.lang.instr import nv, vanilla
from netqasm.lang.instr.base import NetQASMInstruction
from netqasm.lang.operand import Immediate
from netqasm.sdk.transpile import NVSubroutineTranspiler

# NV rotation angles are numerator * pi / 2**4.
_ANGLE_DENOMINATOR = 4
#: Numerator of the Z-rotation angle of each gate: S = Rz(pi/2), T = Rz(pi/4).
_Z_ROTATIONS = {vanilla.GateSInstruction: 8, vanilla.GateTInstruction: 4}


def _z_rotation(instr: NetQASMInstruction, numerator: int) -> list[NetQASMInstruction]:
    """``Rz(numerator * pi / 16)`` up to a global phase, as native electron rotations."""
    steps = ((nv.RotXInstruction, 24), (nv.RotYInstruction, numerator), (nv.RotXInstruction, 8))
    return [
        cls(
            lineno=instr.lineno,
            reg=instr.reg,  # type: ignore[attr-defined]
            imm0=Immediate(num),
            imm1=Immediate(_ANGLE_DENOMINATOR),
        )
        for cls, num in steps
    ]


class NVCompiler(NVSubroutineTranspiler):
    """netqasm's NV transpiler with S and T compiled as S and T (not their inverses)."""

    def _map_single_gate(self, instr: NetQASMInstruction) -> list[NetQASMInstruction]:  # type: ignore[override]
        numerator = _Z_ROTATIONS.get(type(instr))
        if numerator is not None:
            return _z_rotation(instr, numerator)
        return super()._map_single_gate(instr)  # type: ignore[arg-type,no-any-return]


__all__ = ["NVCompiler"]
