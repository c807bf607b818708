"""netqsim: an open discrete-event simulator for quantum networks.

Runs NetQASM applications (SquidASM-style ``Program`` classes) on simulated
nodes with noisy quantum processors and classical and entanglement links::

    import netqsim
    config = netqsim.NetworkConfig.from_file("configs/perfect_two_nodes.yaml")
    results = netqsim.run(config, {"Alice": AliceProgram(), "Bob": BobProgram()},
                          num_times=100, seed=1)

The layers are importable on their own (``netqsim.kernel``, ``netqsim.quantum``,
``netqsim.config``, ...); the names below are loaded on first use, so that
``import netqsim.kernel`` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "run": "netqsim.runtime.run",
    "RunResults": "netqsim.runtime.run",
    "Network": "netqsim.runtime.network",
    "Program": "netqsim.host.program",
    "ProgramMeta": "netqsim.host.program",
    "ProgramContext": "netqsim.host.program",
    "Socket": "netqsim.host.sockets",
    "InstructionError": "netqsim.qnodeos.errors",
    "StackNetworkConfig": "netqsim.config",
    "NetworkConfig": "netqsim.config",
    "StackConfig": "netqsim.config",
    "GenericQDeviceConfig": "netqsim.config",
    "NVQDeviceConfig": "netqsim.config",
    "LinkConfig": "netqsim.config",
    "CLinkConfig": "netqsim.config",
    "ConfigError": "netqsim.config",
    "Simulator": "netqsim.kernel",
    "sleep": "netqsim.host.aio",
    "timeout": "netqsim.host.aio",
    "gather": "netqsim.host.aio",
    "StateMachine": "netqsim.host.statemachine",
    "simulate_application": "netqsim.compat.app_runner",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'netqsim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
