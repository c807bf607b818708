"""Every vanilla quantum instruction on a generic device, checked through the wire.

The device is noiseless (T1 = T2 = 0, no depolarising noise) with distinct
durations, so outcomes of eigenstates are exact and reply times are sums of
durations. Statistical cases run N shots in one subroutine loop and accept
the count k of ones if |k - N p| <= 5 sigma, sigma = sqrt(N p (1 - p)).
"""

import math

import numpy as np
import pytest
from netqasm.backend.messages import ErrorCode
from tests.qnodeos.harness import instruction_count, run_subroutine

from netqsim.config import GenericQDeviceConfig

INIT, GATE1, GATE2, MEAS = 1_000.0, 20.0, 300.0, 5_000.0
CFG = GenericQDeviceConfig.perfect_config(
    num_qubits=3, T1=0, T2=0, init_time=INIT, single_qubit_gate_time=GATE1,
    two_qubit_gate_time=GATE2, measure_time=MEAS,
)
#: Duration of each quantum instruction on CFG (SquidASM's generic device;
#: mov/swp are three CNOTs). qalloc/qfree take no time.
COST = {
    "init": INIT, "meas": MEAS, "meas_basis": MEAS, "meas_basis_yzy": MEAS,
    "meas_basis_zxz": MEAS, "cnot": GATE2, "cphase": GATE2, "mov": 3 * GATE2,
    "swp": 3 * GATE2, "qalloc": 0.0, "qfree": 0.0,
    **dict.fromkeys(["x", "y", "z", "h", "s", "k", "t", "rot_x", "rot_y", "rot_z"], GATE1),
}


def alloc(*qubits):
    return "".join(f"set Q{q} {q}\nqalloc Q{q}\ninit Q{q}\n" for q in qubits)


def duration(body):
    """Sum of the quantum durations of a straight-line body."""
    return sum(COST.get(line.split()[0], 0.0) for line in body.splitlines() if line.strip())


def run(body, **kw):
    out = run_subroutine(body, cfg=kw.pop("cfg", CFG), **kw)
    assert out.error is None, out.error
    return out


def within_5_sigma(k, n, p):
    sigma = math.sqrt(n * p * (1 - p))
    expected = f"expected {n * p:.1f} +- {sigma:.1f}"
    assert abs(k - n * p) <= 5 * sigma, f"{k} ones in {n} shots, {expected}"


# -- single-qubit gates: exact outcomes ----------------------------------------


def rep(line, n):
    return (line + "\n") * n


SINGLE = [
    ("x", "x Q0\n", 1),
    ("x", "x Q0\nx Q0\n", 0),
    ("y", "y Q0\n", 1),
    ("z", "z Q0\n", 0),
    ("z", "h Q0\nz Q0\nh Q0\n", 1),
    ("h", "h Q0\nh Q0\n", 0),
    ("h", "x Q0\nh Q0\nh Q0\n", 1),
    ("s", "h Q0\ns Q0\ns Q0\nh Q0\n", 1),  # S^2 = Z
    ("s", "h Q0\n" + rep("s Q0", 4) + "h Q0\n", 0),
    ("k", "k Q0\nk Q0\n", 0),  # K^2 = I
    ("k", "h Q0\ns Q0\nk Q0\n", 0),  # K|+i> = |0>
    ("k", "x Q0\nh Q0\ns Q0\nk Q0\n", 1),  # K|-i> ~ |1>
    ("t", "h Q0\n" + rep("t Q0", 4) + "h Q0\n", 1),  # T^4 = Z
    ("t", "h Q0\n" + rep("t Q0", 8) + "h Q0\n", 0),
    ("rot_x", "rot_x Q0 1 0\n", 1),  # pi
    ("rot_x", "rot_x Q0 1 1\nrot_x Q0 1 1\n", 1),  # 2 x pi/2
    ("rot_x", "rot_x Q0 4 2\n", 1),  # 4 pi/4
    ("rot_x", "rot_x Q0 3 1\nrot_x Q0 1 1\n", 0),  # 2 pi
    ("rot_y", "rot_y Q0 1 0\n", 1),
    ("rot_y", "rot_y Q0 1 1\nh Q0\n", 0),  # Ry(pi/2)|0> = |+>
    ("rot_y", "rot_y Q0 3 1\nh Q0\n", 1),  # Ry(3pi/2)|0> = -|->
    ("rot_z", "h Q0\nrot_z Q0 1 0\nh Q0\n", 1),
    ("rot_z", "h Q0\nrot_z Q0 1 1\nrot_z Q0 1 1\nh Q0\n", 1),
    ("rot_z", "h Q0\nrot_z Q0 8 3\nh Q0\n", 1),  # 8 pi/8
    ("rot_z", "h Q0\nrot_z Q0 16 3\nh Q0\n", 0),  # 2 pi
    ("init", "x Q0\ninit Q0\n", 0),  # init resets
]


@pytest.mark.parametrize(("gate", "gates", "expected"), SINGLE, ids=lambda v: str(v)[:40])
def test_single_qubit_gate_outcome_and_duration(gate, gates, expected):
    assert gate in gates
    body = alloc(0) + gates + "meas Q0 M0\nret_reg M0\n"
    out = run(body)
    assert out.reg("M0") == expected
    assert out.time == duration(body)


@pytest.mark.parametrize(
    ("instr", "expected"),
    [("x Q0", GATE1), ("y Q0", GATE1), ("z Q0", GATE1), ("h Q0", GATE1), ("s Q0", GATE1),
     ("k Q0", GATE1), ("t Q0", GATE1), ("rot_x Q0 3 2", GATE1), ("rot_y Q0 1 4", GATE1),
     ("rot_z Q0 7 3", GATE1), ("cnot Q0 Q1", GATE2), ("cphase Q1 Q0", GATE2),
     ("swp Q0 Q1", 3 * GATE2), ("mov Q0 Q1", 3 * GATE2), ("init Q0", INIT),
     ("meas Q0 M0", MEAS), ("meas_basis Q0 M0 0 24 0 4", MEAS),
     ("meas_basis_yzy Q0 M0 8 24 24 4", MEAS), ("meas_basis_zxz Q0 M0 24 8 24 4", MEAS),
     ("qfree Q0", 0.0), ("set Q2 2\nqalloc Q2", 0.0)],
)
def test_each_quantum_instruction_takes_its_duration(instr, expected):
    prefix = alloc(0, 1)
    base = run(prefix).time
    assert base == 2 * INIT
    assert run(prefix + instr + "\n").time - base == expected


# -- two-qubit gates ---------------------------------------------------------------

TWO = [
    ("cnot Q0 Q1\n", (0, 0)),
    ("x Q0\ncnot Q0 Q1\n", (1, 1)),
    ("x Q1\ncnot Q0 Q1\n", (0, 1)),  # control |0>: target untouched
    ("x Q1\ncnot Q1 Q0\n", (1, 1)),  # the other direction
    ("x Q0\nx Q1\ncnot Q0 Q1\n", (1, 0)),
    ("h Q1\ncphase Q0 Q1\nh Q1\n", (0, 0)),
    ("x Q0\nh Q1\ncphase Q0 Q1\nh Q1\n", (1, 1)),  # Z kick on |+>
    ("h Q0\nx Q1\ncphase Q0 Q1\nh Q0\n", (1, 1)),  # symmetric
    ("x Q0\nswp Q0 Q1\n", (0, 1)),
    ("x Q1\nswp Q0 Q1\n", (1, 0)),
    ("x Q0\nx Q1\nswp Q0 Q1\n", (1, 1)),
    ("h Q0\nx Q1\nswp Q0 Q1\nh Q1\n", (1, 0)),  # swaps superpositions too
]


@pytest.mark.parametrize(("gates", "expected"), TWO)
def test_two_qubit_gate_outcomes_and_duration(gates, expected):
    body = alloc(0, 1) + gates + "meas Q0 M0\nmeas Q1 M1\nret_reg M0\nret_reg M1\n"
    out = run(body)
    assert (out.reg("M0"), out.reg("M1")) == expected
    assert out.time == duration(body)


@pytest.mark.parametrize(
    ("gates", "expected"),
    [("x Q0\n", 1), ("", 0), ("h Q0\nz Q0\nh Q0\n", 1), ("h Q0\n", None)],
)
def test_mov_moves_the_state_and_empties_the_source(gates, expected):
    body = alloc(0, 1) + gates + "mov Q0 Q1\nh Q1\nh Q1\nmeas Q1 M1\nret_reg M1\n"
    out = run(body)
    if expected is not None:
        assert out.reg("M1") == expected
    assert out.time == duration(body)
    position = out.harness.controller.executor.physical_position(0, 0)
    assert out.harness.controller.executor.processor.qubit_at(position) is None


def test_mov_of_a_superposition_keeps_it():
    body = alloc(0, 1) + "h Q0\nmov Q0 Q1\nh Q1\nmeas Q1 M1\nret_reg M1\n"
    assert run(body).reg("M1") == 0


def test_mov_into_an_allocated_but_uninitialised_qubit():
    body = alloc(0) + "set Q1 1\nqalloc Q1\nx Q0\nmov Q0 Q1\nmeas Q1 M1\nret_reg M1\n"
    out = run(body)
    assert out.reg("M1") == 1 and out.time == INIT + GATE1 + 3 * GATE2 + MEAS


def test_measuring_the_source_of_a_mov_is_a_general_error():
    out = run_subroutine(alloc(0, 1) + "mov Q0 Q1\nmeas Q0 M0\n", cfg=CFG)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "'meas Q0 M0'" in text and "holds no qubit" in text


def test_gate_on_an_allocated_but_uninitialised_qubit_is_a_general_error():
    out = run_subroutine("set Q0 0\nqalloc Q0\nh Q0\n", cfg=CFG)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "'h Q0'" in text and "holds no qubit" in text


def test_gate_on_an_unallocated_virtual_qubit_is_a_general_error():
    out = run_subroutine(alloc(0) + "set Q1 1\ncnot Q0 Q1\n", cfg=CFG)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "'cnot Q0 Q1'" in text


def test_crot_is_not_in_the_vanilla_instruction_set_of_a_generic_device():
    # A generic controller decodes with the vanilla flavour, where id 30 is cnot;
    # the processor rejects crot_x if asked directly.
    from netqsim.hardware.errors import UnsupportedInstruction

    out = run(alloc(0, 1))
    with pytest.raises(UnsupportedInstruction, match="only on NV devices"):
        out.harness.controller.executor.processor.supports("crot_x", (0, 1))


# -- qalloc / qfree ----------------------------------------------------------------


def test_qalloc_maps_virtual_to_free_positions_and_qfree_releases_them():
    body = alloc(0, 1, 2) + "qfree Q1\nset Q1 1\nqalloc Q1\ninit Q1\nx Q1\nmeas Q1 M1\nret_reg M1\n"
    out = run(body)
    assert out.reg("M1") == 1 and out.time == 4 * INIT + GATE1 + MEAS
    ex = out.harness.controller.executor
    assert sorted(ex.physical_position(0, q) for q in range(3)) == [0, 1, 2]


def test_qfree_discards_the_qubit_and_frees_the_position():
    out = run(alloc(0, 1, 2) + "qfree Q2\n")
    ex = out.harness.controller.executor
    with pytest.raises(KeyError, match="virtual qubit 2 of application 0 is not allocated"):
        ex.physical_position(0, 2)
    assert len(ex.processor.used_positions) == 2


def test_qfree_of_an_unallocated_qubit_is_a_general_error():
    out = run_subroutine("set Q0 0\nqfree Q0\n", cfg=CFG)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "'qfree Q0'" in text and "not allocated" in text


def test_qalloc_twice_is_a_general_error():
    out = run_subroutine("set Q0 0\nqalloc Q0\nqalloc Q0\n", cfg=CFG)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "already allocated" in text


def test_qalloc_beyond_max_qubits_of_the_app_is_a_general_error():
    out = run_subroutine(alloc(0) + "set Q1 1\nqalloc Q1\n", cfg=CFG, max_qubits=1)
    code, text = out.error
    assert code is ErrorCode.GENERAL and "outside the unit module" in text


def test_qalloc_beyond_the_device_is_no_qubit():
    cfg = CFG.model_copy(update={"num_qubits": 2})
    out = run_subroutine(alloc(0, 1) + "set Q2 2\nqalloc Q2\n", cfg=cfg, max_qubits=3)
    code, text = out.error
    assert code is ErrorCode.NO_QUBIT and "'qalloc Q2'" in text


# -- meas and meas_basis -----------------------------------------------------------

# Eigenstate preparations from |0>, and the netqasm SDK's rotations (denominator
# 2^4, build_epr._BASIS_TO_ROTATION_MAPPING) for measuring in X, Y, Z, -X, -Y, -Z.
PREP = {
    "+X": "h Q0\n", "-X": "x Q0\nh Q0\n", "+Y": "h Q0\ns Q0\n",
    "-Y": "h Q0\nz Q0\ns Q0\n", "+Z": "", "-Z": "x Q0\n",
}
OPPOSITE = {"+X": "-X", "-X": "+X", "+Y": "-Y", "-Y": "+Y", "+Z": "-Z", "-Z": "+Z"}
ROTATIONS = {
    "meas_basis": {"+X": (0, 24, 0), "+Y": (8, 0, 0), "+Z": (0, 0, 0),
                   "-X": (0, 8, 0), "-Y": (24, 0, 0), "-Z": (16, 0, 0)},
    "meas_basis_yzy": {"+X": (24, 0, 0), "+Y": (8, 24, 24), "+Z": (0, 0, 0),
                       "-X": (8, 0, 0), "-Y": (8, 8, 24), "-Z": (16, 0, 0)},
    "meas_basis_zxz": {"+X": (24, 24, 8), "+Y": (0, 8, 0), "+Z": (0, 0, 0),
                       "-X": (24, 8, 24), "-Y": (0, 24, 0), "-Z": (0, 16, 0)},
}
MEAS_BASIS_CASES = [
    (mnemonic, basis, state, 0 if state == basis else 1)
    for mnemonic, table in ROTATIONS.items()
    for basis in table
    for state in (basis, OPPOSITE[basis])
]


@pytest.mark.parametrize(("mnemonic", "basis", "state", "expected"), MEAS_BASIS_CASES)
def test_meas_basis_of_an_eigenstate_is_exact(mnemonic, basis, state, expected):
    n1, n2, n3 = ROTATIONS[mnemonic][basis]
    # Measure twice: the qubit is left in the measured basis state.
    measure = f"{mnemonic} Q0 M0 {n1} {n2} {n3} 4\n{mnemonic} Q0 M1 {n1} {n2} {n3} 4\n"
    body = alloc(0) + PREP[state] + measure + "ret_reg M0\nret_reg M1\n"
    out = run(body)
    assert (out.reg("M0"), out.reg("M1")) == (expected, expected)
    assert out.time == duration(body)


def test_measurement_basis_rotation_order():
    from netqsim.qnodeos.executor import measurement_basis

    # XYX with (x1, y, x2) = (pi/2, 0, 0) is the Y basis: columns |+i>, |-i> (up to phase).
    u = measurement_basis("XYX", (math.pi / 2, 0.0, 0.0))
    plus_i = np.array([1, 1j]) / math.sqrt(2)
    assert abs(np.vdot(u[:, 0], plus_i)) == pytest.approx(1.0)
    # The first rotation acts first: R = R3 R2 R1, basis = R^dagger.
    a, b = 0.3, 1.1
    u = measurement_basis("ZXZ", (a, b, 0.0))
    rz = np.diag([np.exp(-1j * a / 2), np.exp(1j * a / 2)])
    rx = np.array([[math.cos(b / 2), -1j * math.sin(b / 2)],
                   [-1j * math.sin(b / 2), math.cos(b / 2)]])
    assert np.allclose(u, (rx @ rz).conj().T)


def test_meas_leaves_the_post_measurement_state():
    body = alloc(0) + "h Q0\nmeas Q0 M0\nmeas Q0 M1\nret_reg M0\nret_reg M1\n"
    for seed in range(6):
        out = run(body, seed=seed)
        assert out.reg("M0") == out.reg("M1")


def test_measurement_outcomes_go_to_any_register():
    body = alloc(0) + "x Q0\nmeas Q0 R7\nmeas Q0 M3\nret_reg R7\nret_reg M3\n"
    assert run(body).regs == [("R7", 1), ("M3", 1)]


# -- statistics (N shots in one subroutine) -----------------------------------------

N = 2000


def shots(gates, n=N, meas="meas Q0 M0"):
    """Loop n times: init, gates, measure; return the number of ones in R2."""
    return (
        "set Q0 0\nqalloc Q0\nset R0 0\nset R1 " + str(n) + "\nset R2 0\nset R3 1\n"
        "LOOP:\ninit Q0\n" + gates + meas + "\nadd R2 R2 M0\nadd R0 R0 R3\n"
        "blt R0 R1 LOOP\nret_reg R2\n"
    )


@pytest.mark.parametrize(
    ("gates", "meas", "p1"),
    [
        # N = 2000 shots each; 5 sigma = 5 sqrt(N p (1-p)) (112 for p = 1/2, 79 for p = 0.146).
        ("h Q0\n", "meas Q0 M0", 0.5),
        ("rot_x Q0 1 2\n", "meas Q0 M0", math.sin(math.pi / 8) ** 2),
        ("rot_y Q0 3 2\n", "meas Q0 M0", math.sin(3 * math.pi / 8) ** 2),
        ("rot_x Q0 1 1\n", "meas Q0 M0", 0.5),
        ("h Q0\nt Q0\nh Q0\n", "meas Q0 M0", (1 - math.cos(math.pi / 4)) / 2),
        ("h Q0\ns Q0\n", "meas Q0 M0", 0.5),
        ("k Q0\n", "meas Q0 M0", 0.5),
        ("", "meas_basis Q0 M0 0 24 0 4", 0.5),  # |0> in the X basis
        ("", "meas_basis_zxz Q0 M0 0 4 0 4", math.sin(math.pi / 8) ** 2),  # Rx(pi/4) then Z
        ("", "meas_basis_yzy Q0 M0 4 0 0 4", math.sin(math.pi / 8) ** 2),  # Ry(pi/4) then Z
    ],
)
def test_outcome_statistics_match_closed_forms(gates, meas, p1):
    out = run(shots(gates, meas=meas))
    within_5_sigma(out.reg("R2"), N, p1)
    per_shot = INIT + duration(gates) + MEAS
    assert out.time == N * per_shot


def test_bell_pair_outcomes_are_equal_and_uniform():
    # N = 2000: count of Q0 = 1 within 5 sigma (112) of 1000, and never Q0 != Q1.
    body = (
        "set Q0 0\nqalloc Q0\nset Q1 1\nqalloc Q1\nset R0 0\nset R1 2000\nset R2 0\nset R3 1\n"
        "set R4 0\nLOOP:\ninit Q0\ninit Q1\nh Q0\ncnot Q0 Q1\nmeas Q0 M0\nmeas Q1 M1\n"
        "add R2 R2 M0\nbeq M0 M1 SAME\nadd R4 R4 R3\nSAME:\nadd R0 R0 R3\nblt R0 R1 LOOP\n"
        "ret_reg R2\nret_reg R4\n"
    )
    out = run(body)
    within_5_sigma(out.reg("R2"), 2000, 0.5)
    assert out.reg("R4") == 0


def test_single_qubit_depolarising_noise_statistics():
    # x then meas with depolarising probability p after the gate:
    # rho -> (1-p)|1><1| + p I/2, so P(0) = p/2. N = 2000, p = 0.2: P(0) = 0.1,
    # 5 sigma = 5 sqrt(2000 * 0.1 * 0.9) = 67.
    cfg = CFG.model_copy(update={"single_qubit_gate_depolar_prob": 0.2})
    out = run(shots("x Q0\n"), cfg=cfg)
    zeros = N - out.reg("R2")
    within_5_sigma(zeros, N, 0.1)


def test_two_qubit_depolarising_noise_statistics():
    # cnot on |1>|0> with per-qubit depolarising p after the gate: the target
    # reads 0 with probability p/2. N = 2000, p = 0.3: P = 0.15, 5 sigma = 80.
    cfg = CFG.model_copy(update={"two_qubit_gate_depolar_prob": 0.3})
    body = shots("x Q1\ncnot Q1 Q0\n").replace(
        "set Q0 0\nqalloc Q0\n", "set Q0 0\nqalloc Q0\nset Q1 1\nqalloc Q1\n"
    ).replace("LOOP:\ninit Q0\n", "LOOP:\ninit Q0\ninit Q1\n")
    out = run(body, cfg=cfg)
    within_5_sigma(N - out.reg("R2"), N, 0.15)


# -- timing rule ----------------------------------------------------------------------


def test_reply_time_is_quantum_durations_plus_instruction_times_plus_two_latencies():
    body = alloc(0, 1) + (
        "h Q0\ncnot Q0 Q1\nt Q1\nswp Q0 Q1\nmeas_basis Q0 M0 0 24 0 4\nmeas Q1 M1\n"
        "ret_reg M0\nret_reg M1\n"
    )
    n = instruction_count(body)
    assert n == 14
    quantum = 2 * INIT + GATE1 + GATE2 + GATE1 + 3 * GATE2 + 2 * MEAS
    assert duration(body) == quantum
    latency, instr_time = 75.0, 6.0
    out = run(body, latency=latency, instr_time=instr_time)
    assert out.time == quantum + n * instr_time + 2 * latency
