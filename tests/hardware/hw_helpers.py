"""Shared helpers for the hardware tests: building devices and running generators."""

from __future__ import annotations

import math

from netqsim.config import GenericQDeviceConfig, NVQDeviceConfig
from netqsim.hardware import build_processor
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine

# Distinct durations (ns) so that a mixed-up field shows in the timing tests.
GENERIC_TIMES = dict(init_time=3, single_qubit_gate_time=5, two_qubit_gate_time=7, measure_time=11)
NV_TIMES = dict(
    electron_init=11,
    carbon_init=13,
    electron_rot_x=17,
    electron_rot_y=19,
    electron_rot_z=23,
    carbon_rot_x=29,
    carbon_rot_y=31,
    carbon_rot_z=37,
    ec_controlled_dir_x=41,
    ec_controlled_dir_y=43,
    measure=47,
)


def generic_cfg(num_qubits: int = 3, **overrides) -> GenericQDeviceConfig:
    """A noiseless generic device (no memory noise either) with ``overrides``."""
    values = dict(T1=0, T2=0, **GENERIC_TIMES)
    values.update(overrides)
    return GenericQDeviceConfig.perfect_config(num_qubits, **values)


def nv_cfg(num_qubits: int = 3, **overrides) -> NVQDeviceConfig:
    """A noiseless NV device (no memory noise either) with ``overrides``."""
    values = dict(electron_T1=0, electron_T2=0, carbon_T1=0, carbon_T2=0, **NV_TIMES)
    values.update(overrides)
    return NVQDeviceConfig.perfect_config(num_qubits, **values)


def make(typ: str = "generic", seed: int = 1, name: str = "dev", formalism: str = "dm", **cfg):
    """(sim, device) for a fresh simulation; ``cfg`` overrides the noiseless config."""
    sim = Simulator(seed=seed)
    engine = QuantumEngine(formalism, rng=sim.rng_stream("quantum"))
    cfg_obj = generic_cfg(**cfg) if typ == "generic" else nv_cfg(**cfg)
    return sim, build_processor(sim, engine, typ, cfg_obj, name)


def run(sim: Simulator, gen):
    """Run generator ``gen`` as a process to completion; return its value."""
    return sim.run(sim.process(gen))


def within_5_sigma(count: int, n: int, p: float) -> bool:
    sigma = math.sqrt(max(p * (1 - p), 1e-12) / n)
    return abs(count / n - p) <= 5 * sigma + 1e-12
