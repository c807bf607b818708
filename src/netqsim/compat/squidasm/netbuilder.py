"""netsquid-netbuilder's config classes (and netsquid-magic's link configs) under their names.

netqsim's config models carry netbuilder's field names and defaults, so each
name is the netqsim class: the ``Q``-prefixed names of
``netsquid_netbuilder.modules.qlinks`` and the newer ones of
``netsquid_netbuilder.modules.links`` / ``netsquid_magic.models``. The one
difference is netbuilder's ``GenericQDeviceConfig.perfect_config``, which is
more perfect than SquidASM 0.13's: see :class:`GenericQDeviceConfig`.
"""

from __future__ import annotations

from typing import Any

from netqsim.config import (
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    HeraldedDoubleClickLinkConfig,
    HeraldedSingleClickLinkConfig,
    InstantCLinkConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
)
from netqsim.config import GenericQDeviceConfig as _GenericQDeviceConfig


class GenericQDeviceConfig(_GenericQDeviceConfig):
    """netqsim's generic device, with netsquid-netbuilder's ``perfect_config``."""

    @classmethod
    def perfect_config(cls, num_qubits: int = 100, **overrides: Any) -> GenericQDeviceConfig:
        """netbuilder's noiseless device: every duration 0, no gate or memory noise.

        (SquidASM 0.13's ``perfect_config``, netqsim's own, keeps the gate
        durations and T1/T2 and has 2 qubits.)
        """
        values: dict[str, Any] = {
            "num_qubits": num_qubits, "num_comm_qubits": num_qubits, "T1": 0, "T2": 0,
            "init_time": 0, "single_qubit_gate_time": 0, "two_qubit_gate_time": 0,
            "measure_time": 0, "single_qubit_gate_depolar_prob": 0.0,
            "two_qubit_gate_depolar_prob": 0.0,
        }
        values.update(overrides)
        return cls(**values)


DepolariseQLinkConfig = DepolariseLinkConfig
HeraldedDoubleClickQLinkConfig = HeraldedDoubleClickLinkConfig
HeraldedSingleClickQLinkConfig = HeraldedSingleClickLinkConfig
PerfectQLinkConfig = PerfectLinkConfig

__all__ = [
    "DefaultCLinkConfig",
    "DepolariseLinkConfig",
    "DepolariseQLinkConfig",
    "GenericQDeviceConfig",
    "HeraldedDoubleClickLinkConfig",
    "HeraldedDoubleClickQLinkConfig",
    "HeraldedSingleClickLinkConfig",
    "HeraldedSingleClickQLinkConfig",
    "InstantCLinkConfig",
    "NVQDeviceConfig",
    "PerfectLinkConfig",
    "PerfectQLinkConfig",
]
