"""Gate results on noiseless devices against closed forms."""

import math

import numpy as np
import pytest
from hw_helpers import make, run, within_5_sigma

from netqsim.hardware import joint_state, place_joint
from netqsim.quantum import bell_state, gates, ket2dm

KET0 = np.array([1, 0], dtype=complex)
KET1 = np.array([0, 1], dtype=complex)


def rand_ket(rng, n=1):
    v = rng.normal(size=1 << n) + 1j * rng.normal(size=1 << n)
    return v / np.linalg.norm(v)


def close_dm(rho, psi, atol=1e-9):
    return np.allclose(rho, ket2dm(psi), atol=atol)


def rx(t):
    return gates.rx(t).matrix


def ry(t):
    return gates.ry(t).matrix


# ------------------------------------------------------------------ generic
@pytest.mark.parametrize("mnemonic", list("xyzhskt"))
def test_generic_fixed_gates_act_as_their_matrix(mnemonic):
    sim, proc = make("generic")
    psi = rand_ket(np.random.default_rng(7))
    proc.place((0,), psi)
    run(sim, proc.gate(mnemonic, (0,)))
    u = getattr(gates, mnemonic.upper()).matrix
    assert close_dm(proc.state(0), u @ psi)


@pytest.mark.parametrize("axis", "xyz")
def test_generic_rotations(axis):
    sim, proc = make("generic")
    psi = rand_ket(np.random.default_rng(8))
    proc.place(1, psi)
    run(sim, proc.gate(f"rot_{axis}", 1, angle=0.7))
    u = getattr(gates, f"r{axis}")(0.7).matrix
    assert close_dm(proc.state(1), u @ psi)


@pytest.mark.parametrize("a", [0, 1])
@pytest.mark.parametrize("b", [0, 1])
def test_generic_cnot_truth_table(a, b):
    sim, proc = make("generic")

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        if a:
            yield from proc.gate("x", 0)
        if b:
            yield from proc.gate("x", 1)
        yield from proc.gate("cnot", (0, 1))
        return (yield from proc.measure(0)), (yield from proc.measure(1))

    assert run(sim, program()) == (a, a ^ b)


def test_generic_cnot_makes_bell_state_and_groups():
    sim, proc = make("generic")

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        yield from proc.init(2)
        yield from proc.gate("h", 0)
        yield from proc.gate("cnot", (0, 1))

    run(sim, program())
    assert np.allclose(proc.state((0, 1)), ket2dm(bell_state(0)))
    assert proc.group_positions(0) == (0, 1)
    assert proc.group_positions(2) == (2,)
    assert proc.used_positions == {0, 1, 2}


def test_generic_cphase():
    sim, proc = make("generic")
    psi = rand_ket(np.random.default_rng(9), 2)
    proc.place((0, 1), psi)
    run(sim, proc.gate("cphase", (1, 0)))
    assert close_dm(proc.state((0, 1)), gates.CZ.matrix @ psi)


def test_h_then_measure_statistics():
    sim, proc = make("generic")
    n = 4000

    def program():
        ones = 0
        for _ in range(n):
            yield from proc.init(0)
            yield from proc.gate("h", 0)
            ones += yield from proc.measure(0)
        return ones

    assert within_5_sigma(run(sim, program()), n, 0.5)


def test_measure_in_rotated_basis():
    sim, proc = make("generic")

    def program():
        out = []
        for _ in range(20):
            yield from proc.init(0)
            yield from proc.gate("h", 0)  # |+>
            out.append((yield from proc.measure(0, basis=gates.H.matrix)))
            yield from proc.init(0)
            yield from proc.gate("x", 0)
            yield from proc.gate("h", 0)  # |->
            out.append((yield from proc.measure(0, basis=gates.H)))
        return out

    assert run(sim, program()) == [0, 1] * 20


def test_generic_swp_and_mov():
    sim, proc = make("generic")
    rng = np.random.default_rng(10)
    a, b = rand_ket(rng), rand_ket(rng)
    proc.place(0, a)
    proc.place(1, b)
    run(sim, proc.gate("swp", (0, 1)))
    assert close_dm(proc.state(0), b)
    assert close_dm(proc.state(1), a)
    # mov into an initialised position: dst takes the state, src is left empty
    run(sim, proc.init(2))
    run(sim, proc.gate("mov", (0, 2)))
    assert close_dm(proc.state(2), b)
    assert not proc.is_in_use(0)
    proc.free(0)  # the SDK's qfree after mov is harmless
    # mov into an empty position
    run(sim, proc.gate("mov", (1, 0)))
    assert close_dm(proc.state(0), a)
    assert proc.used_positions == {0, 2}


def test_generic_mov_keeps_entanglement():
    sim, proc = make("generic")
    proc.place((0, 1), ket2dm(bell_state(3)))
    run(sim, proc.init(2))
    run(sim, proc.gate("mov", (1, 2)))
    assert np.allclose(proc.state((0, 2)), ket2dm(bell_state(3)))
    assert proc.group_positions(0) == (0, 2)


def test_place_joint_across_devices():
    from hw_helpers import generic_cfg, nv_cfg

    from netqsim.hardware import build_processor
    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine

    sim = Simulator(seed=4)
    eng = QuantumEngine("dm", rng=sim.rng_stream("q"))
    alice = build_processor(sim, eng, "generic", generic_cfg(), "alice")
    bob = build_processor(sim, eng, "nv", nv_cfg(), "bob")
    place_joint([(alice, 1), (bob, 0)], ket2dm(bell_state(0)))
    assert np.allclose(joint_state([(alice, 1), (bob, 0)]), ket2dm(bell_state(0)))
    assert alice.group_positions(1) == (1,)  # the partner lives on another device

    def program():
        a = yield from alice.measure(1)
        b = yield from bob.measure(0)
        return a, b

    a, b = run(sim, program())
    assert a == b


# ----------------------------------------------------------------------- NV
@pytest.mark.parametrize("axis", "xyz")
@pytest.mark.parametrize("pos", [0, 2])
def test_nv_rotations(axis, pos):
    sim, proc = make("nv")
    psi = rand_ket(np.random.default_rng(11))
    proc._fresh(pos)
    place_state(proc, pos, psi)
    run(sim, proc.gate(f"rot_{axis}", pos, angle=1.3))
    u = getattr(gates, f"r{axis}")(1.3).matrix
    assert close_dm(proc.state(pos), u @ psi)


def place_state(proc, pos, psi):
    """Test helper: put ``psi`` at any position (links may only use the electron)."""
    proc.engine.set_state([proc.qubit_at(pos)], psi)


@pytest.mark.parametrize("axis", "xy")
def test_nv_crot_definition(axis):
    sim, proc = make("nv")
    proc._fresh(1)
    psi = rand_ket(np.random.default_rng(12), 2)
    proc.place(0, KET0)
    proc.engine.set_state([proc.qubit_at(0), proc.qubit_at(1)], psi)
    t = 0.9
    run(sim, proc.gate(f"crot_{axis}", (0, 1), angle=t))
    r = rx if axis == "x" else ry
    u = np.block([[r(t), np.zeros((2, 2))], [np.zeros((2, 2)), r(-t)]])
    assert close_dm(proc.state((0, 1)), u @ psi)


def test_nv_move_electron_to_carbon_and_back_is_exact():
    sim, proc = make("nv")
    rng = np.random.default_rng(13)
    psi = rand_ket(rng)
    proc.place(0, psi)
    run(sim, proc.init(2))
    run(sim, proc.gate("mov", (0, 2)))
    assert close_dm(proc.state(2), psi)
    assert not proc.is_in_use(0)
    run(sim, proc.gate("mov", (2, 0)))
    assert close_dm(proc.state(0), psi)
    assert not proc.is_in_use(2)


def test_nv_move_keeps_entanglement_with_remote_partner():
    from hw_helpers import nv_cfg

    from netqsim.hardware import build_processor
    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine

    sim = Simulator(seed=4)
    eng = QuantumEngine("dm", rng=sim.rng_stream("q"))
    a = build_processor(sim, eng, "nv", nv_cfg(), "a")
    b = build_processor(sim, eng, "nv", nv_cfg(), "b")
    place_joint([(a, 0), (b, 0)], ket2dm(bell_state(1)))
    run(sim, a.gate("mov", (0, 1)))  # carbon 1 empty: initialised as part of the move
    assert np.allclose(joint_state([(a, 1), (b, 0)]), ket2dm(bell_state(1)))


def test_nv_swp_is_a_swap():
    sim, proc = make("nv")
    rng = np.random.default_rng(14)
    e, c = rand_ket(rng), rand_ket(rng)
    proc.place(0, e)
    proc._fresh(2)
    place_state(proc, 2, c)
    run(sim, proc.gate("swp", (2, 0)))
    assert close_dm(proc.state(0), c)
    assert close_dm(proc.state(2), e)


def test_nv_cnot_between_carbons_via_transpiler_pattern():
    """netqasm's NV transpiler: swp(e, c1); cnot(e->c2) in native gates; swp(e, c1)."""
    sim, proc = make("nv")

    def program(a, b):
        yield from proc.init(1)
        yield from proc.init(2)
        if a:
            yield from proc.gate("rot_x", 1, angle=math.pi)
        if b:
            yield from proc.gate("rot_x", 2, angle=math.pi)
        yield from proc.gate("swp", (0, 1))  # electron empty: a move
        yield from proc.gate("crot_x", (0, 2), angle=math.pi / 2)
        yield from proc.gate("rot_z", 0, angle=3 * math.pi / 2)
        yield from proc.gate("rot_x", 2, angle=3 * math.pi / 2)
        yield from proc.gate("swp", (0, 1))  # carbon 1 empty again: move back
        m1 = yield from proc.measure(1)
        m2 = yield from proc.measure(2)
        proc.free(1)
        proc.free(2)
        return m1, m2

    for a in (0, 1):
        for b in (0, 1):
            assert run(sim, program(a, b)) == (a, a ^ b)


@pytest.mark.parametrize("flip", [0, 1])
def test_nv_carbon_measurement_reads_the_carbon(flip):
    sim, proc = make("nv")

    def program():
        yield from proc.init(2)
        if flip:
            yield from proc.gate("rot_y", 2, angle=math.pi)
        return (yield from proc.measure(2))

    assert run(sim, program()) == flip
    # the measured qubit stays addressable at the carbon; the electron is free again
    assert proc.used_positions == {2}
    assert close_dm(proc.state(2), KET1 if flip else KET0)


def test_nv_carbon_measurement_in_rotated_basis():
    sim, proc = make("nv")

    def program():
        out = []
        for sign in (1, -1) * 10:
            yield from proc.init(1)
            yield from proc.gate("rot_y", 1, angle=sign * math.pi / 2)  # |+> or |->
            out.append((yield from proc.measure(1, basis=gates.H.matrix)))
            proc.free(1)
        return out

    assert run(sim, program()) == [0, 1] * 10


def test_nv_carbon_measurement_statistics():
    sim, proc = make("nv")
    n = 3000
    theta = 1.1

    def program():
        ones = 0
        for _ in range(n):
            yield from proc.init(1)
            yield from proc.gate("rot_x", 1, angle=theta)
            ones += yield from proc.measure(1)
            proc.free(1)
        return ones

    assert within_5_sigma(run(sim, program()), n, math.sin(theta / 2) ** 2)
