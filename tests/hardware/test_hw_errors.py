"""Unsupported instructions, topology violations and bad positions give clear errors."""

import math

import numpy as np
import pytest
from hw_helpers import generic_cfg, make, nv_cfg, run

from netqsim.hardware import (
    GATES,
    PROCESSOR_TYPES,
    GenericProcessor,
    NoQubitError,
    NVProcessor,
    PositionError,
    QuantumProcessor,
    UnsupportedInstruction,
    build_processor,
    place_joint,
    register_processor_type,
)
from netqsim.hardware.errors import HardwareError
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine


def raises_unsupported(gen_or_call, *words):
    with pytest.raises(UnsupportedInstruction) as info:
        if hasattr(gen_or_call, "send"):
            next(gen_or_call)
        else:
            gen_or_call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))
    return str(info.value)


@pytest.mark.parametrize("mnemonic", ["x", "y", "z", "h", "s", "k", "t"])
def test_vanilla_single_qubit_gates_on_nv(mnemonic):
    _, proc = make("nv", name="nvdev")
    msg = raises_unsupported(lambda: proc.supports(mnemonic, (0,)), mnemonic, "'nvdev'", "0")
    assert "NV instruction set" in msg
    raises_unsupported(proc.gate(mnemonic, (0,)), mnemonic, "nvdev")


@pytest.mark.parametrize("mnemonic", ["cnot", "cphase"])
def test_vanilla_two_qubit_gates_on_nv(mnemonic):
    _, proc = make("nv", name="nvdev")
    raises_unsupported(proc.gate(mnemonic, (0, 1)), mnemonic, "0, 1", "nvdev", "NV instruction set")


@pytest.mark.parametrize(
    "positions", [(1, 2), (2, 1), (1, 0), (0, 0)], ids=["c-c", "c-c'", "c-e", "e-e"]
)
@pytest.mark.parametrize("mnemonic", ["crot_x", "crot_y"])
def test_nv_crot_topology(mnemonic, positions):
    _, proc = make("nv", name="nvdev")
    if len(set(positions)) == 1:
        with pytest.raises(PositionError, match="distinct"):
            proc.supports(mnemonic, positions)
        return
    raises_unsupported(
        proc.gate(mnemonic, positions, angle=1.0),
        mnemonic,
        f"{positions[0]}, {positions[1]}",
        "nvdev",
        "electron",
    )


@pytest.mark.parametrize("mnemonic", ["mov", "swp"])
def test_nv_carbon_carbon_moves_are_unsupported(mnemonic):
    _, proc = make("nv", name="nvdev")
    raises_unsupported(proc.gate(mnemonic, (1, 2)), mnemonic, "1, 2", "nvdev")


def test_nv_carbon_measurement_needs_a_free_electron():
    sim, proc = make("nv", name="nvdev")
    run(sim, proc.init(0))
    run(sim, proc.init(1))
    t = sim.now
    with pytest.raises(UnsupportedInstruction, match=r"meas.*1.*nvdev.*electron"):
        run(sim, proc.measure(1))
    assert sim.now == t  # rejected before any time passes
    assert proc.used_positions == {0, 1}
    assert not proc.busy


@pytest.mark.parametrize("mnemonic", ["crot_x", "crot_y"])
def test_crot_on_generic(mnemonic):
    _, proc = make("generic", name="gen")
    raises_unsupported(proc.gate(mnemonic, (0, 1), angle=0.5), mnemonic, "0, 1", "gen", "NV")


def test_unknown_mnemonic():
    _, proc = make("generic", name="gen")
    raises_unsupported(lambda: proc.supports("toffoli", (0, 1)), "toffoli", "gen", "unknown")


def test_wrong_number_of_positions():
    _, proc = make("generic", name="gen")
    raises_unsupported(lambda: proc.supports("cnot", (0,)), "cnot", "gen", "2")


def test_supports_accepts_valid_instructions():
    _, gen = make("generic")
    _, nv = make("nv")
    for m in GATES - {"crot_x", "crot_y"}:
        positions = (0, 1) if m in ("cnot", "cphase", "mov", "swp") else (2,)
        assert gen.supports(m, positions) is None
    for m, pos in [
        ("rot_x", (2,)),
        ("crot_y", (0, 2)),
        ("mov", (2, 0)),
        ("swp", (0, 1)),
        ("meas", (1,)),
        ("init", (2,)),
    ]:
        assert nv.supports(m, pos) is None


@pytest.mark.parametrize("typ", ["generic", "nv"])
@pytest.mark.parametrize("bad", [3, -1, 17])
def test_position_out_of_range(typ, bad):
    _, proc = make(typ, name="dev7")
    for call in (
        lambda: next(proc.init(bad)),
        lambda: next(proc.gate("rot_x", bad, angle=1.0)),
        lambda: next(proc.measure(bad)),
        lambda: proc.free(bad),
        lambda: proc.state(bad),
        lambda: proc.is_in_use(bad),
        lambda: proc.supports("init", (bad,)),
    ):
        with pytest.raises(PositionError, match=rf"dev7.*position {bad}"):
            call()


def test_empty_position_used():
    sim, proc = make("generic", name="gen")
    with pytest.raises(PositionError, match="position 1 of device 'gen' holds no qubit"):
        run(sim, proc.gate("h", 1))
    with pytest.raises(PositionError, match="position 2"):
        run(sim, proc.measure(2))
    with pytest.raises(PositionError, match="position 0"):
        proc.state(0)
    with pytest.raises(PositionError, match="holds no qubit"):
        run(sim, proc.gate("swp", (0, 1)))
    assert not proc.busy  # errors release the device


def test_missing_angle():
    sim, proc = make("generic", name="gen")
    with pytest.raises(ValueError, match=r"rot_x.*angle"):
        run(sim, proc.gate("rot_x", 0))


def test_place_only_into_communication_positions():
    _, proc = make("nv", name="nvdev")
    with pytest.raises(UnsupportedInstruction, match=r"position.*1.*nvdev.*communication"):
        proc.place(1, np.array([1, 0]))
    _, gen = make("generic")
    gen.place((0, 1, 2), np.eye(8) / 8)  # every generic position is a comm position
    assert gen.comm_positions == {0, 1, 2}
    _, nv = make("nv")
    assert nv.comm_positions == {0}


def test_place_into_electron_while_it_reads_a_carbon():
    sim, proc = make("nv", name="nvdev")
    run(sim, proc.init(1))
    errors = []

    def link():
        yield sim.timeout(20)  # the carbon readout is under way and borrows the electron
        assert proc.is_in_use(0)
        try:
            proc.place(0, np.array([1, 0]))
        except PositionError as exc:
            errors.append(str(exc))

    sim.process(proc.measure(1))
    sim.process(link())
    sim.run()
    assert errors and "nvdev" in errors[0] and "position 0" in errors[0]
    assert not proc.is_in_use(0)


def test_place_joint_needs_one_engine():
    sim = Simulator(seed=1)
    a = build_processor(sim, QuantumEngine("dm"), "generic", generic_cfg(), "a")
    b = build_processor(sim, QuantumEngine("dm"), "generic", generic_cfg(), "b")
    with pytest.raises(ValueError, match="engine"):
        place_joint([(a, 0), (b, 0)], np.eye(4) / 4)


def test_registry_and_build_processor():
    sim = Simulator(seed=1)
    eng = QuantumEngine("dm")
    assert set(PROCESSOR_TYPES) >= {"generic", "nv"}
    assert isinstance(build_processor(sim, eng, "generic", None, "g"), GenericProcessor)
    nv = build_processor(sim, eng, "nv", {"num_qubits": 4}, "n")
    assert isinstance(nv, NVProcessor) and nv.num_positions == 4
    with pytest.raises(ValueError, match=r"trapped-ion.*allowed: generic, nv"):
        build_processor(sim, eng, "trapped-ion", None, "t")
    with pytest.raises(TypeError, match="NVQDeviceConfig"):
        build_processor(sim, eng, "nv", generic_cfg(), "n2")


def test_register_a_new_device_type():
    class Dummy(GenericProcessor):
        TYP = "dummy"

    register_processor_type("dummy-test", lambda sim, eng, cfg, name: Dummy(sim, eng, cfg, name))
    try:
        sim = Simulator(seed=1)
        dev = build_processor(sim, QuantumEngine("dm"), "dummy-test", generic_cfg(), "d")
        assert isinstance(dev, Dummy)
    finally:
        del PROCESSOR_TYPES["dummy-test"]


def test_error_hierarchy():
    for exc in (UnsupportedInstruction, NoQubitError, PositionError):
        assert issubclass(exc, HardwareError) and issubclass(exc, Exception)
    assert issubclass(PositionError, IndexError)
    assert issubclass(GenericProcessor, QuantumProcessor)


def test_nv_angle_keyword_accepted_positionally_too():
    sim, proc = make("nv")
    run(sim, proc.init(0))
    run(sim, proc.gate("rot_x", (0,), math.pi))
    assert np.allclose(np.diag(proc.state(0)).real, [0, 1])


def test_ket_formalism_runs_too():
    sim, proc = make("generic", formalism="ket")

    def program():
        yield from proc.init(0)
        yield from proc.init(1)
        yield from proc.gate("h", 0)
        yield from proc.gate("cnot", (0, 1))
        return (yield from proc.measure(0)), (yield from proc.measure(1))

    a, b = run(sim, program())
    assert a == b


def test_nv_config_must_be_nv():
    sim = Simulator(seed=1)
    with pytest.raises(TypeError):
        build_processor(sim, QuantumEngine("dm"), "generic", nv_cfg(), "x")
