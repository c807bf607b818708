"""The NV flavour (init, rot_x/y/z, crot_x/y, mov, swp, meas, meas_basis) on an NV device.

Position 0 is the electron (the only qubit that is read out directly), 1..2
are carbons; the executor maps virtual qubit i to position i. The device is
noiseless with T1 = T2 = 0 and distinct durations, so outcomes of eigenstates
are exact and reply times are exact sums. Composite operations (carbon
readout, mov, swp) are sequences of native steps, each with its duration
(see ``netqsim.hardware.nv``).
"""

import math

import pytest
from netqasm.backend.messages import ErrorCode
from netqasm.lang.instr.flavour import NVFlavour, VanillaFlavour
from tests.qnodeos.harness import instruction_count, make_harness, run_subroutine

from netqsim.config import NVQDeviceConfig

E_INIT, C_INIT = 1_000.0, 2_000.0
ERX, ERY, ERZ = 3.0, 5.0, 7.0  # electron rotations
CRX, CRY, CRZ = 11.0, 13.0, 17.0  # carbon rotations
ECX, ECY = 190.0, 230.0  # electron-controlled carbon rotations
MEAS = 29_000.0
CFG = NVQDeviceConfig.perfect_config(
    num_qubits=3, electron_T1=0, electron_T2=0, carbon_T1=0, carbon_T2=0,
    electron_init=E_INIT, carbon_init=C_INIT, electron_rot_x=ERX, electron_rot_y=ERY,
    electron_rot_z=ERZ, carbon_rot_x=CRX, carbon_rot_y=CRY, carbon_rot_z=CRZ,
    ec_controlled_dir_x=ECX, ec_controlled_dir_y=ECY, measure=MEAS,
)
#: Carbon -> electron transfer (electron empty): init e, rot_y e, crot_y, rot_x e,
#: crot_x, rot_y e.
C_TO_E = E_INIT + ERY + ECY + ERX + ECX + ERY
#: Reading out a carbon through the (empty) electron.
MEAS_CARBON = C_TO_E + MEAS
#: mov electron -> initialised carbon: rot_y e, crot_y, rot_x e, crot_x.
MOV_E_TO_C = ERY + ECY + ERX + ECX
#: mov carbon -> empty electron: the transfer plus rot_z(e, -pi/2).
MOV_C_TO_E = C_TO_E + ERZ
#: swp with both occupied: CNOT(e->c), CNOT(c->e), CNOT(e->c) in native gates.
CNOT_EC = ECX + ERZ + CRX
CNOT_CE = (ERY + ERX) + CRY + ECX + ERZ + CRX + CRY + (ERY + ERX)
SWP = 2 * CNOT_EC + CNOT_CE


def alloc(*qubits):
    return "".join(f"set Q{q} {q}\nqalloc Q{q}\ninit Q{q}\n" for q in qubits)


def run(body, **kw):
    out = run_subroutine(body, device="nv", cfg=kw.pop("cfg", CFG), **kw)
    assert out.error is None, out.error
    return out


def within_5_sigma(k, n, p):
    sigma = math.sqrt(n * p * (1 - p))
    assert abs(k - n * p) <= 5 * sigma, f"{k} of {n}, expected {n * p:.1f} +- {sigma:.1f}"


# -- init ------------------------------------------------------------------------------


def test_init_durations_of_electron_and_carbons():
    assert run(alloc(0)).time == E_INIT
    assert run(alloc(1)).time == C_INIT
    assert run(alloc(0, 1, 2)).time == E_INIT + 2 * C_INIT


def test_init_electron_then_measure_gives_zero():
    out = run(alloc(0) + "meas Q0 M0\nret_reg M0\n")
    assert out.reg("M0") == 0 and out.time == E_INIT + MEAS


def test_init_resets_the_electron():
    out = run(alloc(0) + "rot_x Q0 1 0\ninit Q0\nmeas Q0 M0\nret_reg M0\n")
    assert out.reg("M0") == 0 and out.time == 2 * E_INIT + ERX + MEAS


# -- electron rotations ----------------------------------------------------------------

ELECTRON = [
    ("rot_x Q0 1 0\n", 1, ERX),
    ("rot_x Q0 1 1\nrot_x Q0 1 1\n", 1, 2 * ERX),
    ("rot_x Q0 4 1\n", 0, ERX),  # 2 pi
    ("rot_y Q0 1 0\n", 1, ERY),
    ("rot_y Q0 1 1\nrot_y Q0 3 1\n", 0, 2 * ERY),  # pi/2 then -pi/2
    ("rot_y Q0 1 1\nrot_z Q0 1 0\nrot_y Q0 1 1\n", 0, 2 * ERY + ERZ),  # |+> -> |-> -> |0>
    ("rot_y Q0 1 1\nrot_z Q0 1 1\nrot_z Q0 1 1\nrot_y Q0 1 1\n", 0, 2 * ERY + 2 * ERZ),
    ("rot_y Q0 1 1\nrot_z Q0 4 1\nrot_y Q0 1 1\n", 1, 2 * ERY + ERZ),  # Rz(2pi) = -I
    ("rot_z Q0 1 0\n", 0, ERZ),
]


@pytest.mark.parametrize(("gates", "expected", "cost"), ELECTRON)
def test_electron_rotations(gates, expected, cost):
    out = run(alloc(0) + gates + "meas Q0 M0\nret_reg M0\n")
    assert out.reg("M0") == expected
    assert out.time == E_INIT + cost + MEAS


# -- carbon rotations (read out through the electron) -------------------------------

CARBON = [
    ("rot_x Q1 1 0\n", 1, CRX),
    ("rot_x Q1 1 1\nrot_x Q1 1 1\n", 1, 2 * CRX),
    ("rot_y Q1 1 0\n", 1, CRY),
    ("rot_y Q1 1 1\nrot_z Q1 1 0\nrot_y Q1 1 1\n", 0, 2 * CRY + CRZ),
    ("rot_y Q1 1 1\nrot_y Q1 1 1\n", 1, 2 * CRY),
    ("rot_z Q1 1 0\n", 0, CRZ),
    ("", 0, 0.0),
]


@pytest.mark.parametrize(("gates", "expected", "cost"), CARBON)
def test_carbon_rotations_and_carbon_readout(gates, expected, cost):
    out = run(alloc(1) + gates + "meas Q1 M1\nret_reg M1\n")
    assert out.reg("M1") == expected
    assert out.time == C_INIT + cost + MEAS_CARBON
    # The measured qubit stays addressable at the carbon; the electron is empty again.
    processor = out.harness.controller.executor.processor
    assert processor.qubit_at(1) is not None and processor.qubit_at(0) is None


def test_carbon_readout_twice_repeats_the_outcome():
    body = alloc(2) + "rot_x Q2 1 0\nmeas Q2 M0\nmeas Q2 M1\nret_reg M0\nret_reg M1\n"
    out = run(body)
    assert out.regs == [("M0", 1), ("M1", 1)]
    assert out.time == C_INIT + CRX + 2 * MEAS_CARBON


# -- electron-controlled carbon rotations ---------------------------------------------

CROT = [
    # crot_x(t) = |0><0| Rx(t) + |1><1| Rx(-t): with a further carbon Rx(pi/2) the
    # carbon ends in Rx(pi)|0> if the electron is |0> and in |0> if it is |1>.
    ("", "crot_x Q0 Q1 1 1\nrot_x Q1 1 1\n", 0, 1, ECX + CRX),
    ("rot_x Q0 1 0\n", "crot_x Q0 Q1 1 1\nrot_x Q1 1 1\n", 1, 0, ERX + ECX + CRX),
    ("", "crot_y Q0 Q1 1 1\nrot_y Q1 1 1\n", 0, 1, ECY + CRY),
    ("rot_x Q0 1 0\n", "crot_y Q0 Q1 1 1\nrot_y Q1 1 1\n", 1, 0, ERX + ECY + CRY),
    # By pi the carbon flips whatever the electron holds.
    ("rot_x Q0 1 0\n", "crot_x Q0 Q1 1 0\n", 1, 1, ERX + ECX),
    ("", "crot_x Q0 Q1 1 0\n", 0, 1, ECX),
    ("rot_x Q0 1 0\n", "crot_y Q0 Q1 1 0\n", 1, 1, ERX + ECY),
    # Rx(t) then Rx(-t) on the carbon when the electron is |0>: identity.
    ("", "crot_x Q0 Q1 3 2\nrot_x Q1 5 2\n", 0, 0, ECX + CRX),  # 3pi/4 + 5pi/4 = 2 pi
    ("rot_x Q0 1 0\n", "crot_x Q0 Q1 3 2\nrot_x Q1 3 2\n", 1, 0, ERX + ECX + CRX),
]


@pytest.mark.parametrize(("prep", "gates", "electron", "carbon", "cost"), CROT)
def test_controlled_rotations(prep, gates, electron, carbon, cost):
    body = alloc(0, 1) + prep + gates + "meas Q0 M0\nqfree Q0\nmeas Q1 M1\nret_reg M0\nret_reg M1\n"
    out = run(body)
    assert (out.reg("M0"), out.reg("M1")) == (electron, carbon)
    assert out.time == E_INIT + C_INIT + cost + MEAS + MEAS_CARBON


def test_controlled_rotation_entangles_electron_and_carbon():
    # Electron |+>, crot_x(pi/2), carbon Rx(pi/2): carbon = NOT electron in every shot.
    # N = 1000 shots; electron ones within 5 sigma = 5 sqrt(1000/4) = 79 of 500.
    n = 1000
    body = (
        f"set R0 0\nset R1 {n}\nset R2 0\nset R3 1\nset R4 0\nset Q1 1\nqalloc Q1\n"
        "LOOP:\nset Q0 0\nqalloc Q0\ninit Q0\ninit Q1\nrot_y Q0 1 1\ncrot_x Q0 Q1 1 1\n"
        "rot_x Q1 1 1\nmeas Q0 M0\nqfree Q0\nmeas Q1 M1\nadd R2 R2 M0\nbne M0 M1 DIFF\n"
        "add R4 R4 R3\nDIFF:\nadd R0 R0 R3\nblt R0 R1 LOOP\nret_reg R2\nret_reg R4\n"
    )
    out = run(body)
    within_5_sigma(out.reg("R2"), n, 0.5)
    assert out.reg("R4") == 0  # never equal


# -- mov and swp -----------------------------------------------------------------------


def test_mov_electron_to_carbon_and_back_then_measure():
    body = alloc(0, 1) + "rot_x Q0 1 0\nmov Q0 Q1\nmov Q1 Q0\nmeas Q0 M0\nret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == 1
    assert out.time == E_INIT + C_INIT + ERX + MOV_E_TO_C + MOV_C_TO_E + MEAS


def test_mov_leaves_the_source_empty():
    out = run(alloc(0, 1) + "rot_x Q0 1 0\nmov Q0 Q1\n")
    processor = out.harness.controller.executor.processor
    assert processor.qubit_at(0) is None and processor.qubit_at(1) is not None
    assert out.time == E_INIT + C_INIT + ERX + MOV_E_TO_C


@pytest.mark.parametrize(
    ("prep", "undo", "cost"),
    [
        ("rot_y Q0 1 1\n", "rot_y Q0 3 1\n", 2 * ERY),  # |+> and back
        ("rot_x Q0 3 1\n", "rot_x Q0 1 1\n", 2 * ERX),  # |+i> = Rx(-pi/2)|0>: phase kept
        ("rot_y Q0 1 2\n", "rot_y Q0 7 2\n", 2 * ERY),  # Ry(pi/4)
    ],
)
def test_mov_round_trip_keeps_superpositions(prep, undo, cost):
    body = alloc(0, 1) + prep + "mov Q0 Q1\nmov Q1 Q0\n" + undo + "meas Q0 M0\nret_reg M0\n"
    for seed in range(3):
        out = run(body, seed=seed)
        assert out.reg("M0") == 0
        assert out.time == E_INIT + C_INIT + cost + MOV_E_TO_C + MOV_C_TO_E + MEAS


def test_mov_into_an_uninitialised_carbon_initialises_it_first():
    body = alloc(0) + "set Q1 1\nqalloc Q1\nrot_x Q0 1 0\nmov Q0 Q1\nmeas Q1 M1\nret_reg M1\n"
    out = run(body)
    assert out.reg("M1") == 1
    assert out.time == E_INIT + ERX + C_INIT + MOV_E_TO_C + MEAS_CARBON


@pytest.mark.parametrize(("a", "b"), [(0, 1), (1, 0)])
def test_swp_exchanges_electron_and_carbon(a, b):
    body = alloc(0, 1) + (
        f"rot_x Q0 1 0\nswp Q{a} Q{b}\nmeas Q0 M0\nqfree Q0\nmeas Q1 M1\nret_reg M0\nret_reg M1\n"
    )
    out = run(body)
    assert (out.reg("M0"), out.reg("M1")) == (0, 1)
    assert out.time == E_INIT + C_INIT + ERX + SWP + MEAS + MEAS_CARBON


def test_swp_keeps_a_superposition():
    # Carbon |+> (Ry(pi/2)), electron |1>: after swp the electron holds |+>.
    body = alloc(0, 1) + "rot_x Q0 1 0\nrot_y Q1 1 1\nswp Q0 Q1\nrot_y Q0 3 1\nmeas Q0 M0\n"
    body += "ret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == 0
    assert out.time == E_INIT + C_INIT + ERX + CRY + SWP + ERY + MEAS


def test_swp_with_an_empty_electron_is_a_mov():
    body = alloc(1) + "set Q0 0\nqalloc Q0\nrot_x Q1 1 0\nswp Q0 Q1\nmeas Q0 M0\nret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == 1
    assert out.time == C_INIT + CRX + MOV_C_TO_E + MEAS


# -- measurement ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prep", "basis", "expected"),
    [
        ("rot_y Q{q} 1 1\n", "0 24 0", 0),  # |+> in X
        ("rot_y Q{q} 3 1\n", "0 24 0", 1),  # |-> in X
        ("rot_x Q{q} 3 1\n", "8 0 0", 0),  # |+i> in Y
        ("rot_x Q{q} 1 1\n", "8 0 0", 1),  # |-i> in Y
        ("rot_x Q{q} 1 0\n", "16 0 0", 0),  # |1> in -Z
    ],
)
@pytest.mark.parametrize("q", [0, 1])
def test_meas_basis_on_electron_and_carbon(prep, basis, expected, q):
    body = alloc(q) + prep.format(q=q) + f"meas_basis Q{q} M0 {basis} 4\nret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == expected
    rot = (ERY if "rot_y" in prep else ERX) if q == 0 else (CRY if "rot_y" in prep else CRX)
    readout = MEAS if q == 0 else MEAS_CARBON
    assert out.time == (E_INIT if q == 0 else C_INIT) + rot + readout


@pytest.mark.parametrize("mnemonic", ["meas_basis_yzy", "meas_basis_zxz"])
def test_meas_basis_variants_on_the_electron(mnemonic):
    # X basis: yzy (24, 0, 0) = Ry(3pi/2); zxz (24, 24, 8).
    angles = {"meas_basis_yzy": "24 0 0", "meas_basis_zxz": "24 24 8"}[mnemonic]
    body = alloc(0) + f"rot_y Q0 1 1\n{mnemonic} Q0 M0 {angles} 4\nret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == 0 and out.time == E_INIT + ERY + MEAS


def test_readout_error_statistics():
    # SquidASM's readout error: P(read 1 | |0>) = prob_error_0, P(read 0 | |1>) = prob_error_1.
    # N = 2000 each; e0 = 0.1 (5 sigma = 67), e1 = 0.25 (5 sigma = 97).
    cfg = CFG.model_copy(update={"prob_error_0": 0.1, "prob_error_1": 0.25})
    n = 2000

    def count(prep):
        body = (
            f"set Q0 0\nqalloc Q0\nset R0 0\nset R1 {n}\nset R2 0\nset R3 1\nLOOP:\ninit Q0\n"
            f"{prep}meas Q0 M0\nadd R2 R2 M0\nadd R0 R0 R3\nblt R0 R1 LOOP\nret_reg R2\n"
        )
        return run(body, cfg=cfg).reg("R2")

    within_5_sigma(count(""), n, 0.1)
    within_5_sigma(n - count("rot_x Q0 1 0\n"), n, 0.25)


def test_electron_init_noise_statistics():
    # Depolarising p after init: P(1) = p/2. N = 2000, p = 0.4: P = 0.2, 5 sigma = 89.
    cfg = CFG.model_copy(update={"electron_init_depolar_prob": 0.4})
    n = 2000
    body = (
        f"set Q0 0\nqalloc Q0\nset R0 0\nset R1 {n}\nset R2 0\nset R3 1\nLOOP:\ninit Q0\n"
        "meas Q0 M0\nadd R2 R2 M0\nadd R0 R0 R3\nblt R0 R1 LOOP\nret_reg R2\n"
    )
    within_5_sigma(run(body, cfg=cfg).reg("R2"), n, 0.2)


# -- what an NV centre cannot do ---------------------------------------------------------

UNSUPPORTED = [
    ("crot_x Q1 Q2 1 1\n", "crot_x"),  # carbon-carbon
    ("crot_y Q1 Q2 1 1\n", "crot_y"),
    ("crot_x Q1 Q0 1 1\n", "crot_x"),  # carbon controls the electron
    ("crot_y Q1 Q0 1 1\n", "crot_y"),
    ("mov Q1 Q2\n", "mov"),  # carbon-carbon moves
    ("swp Q1 Q2\n", "swp"),
    ("meas Q1 M0\n", "meas"),  # carbon readout while the electron holds a qubit
    ("meas_basis Q2 M0 0 24 0 4\n", "meas"),
]


@pytest.mark.parametrize(("instr", "mnemonic"), UNSUPPORTED)
def test_topology_violations_are_unsupported(instr, mnemonic):
    out = run_subroutine(alloc(0, 1, 2) + instr, device="nv", cfg=CFG)
    assert out.error is not None
    code, text = out.error
    assert code is ErrorCode.UNSUPP
    assert f"'{instr.strip()}'" in text and f"{mnemonic} on position(s)" in text
    assert text.startswith("node 'Alice', app 0, t=")
    # Nothing ran: the failing instruction costs no device time.
    assert out.time == E_INIT + 2 * C_INIT


def test_unsupported_instruction_fails_at_the_time_it_is_reached():
    body = alloc(1, 2) + "rot_x Q1 1 0\ncrot_x Q1 Q2 1 1\n"
    out = run_subroutine(body, device="nv", cfg=CFG, latency=5.0, instr_time=2.0)
    code, text = out.error
    n = instruction_count(body, flavour=NVFlavour())
    assert code is ErrorCode.UNSUPP and f"t={5 + 2 * C_INIT + CRX + n * 2.0:g} ns" in text
    assert out.time == 5.0 + 2 * C_INIT + CRX + n * 2.0 + 5.0


def test_vanilla_only_gate_on_an_nv_node_is_unsupported():
    # A host that forgot the NV transpiler sends a vanilla 'h' (id 23, not in the
    # NV flavour): the device cannot do it, so the reply should be UNSUPP.
    h = make_harness(device="nv", cfg=CFG)
    out = run_subroutine(alloc(0) + "h Q0\n", device="nv", flavour=VanillaFlavour(), harness=h)
    assert out.error is not None
    code, text = out.error
    assert code is ErrorCode.UNSUPP, text


def test_nv_timing_rule():
    body = alloc(0, 1) + "rot_y Q0 1 1\ncrot_x Q0 Q1 1 1\nrot_z Q1 1 2\nmeas Q0 M0\nret_reg M0\n"
    n = instruction_count(body, flavour=NVFlavour())
    assert n == 11
    quantum = E_INIT + C_INIT + ERY + ECX + CRZ + MEAS
    h = make_harness(device="nv", cfg=CFG, latency=40.0, instr_time=9.0)
    start = h.sim.now
    out = run_subroutine(body, device="nv", harness=h)
    assert out.error is None
    assert out.time - start == quantum + n * 9.0 + 2 * 40.0



def test_classical_core_instructions_run_on_an_nv_node_too():
    # The NV flavour shares netqasm's core (classical) instructions.
    body = (
        "set R0 0\nset R1 5\nset R2 0\nset R3 1\narray 5 @0\n"
        "LOOP:\nmul R4 R0 R0\nstore R4 @0[R0]\nadd R2 R2 R4\nadd R0 R0 R3\nblt R0 R1 LOOP\n"
        "set R5 7\nrem R6 R2 R5\ndiv R7 R2 R5\nret_reg R2\nret_reg R6\nret_reg R7\nret_arr @0\n"
    )
    out = run(body, instr_time=1.0)
    assert out.regs == [("R2", 30), ("R6", 2), ("R7", 4)]
    assert out.arrays == {0: [0, 1, 4, 9, 16]}
    # The 5-instruction loop body appears once in the text and runs 5 times.
    assert out.time == (instruction_count(body, flavour=NVFlavour()) + 4 * 5) * 1.0
