"""Building a device from its ``qdevice_typ`` and ``qdevice_cfg``.

``build_processor(sim, engine, "generic" | "nv", cfg, name)`` looks the type up
in :data:`PROCESSOR_TYPES`; new device types (a trapped-ion device, say)
register with :func:`register_processor_type`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from netqsim.config import QDEVICE_TYPES, QDeviceConfig
from netqsim.hardware.generic import GenericProcessor
from netqsim.hardware.nv import NVProcessor
from netqsim.hardware.processor import QuantumProcessor
from netqsim.kernel import Simulator
from netqsim.quantum import QuantumEngine

__all__ = ["PROCESSOR_TYPES", "build_processor", "register_processor_type"]

#: Signature of a device factory: ``(sim, engine, cfg, name) -> QuantumProcessor``.
ProcessorFactory = Callable[[Simulator, QuantumEngine, Any, str], QuantumProcessor]

#: ``qdevice_typ`` -> device factory (usually the processor class).
PROCESSOR_TYPES: dict[str, ProcessorFactory] = {
    "generic": GenericProcessor,
    "nv": NVProcessor,
}


def register_processor_type(name: str, factory: ProcessorFactory) -> None:
    """Make ``build_processor(..., name, ...)`` build devices with ``factory``.

    Register the matching config model with
    :func:`netqsim.config.register_qdevice_type` so YAML files can use it.
    """
    if not callable(factory):
        raise TypeError(f"processor factory for {name!r} must be callable, got {factory!r}")
    PROCESSOR_TYPES[name] = factory


def build_processor(
    sim: Simulator,
    engine: QuantumEngine,
    qdevice_typ: str,
    cfg: QDeviceConfig | Mapping[str, Any] | None,
    name: str,
) -> QuantumProcessor:
    """A new device of type ``qdevice_typ`` configured by ``cfg``, named ``name``.

    ``cfg`` is the type's config model (``GenericQDeviceConfig``,
    ``NVQDeviceConfig``), a mapping of its fields (validated through the model
    registered for ``qdevice_typ``), or ``None`` for the defaults.
    """
    try:
        factory = PROCESSOR_TYPES[qdevice_typ]
    except KeyError:
        allowed = ", ".join(sorted(PROCESSOR_TYPES))
        raise ValueError(
            f"unknown qdevice_typ {qdevice_typ!r} for device {name!r}; allowed: {allowed}"
        ) from None
    model = QDEVICE_TYPES.get(qdevice_typ)
    if cfg is None or isinstance(cfg, Mapping):
        if model is None:
            raise ValueError(f"no config model is registered for qdevice_typ {qdevice_typ!r}")
        cfg = model(**dict(cfg or {}))
    elif model is not None and not isinstance(cfg, model):
        raise TypeError(
            f"device {name!r} of type {qdevice_typ!r} needs a {model.__name__}, "
            f"got {type(cfg).__name__}"
        )
    return factory(sim, engine, cfg, name)
