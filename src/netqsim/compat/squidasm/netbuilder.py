"""netsquid-netbuilder's config classes (and netsquid-magic's link configs) under their names.

netqsim's config models carry netbuilder's field names and defaults, so each
name is the netqsim class: the ``Q``-prefixed names of
``netsquid_netbuilder.modules.qlinks`` and the newer ones of
``netsquid_netbuilder.modules.links`` / ``netsquid_magic.models``.
"""

from netqsim.config import (
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedDoubleClickLinkConfig,
    HeraldedSingleClickLinkConfig,
    InstantCLinkConfig,
    NVQDeviceConfig,
    PerfectLinkConfig,
)

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
