"""Durations of every instruction, sums of sequences, one instruction at a time."""

import math

import pytest
from hw_helpers import GENERIC_TIMES, NV_TIMES, make, run

from netqsim.kernel import Interrupt

G = GENERIC_TIMES
N = NV_TIMES


def timed(sim, gen):
    start = sim.now
    run(sim, gen)
    return sim.now - start


# ----------------------------------------------------------------- generic
@pytest.mark.parametrize(
    ("mnemonic", "positions", "angle", "expected"),
    [
        *[(m, (0,), None, G["single_qubit_gate_time"]) for m in "xyzhskt"],
        *[(m, (1,), 0.3, G["single_qubit_gate_time"]) for m in ("rot_x", "rot_y", "rot_z")],
        ("cnot", (0, 1), None, G["two_qubit_gate_time"]),
        ("cphase", (1, 0), None, G["two_qubit_gate_time"]),
        ("swp", (0, 1), None, 3 * G["two_qubit_gate_time"]),
        ("mov", (0, 2), None, 3 * G["two_qubit_gate_time"]),
    ],
)
def test_generic_gate_durations(mnemonic, positions, angle, expected):
    sim, proc = make("generic")

    def prep():
        for p in (0, 1):
            yield from proc.init(p)

    run(sim, prep())
    assert timed(sim, proc.gate(mnemonic, positions, angle=angle)) == expected


def test_generic_init_and_measure_durations():
    sim, proc = make("generic")
    assert timed(sim, proc.init(0)) == G["init_time"]
    assert timed(sim, proc.measure(0)) == G["measure_time"]
    assert timed(sim, proc.measure(0, basis=[[1, 0], [0, 1]])) == G["measure_time"]


def test_generic_defaults_match_squidasm():
    from netqsim.config import GenericQDeviceConfig
    from netqsim.hardware import build_processor
    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine

    sim = Simulator(seed=3)
    proc = build_processor(
        sim, QuantumEngine("dm", rng=sim.rng_stream("q")), "generic", GenericQDeviceConfig(), "a"
    )

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        yield from proc.gate("h", (0,))
        yield from proc.gate("cnot", (0, 1))
        yield from proc.measure(0)

    run(sim, program())
    assert sim.now == 2 * 10_000 + 1_000 + 100_000 + 10_000


def test_sequence_takes_the_sum():
    sim, proc = make("generic")

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        yield from proc.gate("h", (0,))
        yield from proc.gate("rot_z", (0,), angle=0.1)
        yield from proc.gate("cnot", (0, 1))
        yield from proc.gate("swp", (0, 1))
        yield from proc.measure(0)
        yield from proc.measure(1)
        proc.free(0)  # no time
        proc.free(1)

    run(sim, program())
    g = G
    assert sim.now == (
        2 * g["init_time"]
        + 2 * g["single_qubit_gate_time"]
        + 4 * g["two_qubit_gate_time"]
        + 2 * g["measure_time"]
    )


def test_zero_durations_take_no_time():
    sim, proc = make("generic", init_time=0, single_qubit_gate_time=0, measure_time=0)

    def program():
        yield from proc.init(0)
        yield from proc.gate("x", 0)
        return (yield from proc.measure(0))

    assert run(sim, program()) == 1
    assert sim.now == 0


# ---------------------------------------------------------------------- NV
def test_nv_native_durations():
    sim, proc = make("nv")
    assert timed(sim, proc.init(0)) == N["electron_init"]
    assert timed(sim, proc.init(1)) == N["carbon_init"]
    assert timed(sim, proc.init(2)) == N["carbon_init"]
    for axis in "xyz":
        assert timed(sim, proc.gate(f"rot_{axis}", (0,), angle=1.0)) == N[f"electron_rot_{axis}"]
        assert timed(sim, proc.gate(f"rot_{axis}", (2,), angle=1.0)) == N[f"carbon_rot_{axis}"]
    for axis in "xy":
        assert (
            timed(sim, proc.gate(f"crot_{axis}", (0, 1), angle=0.5))
            == N[f"ec_controlled_dir_{axis}"]
        )
    assert timed(sim, proc.measure(0)) == N["measure"]
    assert timed(sim, proc.measure(0, basis=[[0, 1], [1, 0]])) == N["measure"]


# carbon -> electron sequence: init e, rot_y e, crot_y, rot_x e, crot_x, rot_y e
C2E = (
    N["electron_rot_y"]
    + N["ec_controlled_dir_y"]
    + N["electron_rot_x"]
    + N["ec_controlled_dir_x"]
    + N["electron_rot_y"]
)
# electron -> carbon: rot_y e, crot_y, rot_x e, crot_x
E2C = (
    N["electron_rot_y"] + N["ec_controlled_dir_y"] + N["electron_rot_x"] + N["ec_controlled_dir_x"]
)
CNOT_EC = N["ec_controlled_dir_x"] + N["electron_rot_z"] + N["carbon_rot_x"]
H_E = N["electron_rot_y"] + N["electron_rot_x"]
CNOT_CE = (
    2 * H_E
    + N["carbon_rot_y"]
    + N["ec_controlled_dir_x"]
    + N["electron_rot_z"]
    + N["carbon_rot_x"]
    + N["carbon_rot_y"]
)


def test_nv_carbon_measurement_duration():
    sim, proc = make("nv")
    run(sim, proc.init(1))
    assert timed(sim, proc.measure(1)) == N["electron_init"] + C2E + N["measure"]


def test_nv_mov_durations():
    sim, proc = make("nv")
    run(sim, proc.init(0))
    run(sim, proc.init(1))  # the SDK initialises the target before mov
    assert timed(sim, proc.gate("mov", (0, 1))) == E2C
    # into an empty carbon: the carbon is initialised first
    run(sim, proc.init(0))
    assert timed(sim, proc.gate("mov", (0, 2))) == N["carbon_init"] + E2C
    # carbon -> empty electron: init e, the sequence, and the S correction
    assert timed(sim, proc.gate("mov", (2, 0))) == N["electron_init"] + C2E + N["electron_rot_z"]


def test_nv_swp_durations():
    sim, proc = make("nv")
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    assert timed(sim, proc.gate("swp", (0, 1))) == 2 * CNOT_EC + CNOT_CE
    assert timed(sim, proc.gate("swp", (1, 0))) == 2 * CNOT_EC + CNOT_CE
    # with an empty electron, swp is the move into it
    proc.free(0)
    assert timed(sim, proc.gate("swp", (0, 1))) == N["electron_init"] + C2E + N["electron_rot_z"]


def test_nv_defaults_match_squidasm():
    from netqsim.config import NVQDeviceConfig
    from netqsim.hardware import build_processor
    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine

    sim = Simulator(seed=3)
    proc = build_processor(
        sim, QuantumEngine("dm", rng=sim.rng_stream("q")), "nv", NVQDeviceConfig(), "n"
    )

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        yield from proc.gate("rot_x", 0, angle=math.pi)
        yield from proc.gate("crot_y", (0, 1), angle=math.pi / 2)
        yield from proc.measure(0)

    run(sim, program())
    assert sim.now == 2_000 + 310_000 + 5 + 500_000 + 3_700


# ------------------------------------------------------ one at a time
def test_concurrent_processes_serialize():
    sim, proc = make("generic")
    finished = {}

    def worker(label, mnemonic, pos):
        yield from proc.gate(mnemonic, (pos,))
        finished[label] = sim.now

    run(sim, proc.init(0))
    run(sim, proc.init(1))
    t0 = sim.now
    sim.process(worker("a", "h", 0))
    sim.process(worker("b", "x", 1))
    sim.run()
    one = G["single_qubit_gate_time"]
    assert finished == {"a": t0 + one, "b": t0 + 2 * one}


def test_waiters_are_served_first_come_first_served():
    sim, proc = make("generic", num_qubits=4)
    order = []

    def worker(label, delay, gen_factory):
        yield sim.timeout(delay)
        yield from gen_factory()
        order.append((label, sim.now))

    # a: measure (11) starting at 0; b and c queue at t=1 and t=2
    sim.process(worker("a", 0, lambda: proc.init(0)))
    sim.process(worker("c", 2, lambda: proc.init(2)))
    sim.process(worker("b", 1, lambda: proc.init(1)))
    sim.run()
    t = G["init_time"]
    assert order == [("a", t), ("b", 2 * t), ("c", 3 * t)]


def test_mixed_operations_serialize_with_exact_times():
    sim, proc = make("generic")
    log = []

    def alice():
        yield from proc.init(0)
        log.append(("a-init", sim.now))
        yield from proc.gate("h", 0)
        log.append(("a-h", sim.now))

    def bob():
        yield from proc.init(1)
        log.append(("b-init", sim.now))
        yield from proc.measure(1)
        log.append(("b-meas", sim.now))

    sim.process(alice())
    sim.process(bob())
    sim.run()
    i, one, m = G["init_time"], G["single_qubit_gate_time"], G["measure_time"]
    # a-init [0, i]; b-init [i, 2i]; a-h [2i, 2i+one]; b-meas [2i+one, 2i+one+m]
    assert log == [
        ("a-init", i),
        ("b-init", 2 * i),
        ("a-h", 2 * i + one),
        ("b-meas", 2 * i + one + m),
    ]


def test_interrupted_waiter_releases_its_place():
    sim, proc = make("generic")
    done = []

    def holder():
        yield from proc.init(0)
        done.append(("holder", sim.now))

    def impatient():
        try:
            yield from proc.init(1)
        except Interrupt:
            done.append(("interrupted", sim.now))

    def late():
        yield sim.timeout(1)
        yield from proc.init(2)
        done.append(("late", sim.now))

    sim.process(holder())
    victim = sim.process(impatient())
    sim.process(late())

    def interrupter():
        yield sim.timeout(1)
        victim.interrupt("give up")

    sim.process(interrupter())
    sim.run()
    t = G["init_time"]
    assert done == [("interrupted", 1), ("holder", t), ("late", 2 * t)]
    assert not proc.busy


def test_two_devices_run_in_parallel():
    from hw_helpers import generic_cfg

    from netqsim.hardware import build_processor
    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine

    sim = Simulator(seed=5)
    eng = QuantumEngine("dm", rng=sim.rng_stream("q"))
    a = build_processor(sim, eng, "generic", generic_cfg(), "a")
    b = build_processor(sim, eng, "generic", generic_cfg(), "b")
    sim.process(a.init(0))
    sim.process(b.init(0))
    sim.run()
    assert sim.now == G["init_time"]
