"""Gate, memory and readout noise against closed forms (5 sigma for sampled statistics)."""

import math

import numpy as np
import pytest
from hw_helpers import generic_cfg, make, nv_cfg, run, within_5_sigma

from netqsim.hardware import build_processor
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine, gates, ket2dm

N = 5000  # shots per sampled case; sigma = sqrt(p (1 - p) / N)
ZERO_TIMES = dict(init_time=0, single_qubit_gate_time=0, two_qubit_gate_time=0, measure_time=0)


def depolarized(rho, p):
    return (1 - p) * rho + p * np.eye(2) / 2


# ------------------------------------------------------------- gate noise
def test_single_qubit_gate_depolar_statistics():
    p = 0.2
    sim, proc = make("generic", single_qubit_gate_depolar_prob=p)

    def program():
        zeros = 0
        for _ in range(N):
            yield from proc.init(0)
            yield from proc.gate("x", 0)
            zeros += 1 - (yield from proc.measure(0))
        return zeros

    assert within_5_sigma(run(sim, program()), N, p / 2)


@pytest.mark.parametrize("mnemonic", ["h", "rot_y"])
def test_single_qubit_gate_depolar_exact(mnemonic):
    p = 0.3
    sim, proc = make("generic", single_qubit_gate_depolar_prob=p)
    run(sim, proc.init(0))
    run(sim, proc.gate(mnemonic, 0, angle=0.4))
    u = gates.H.matrix if mnemonic == "h" else gates.ry(0.4).matrix
    assert np.allclose(proc.state(0), depolarized(ket2dm(u[:, 0]), p))


def test_two_qubit_gate_depolarizes_each_qubit():
    p = 0.1
    sim, proc = make("generic", two_qubit_gate_depolar_prob=p)

    def program():
        counts = np.zeros(2)
        for _ in range(N):
            yield from proc.init(0)
            yield from proc.init(1)
            yield from proc.gate("cnot", (0, 1))
            counts[0] += yield from proc.measure(0)
            counts[1] += yield from proc.measure(1)
        return counts

    counts = run(sim, program())
    assert within_5_sigma(counts[0], N, p / 2)
    assert within_5_sigma(counts[1], N, p / 2)
    # exact: product of two single-qubit depolarising channels
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    run(sim, proc.gate("cphase", (0, 1)))
    z = depolarized(ket2dm(np.array([1, 0])), p)
    assert np.allclose(proc.state((0, 1)), np.kron(z, z))


def test_generic_swp_noise_is_three_noisy_cnots():
    p = 0.2
    sim, proc = make("generic", two_qubit_gate_depolar_prob=p)
    rho1 = ket2dm(np.array([0, 1]))
    proc.place((0, 1), np.kron(ket2dm(np.array([1, 0])), rho1))
    run(sim, proc.gate("swp", (0, 1)))
    # reference: apply CNOT + per-qubit depolarisation three times
    ref_sim, ref = make("generic", two_qubit_gate_depolar_prob=p)
    ref.place((0, 1), np.kron(ket2dm(np.array([1, 0])), rho1))
    for pair in ((0, 1), (1, 0), (0, 1)):
        run(ref_sim, ref.gate("cnot", pair))
    assert np.allclose(proc.state((0, 1)), ref.state((0, 1)))


# ----------------------------------------------------------- memory noise
def test_t2_dephasing_of_plus_state():
    t2, t = 1_000.0, 700.0
    sim, proc = make("generic", T1=0, T2=t2, **ZERO_TIMES)

    def program():
        ones = 0
        for _ in range(N):
            yield from proc.init(0)
            yield from proc.gate("h", 0)
            yield sim.timeout(t)
            ones += yield from proc.measure(0, basis=gates.H.matrix)
        return ones

    p1 = (1 - math.exp(-t / t2)) / 2
    assert within_5_sigma(run(sim, program()), N, p1)


def test_t1_relaxation_of_one_state():
    t1, t = 1_000.0, 400.0
    sim, proc = make("generic", T1=t1, T2=0, **ZERO_TIMES)

    def program():
        zeros = 0
        for _ in range(N):
            yield from proc.init(0)
            yield from proc.gate("x", 0)
            yield sim.timeout(t)
            zeros += 1 - (yield from proc.measure(0))
        return zeros

    assert within_5_sigma(run(sim, program()), N, 1 - math.exp(-t / t1))


def test_t1_t2_exact_density_matrix_and_gate_durations_count():
    t1, t2 = 5_000.0, 3_000.0
    sim, proc = make("generic", T1=t1, T2=t2)  # gate times: init 3, 1q 5
    plus = np.array([1, 1]) / math.sqrt(2)
    proc.place(0, plus)  # touched at t=0
    run(sim, proc.gate("rot_z", 0, angle=0.0))  # identity, but 5 ns of memory noise
    sim.run(until=sim.now + 995)
    rho = proc.state(0)  # state() applies the pending 995 ns
    t = 1_000.0
    gamma = 1 - math.exp(-t / t1)
    assert rho[1, 1].real == pytest.approx(0.5 * (1 - gamma))
    assert rho[0, 1].real == pytest.approx(0.5 * math.exp(-t / t2))
    # state() counts as touching: asking again at the same time changes nothing
    assert np.allclose(proc.state(0), rho)


def test_memory_noise_during_a_gate_acts_before_the_gate():
    # The gate is applied at the end of its duration: the qubit idles as |0>
    # during the H (no effect), then is |+> for the following wait only.
    t2 = 3_000.0
    sim, proc = make("generic", T1=0, T2=t2)
    run(sim, proc.init(0))
    run(sim, proc.gate("h", 0))
    sim.run(until=sim.now + 992)
    assert proc.state(0)[0, 1].real == pytest.approx(0.5 * math.exp(-992 / t2))


def test_idle_qubit_decoheres_while_another_is_operated_on():
    t2 = 2_000.0
    sim, proc = make(
        "generic", T1=0, T2=t2, single_qubit_gate_time=100, init_time=0, measure_time=0
    )
    gates_on_other = 15  # 1500 ns of work on qubit 1

    def program():
        ones = 0
        for _ in range(N):
            yield from proc.init(0)
            yield from proc.init(1)
            yield from proc.gate("h", 0)
            for _ in range(gates_on_other):
                yield from proc.gate("x", 1)
            ones += yield from proc.measure(0, basis=gates.H.matrix)
        return ones

    t = 100 * gates_on_other
    assert within_5_sigma(run(sim, program()), N, (1 - math.exp(-t / t2)) / 2)


def test_nv_electron_and_carbon_have_their_own_coherence_times():
    sim, proc = make(
        "nv",
        electron_T2=1_000,
        carbon_T2=10_000,
        electron_init=0,
        carbon_init=0,
        electron_rot_y=0,
        carbon_rot_y=0,
    )
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    run(sim, proc.gate("rot_y", 0, angle=math.pi / 2))
    run(sim, proc.gate("rot_y", 1, angle=math.pi / 2))
    sim.run(until=sim.now + 500)
    rho = proc.state((0,))
    assert abs(rho[0, 1]) == pytest.approx(0.5 * math.exp(-500 / 1_000))
    assert abs(proc.state(1)[0, 1]) == pytest.approx(0.5 * math.exp(-500 / 10_000))


def test_zero_coherence_times_disable_memory_noise():
    sim, proc = make("generic", T1=0, T2=0)
    run(sim, proc.init(0))
    run(sim, proc.gate("h", 0))
    sim.run(until=sim.now + 1e12)
    assert np.allclose(proc.state(0), ket2dm(gates.H.matrix[:, 0]))


# ---------------------------------------------------------------- NV noise
def test_nv_init_noise():
    sim, proc = make("nv", electron_init_depolar_prob=0.2, carbon_init_depolar_prob=0.4)
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    z = ket2dm(np.array([1, 0]))
    assert np.allclose(proc.state(0), depolarized(z, 0.2))
    assert np.allclose(proc.state(1), depolarized(z, 0.4))


@pytest.mark.parametrize("axis", "xyz")
def test_nv_rotation_noise(axis):
    # SquidASM: electron rotations use electron_single_qubit_depolar_prob, carbon
    # rotations (all axes) use carbon_z_rot_depolar_prob.
    sim, proc = make("nv", electron_single_qubit_depolar_prob=0.1, carbon_z_rot_depolar_prob=0.3)
    run(sim, proc.init(0))
    run(sim, proc.init(2))
    run(sim, proc.gate(f"rot_{axis}", 0, angle=1.0))
    run(sim, proc.gate(f"rot_{axis}", 2, angle=1.0))
    ideal = ket2dm(getattr(gates, f"r{axis}")(1.0).matrix[:, 0])
    assert np.allclose(proc.state(0), depolarized(ideal, 0.1))
    assert np.allclose(proc.state(2), depolarized(ideal, 0.3))


def test_nv_crot_noise_on_both_qubits():
    p = 0.25
    sim, proc = make("nv", ec_gate_depolar_prob=p)
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    run(sim, proc.gate("crot_x", (0, 1), angle=math.pi))
    e = depolarized(ket2dm(np.array([1, 0])), p)
    c = depolarized(ket2dm(gates.rx(math.pi).matrix[:, 0]), p)
    assert np.allclose(proc.state((0, 1)), np.kron(e, c))


@pytest.mark.parametrize("prepare_one", [False, True])
def test_nv_readout_errors(prepare_one):
    pe0, pe1 = 0.15, 0.05
    sim, proc = make("nv", prob_error_0=pe0, prob_error_1=pe1)

    def program():
        ones = 0
        for _ in range(N):
            yield from proc.init(0)
            if prepare_one:
                yield from proc.gate("rot_x", 0, angle=math.pi)
            ones += yield from proc.measure(0)
        return ones

    ones = run(sim, program())
    # prob_error_0 = P(report 1 | |0>), prob_error_1 = P(report 0 | |1>)
    expected = (1 - pe1) if prepare_one else pe0
    assert within_5_sigma(ones, N, expected)


def test_readout_errors_are_per_device():
    sim = Simulator(seed=9)
    eng = QuantumEngine("dm", rng=sim.rng_stream("q"))
    noisy = build_processor(sim, eng, "nv", nv_cfg(prob_error_0=0.3), "noisy")
    clean = build_processor(sim, eng, "nv", nv_cfg(prob_error_0=0.0), "clean")
    generic = build_processor(sim, eng, "generic", generic_cfg(), "generic")

    def program():
        counts = [0, 0, 0]
        for _ in range(N):
            for i, dev in enumerate((noisy, clean, generic)):
                yield from dev.init(0)
                counts[i] += yield from dev.measure(0)
        return counts

    counts = run(sim, program())
    assert within_5_sigma(counts[0], N, 0.3)
    assert counts[1] == 0
    assert counts[2] == 0


def test_nv_carbon_readout_includes_readout_error():
    pe0 = 0.2
    sim, proc = make("nv", prob_error_0=pe0)
    n = 2000

    def program():
        ones = 0
        for _ in range(n):
            yield from proc.init(1)
            ones += yield from proc.measure(1)
            proc.free(1)
        return ones

    assert within_5_sigma(run(sim, program()), n, pe0)


def test_same_seed_same_outcomes():
    def outcomes(seed):
        sim, proc = make("nv", seed=seed, prob_error_0=0.3, electron_init_depolar_prob=0.2)

        def program():
            out = []
            for _ in range(200):
                yield from proc.init(0)
                yield from proc.gate("rot_y", 0, angle=1.0)
                out.append((yield from proc.measure(0)))
            return out

        return run(sim, program())

    assert outcomes(5) == outcomes(5)
    assert outcomes(5) != outcomes(6)
