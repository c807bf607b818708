"""``squidasm.run.stack.config``: SquidASM's network config classes are netqsim's own.

netqsim's config models use SquidASM's (netsquid-netbuilder's) field names and
defaults, so each SquidASM name is the netqsim class itself.
"""

from netqsim.config import (
    CLinkConfig,
    DefaultCLinkConfig,
    DepolariseLinkConfig,
    GenericQDeviceConfig,
    HeraldedLinkConfig,
    InstantCLinkConfig,
    LinkConfig,
    NVQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
)

__all__ = [
    "CLinkConfig",
    "DefaultCLinkConfig",
    "DepolariseLinkConfig",
    "GenericQDeviceConfig",
    "HeraldedLinkConfig",
    "InstantCLinkConfig",
    "LinkConfig",
    "NVQDeviceConfig",
    "StackConfig",
    "StackNetworkConfig",
]
