"""Quantum processors: the devices that run a node's quantum instructions.

* :class:`GenericProcessor` (``qdevice_typ: generic``): all-to-all, every
  position a communication qubit, SquidASM's generic timings and noise.
* :class:`NVProcessor` (``qdevice_typ: nv``): electron at position 0, carbons
  at 1..n-1, netqasm's NV instruction set, SquidASM's NV timings and noise.

Build one with :func:`build_processor`. Operations are generators for kernel
processes; each takes its configured duration and the device runs one at a
time::

    from netqsim.kernel import Simulator
    from netqsim.quantum import QuantumEngine
    from netqsim.config import GenericQDeviceConfig
    from netqsim.hardware import build_processor

    sim = Simulator(seed=1)
    engine = QuantumEngine("dm", rng=sim.rng_stream("quantum"))
    proc = build_processor(sim, engine, "generic", GenericQDeviceConfig(), "alice")

    def program():
        yield from proc.init(0)
        yield from proc.gate("h", (0,))
        return (yield from proc.measure(0))

    outcome = sim.run(sim.process(program()))  # sim.now == 10_000 + 1_000 + 10_000
"""

from netqsim.hardware.errors import (
    HardwareError,
    NoQubitError,
    PositionError,
    UnsupportedInstruction,
)
from netqsim.hardware.generic import GenericProcessor
from netqsim.hardware.nv import ELECTRON, NVProcessor
from netqsim.hardware.processor import GATES, QuantumProcessor, joint_state, place_joint
from netqsim.hardware.registry import PROCESSOR_TYPES, build_processor, register_processor_type

__all__ = [
    "ELECTRON",
    "GATES",
    "PROCESSOR_TYPES",
    "GenericProcessor",
    "HardwareError",
    "NVProcessor",
    "NoQubitError",
    "PositionError",
    "QuantumProcessor",
    "UnsupportedInstruction",
    "build_processor",
    "joint_state",
    "place_joint",
    "register_processor_type",
]
