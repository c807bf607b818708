"""Quantum-device configurations (``qdevice_cfg``) and the ``qdevice_typ`` registry.

Field names and defaults are SquidASM's, taken from:

* ``GenericQDeviceConfig``: ``netsquid_netbuilder/modules/qdevices/generic.py``
  (re-exported unchanged by SquidASM 0.12+ ``squidasm/run/stack/config.py``):
  num_qubits=2, num_comm_qubits=2, T1=1e10, T2=1e9, init_time=10_000,
  single_qubit_gate_time=1_000, two_qubit_gate_time=100_000, measure_time=10_000,
  single_qubit_gate_depolar_prob=0.0, two_qubit_gate_depolar_prob=0.01.
  ``perfect_config()`` there sets init_time, measure_time and both depolarising
  probabilities to 0 and keeps T1/T2 and the gate times (reproduced here).
* ``NVQDeviceConfig``: ``squidasm/run/stack/config.py`` (SquidASM 0.10/0.11) and
  ``netsquid_netbuilder/modules/qdevices/nv.py``; same names and defaults (see
  the field list). ``perfect_config()`` zeroes the seven error probabilities.

Times are nanoseconds. A coherence time of 0 disables that decoherence
(NetSquid's ``T1T2NoiseModel`` convention, which SquidASM relies on).

New device types register with :func:`register_qdevice_type`.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from .base import (
    UNKNOWN_KEY,
    CoherenceTime,
    ConfigModel,
    Nanoseconds,
    NonNegativeInt,
    Probability,
    Problem,
    Problems,
    QubitCount,
    suggest,
)

#: Timing keys of SquidASM's old NV runtime that its stack runtime ignores in a
#: ``qdevice_cfg``, and the stack field that netqsim has for the same purpose.
STACK_TIMING_KEYS: dict[str, str] = {
    "host_latency": "host_qnos_latency",
    "instr_proc_time": "instr_latency",
}


class QDeviceConfig(ConfigModel):
    """Base class of every ``qdevice_cfg`` model; ``TYP`` is its ``qdevice_typ`` name."""

    TYP: ClassVar[str] = ""

    num_qubits: QubitCount = Field(default=2, description="Number of qubits in the device.")

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        for key, stack_key in STACK_TIMING_KEYS.items():
            if key in data and key not in cls.model_fields:
                data.pop(key)
                problems.add(
                    (key,),
                    f"unknown key {key!r} (a setting of SquidASM's old NV runtime, which its "
                    f"stack runtime ignores); did you mean the stack's {stack_key!r}?",
                    code=UNKNOWN_KEY,
                )
        for key in [k for k in data if k not in cls.model_fields]:
            # another device type's key (SquidASM's files put generic keys on nv devices)
            owner = next((t for t, c in QDEVICE_TYPES.items()
                          if c is not cls and key in c.model_fields), None)
            if owner is None:
                continue
            data.pop(key)
            message = f"unknown key {key!r} (a key of qdevice_typ {owner!r}, not of {cls.TYP!r})"
            close = suggest(key, cls.model_fields)
            if close is not None:
                message += f"; did you mean {close!r}?"
            problems.add((key,), message, code=UNKNOWN_KEY)
        return super()._prepare(data, problems)


def _t1t2_problems(model: ConfigModel, t1_name: str, t2_name: str) -> list[Problem]:
    t1 = getattr(model, t1_name)
    t2 = getattr(model, t2_name)
    if t1 > 0 and t2 > 0 and t2 > 2 * t1:
        return [
            Problem(
                (t2_name,),
                (t2_name,),
                f"must be <= 2*{t1_name} = {2 * t1:g} ns when both are non-zero "
                f"(got {t2:g}); larger values are unphysical",
            )
        ]
    return []


class GenericQDeviceConfig(QDeviceConfig):
    """A generic quantum processor: all qubits alike, any qubit pair can interact.

    Same fields and defaults as SquidASM's ``GenericQDeviceConfig``.
    """

    TYP: ClassVar[str] = "generic"

    num_qubits: QubitCount = Field(default=2, description="Number of qubits in the device.")
    num_comm_qubits: NonNegativeInt = Field(
        default=2,
        description="Number of communication qubits (kept for SquidASM compatibility; unused).",
    )
    T1: CoherenceTime = Field(
        default=10_000_000_000,
        description="Energy (longitudinal) relaxation time [ns]; 0 disables.",
    )
    T2: CoherenceTime = Field(
        default=1_000_000_000,
        description="Dephasing (transverse) relaxation time [ns]; 0 disables.",
    )
    init_time: Nanoseconds = Field(default=10_000, description="Qubit initialisation time [ns].")
    single_qubit_gate_time: Nanoseconds = Field(
        default=1_000, description="Single-qubit gate time [ns]."
    )
    two_qubit_gate_time: Nanoseconds = Field(
        default=100_000, description="Two-qubit gate time [ns]."
    )
    measure_time: Nanoseconds = Field(default=10_000, description="Measurement time [ns].")
    single_qubit_gate_depolar_prob: Probability = Field(
        default=0.0, description="Depolarising probability applied after each single-qubit gate."
    )
    two_qubit_gate_depolar_prob: Probability = Field(
        default=0.01, description="Depolarising probability applied after each two-qubit gate."
    )

    def _cross_problems(self) -> list[Problem]:
        return _t1t2_problems(self, "T1", "T2")

    @classmethod
    def perfect_config(cls, num_qubits: int = 2, **overrides: Any) -> GenericQDeviceConfig:
        """SquidASM's noiseless generic device: zero init/measure time and gate noise.

        As in SquidASM, T1/T2 and the gate durations keep their defaults; pass
        ``T1=0, T2=0`` to switch memory decoherence off as well.
        """
        values: dict[str, Any] = {
            "num_qubits": num_qubits,
            "init_time": 0,
            "measure_time": 0,
            "single_qubit_gate_depolar_prob": 0.0,
            "two_qubit_gate_depolar_prob": 0.0,
        }
        values.update(overrides)
        return cls(**values)

    @classmethod
    def default_config(cls, num_qubits: int = 2, **overrides: Any) -> GenericQDeviceConfig:
        """SquidASM's default (slightly noisy) generic device."""
        return cls(num_qubits=num_qubits, **overrides)


class NVQDeviceConfig(QDeviceConfig):
    """A nitrogen-vacancy centre: one electron (communication) qubit, the rest carbon.

    Same fields and defaults as SquidASM's ``NVQDeviceConfig``.
    """

    TYP: ClassVar[str] = "nv"

    num_qubits: QubitCount = Field(
        default=2, description="Number of qubits (1 electron + carbons)."
    )
    electron_init_depolar_prob: Probability = Field(
        default=0.05, description="Depolarising probability of electron initialisation."
    )
    electron_single_qubit_depolar_prob: Probability = Field(
        default=0.0, description="Depolarising probability of an electron single-qubit gate."
    )
    prob_error_0: Probability = Field(
        default=0.05, description="Probability that an electron measurement of 0 reads 1."
    )
    prob_error_1: Probability = Field(
        default=0.005, description="Probability that an electron measurement of 1 reads 0."
    )
    carbon_init_depolar_prob: Probability = Field(
        default=0.05, description="Depolarising probability of carbon initialisation."
    )
    carbon_z_rot_depolar_prob: Probability = Field(
        default=0.001, description="Depolarising probability of a carbon Z rotation."
    )
    ec_gate_depolar_prob: Probability = Field(
        default=0.008, description="Depolarising probability of the electron-carbon two-qubit gate."
    )
    electron_T1: CoherenceTime = Field(
        default=1_000_000_000, description="Electron T1 [ns]; 0 disables."
    )
    electron_T2: CoherenceTime = Field(
        default=300_000_000, description="Electron T2 [ns]; 0 disables."
    )
    carbon_T1: CoherenceTime = Field(
        default=150_000_000_000, description="Carbon T1 [ns]; 0 disables."
    )
    carbon_T2: CoherenceTime = Field(
        default=1_500_000_000, description="Carbon T2 [ns]; 0 disables."
    )
    carbon_init: Nanoseconds = Field(
        default=310_000, description="Carbon initialisation time [ns]."
    )
    carbon_rot_x: Nanoseconds = Field(default=500_000, description="Carbon X rotation time [ns].")
    carbon_rot_y: Nanoseconds = Field(default=500_000, description="Carbon Y rotation time [ns].")
    carbon_rot_z: Nanoseconds = Field(default=500_000, description="Carbon Z rotation time [ns].")
    electron_init: Nanoseconds = Field(
        default=2_000, description="Electron initialisation time [ns]."
    )
    electron_rot_x: Nanoseconds = Field(default=5, description="Electron X rotation time [ns].")
    electron_rot_y: Nanoseconds = Field(default=5, description="Electron Y rotation time [ns].")
    electron_rot_z: Nanoseconds = Field(default=5, description="Electron Z rotation time [ns].")
    ec_controlled_dir_x: Nanoseconds = Field(
        default=500_000, description="Electron-controlled carbon X rotation time [ns]."
    )
    ec_controlled_dir_y: Nanoseconds = Field(
        default=500_000, description="Electron-controlled carbon Y rotation time [ns]."
    )
    measure: Nanoseconds = Field(default=3_700, description="Electron measurement time [ns].")

    def _cross_problems(self) -> list[Problem]:
        return _t1t2_problems(self, "electron_T1", "electron_T2") + _t1t2_problems(
            self, "carbon_T1", "carbon_T2"
        )

    @classmethod
    def perfect_config(cls, num_qubits: int = 2, **overrides: Any) -> NVQDeviceConfig:
        """SquidASM's noiseless NV device: every error probability 0, timings kept."""
        values: dict[str, Any] = {
            "num_qubits": num_qubits,
            "electron_init_depolar_prob": 0.0,
            "electron_single_qubit_depolar_prob": 0.0,
            "prob_error_0": 0.0,
            "prob_error_1": 0.0,
            "carbon_init_depolar_prob": 0.0,
            "carbon_z_rot_depolar_prob": 0.0,
            "ec_gate_depolar_prob": 0.0,
        }
        values.update(overrides)
        return cls(**values)

    @classmethod
    def default_config(cls, num_qubits: int = 2, **overrides: Any) -> NVQDeviceConfig:
        """SquidASM's default NV device."""
        return cls(num_qubits=num_qubits, **overrides)


# --------------------------------------------------------------------------- registry

#: ``qdevice_typ`` name -> config class.
QDEVICE_TYPES: dict[str, type[QDeviceConfig]] = {
    "generic": GenericQDeviceConfig,
    "nv": NVQDeviceConfig,
}


def register_qdevice_type(name: str, cls: type[QDeviceConfig]) -> None:
    """Make ``qdevice_typ: <name>`` load its ``qdevice_cfg`` with ``cls``."""
    if not (isinstance(cls, type) and issubclass(cls, QDeviceConfig)):
        raise TypeError(f"{cls!r} is not a QDeviceConfig subclass")
    QDEVICE_TYPES[name] = cls
    if not cls.TYP:
        cls.TYP = name


def perfect_generic_config(num_qubits: int = 2) -> GenericQDeviceConfig:
    """Noiseless generic device (SquidASM's ``GenericQDeviceConfig.perfect_config``)."""
    return GenericQDeviceConfig.perfect_config(num_qubits)


def default_generic_config(num_qubits: int = 2) -> GenericQDeviceConfig:
    """Generic device with SquidASM's default noise and timing."""
    return GenericQDeviceConfig.default_config(num_qubits)


def perfect_nv_config(num_qubits: int = 2) -> NVQDeviceConfig:
    """Noiseless NV device (SquidASM's ``NVQDeviceConfig.perfect_config``)."""
    return NVQDeviceConfig.perfect_config(num_qubits)


def default_nv_config(num_qubits: int = 2) -> NVQDeviceConfig:
    """NV device with SquidASM's default noise and timing."""
    return NVQDeviceConfig.default_config(num_qubits)
