"""Network configuration: SquidASM's ``StackNetworkConfig`` YAML format, validated strictly.

Load a file with ``StackNetworkConfig.from_file(path)`` (alias ``NetworkConfig``);
every problem in it is reported at once in a :class:`ConfigError`. With
``strict=False`` (the default inside :func:`lenient_loading`, as under
``netqsim squidasm``) unknown keys are dropped with an
:class:`IgnoredConfigKeyWarning` each, as SquidASM ignores them. Rules that
involve several fields (T2 against T1...) are checked at construction, by
``validate()`` and when a network is built, not on assignment. Field names
and defaults match SquidASM's; each module's docstring says where they come from.

This package imports nothing else from netqsim.
"""

from .base import ConfigError, ConfigModel, Problem
from .builders import chain, complete_graph, grid, random_graph, star, two_nodes
from .clinks import (
    CLINK_TYPES,
    CLinkCfg,
    DefaultCLinkConfig,
    InstantCLinkConfig,
    register_clink_type,
)
from .lenient import IgnoredConfigKeyWarning, lenient_loading, strict_by_default
from .links import (
    LINK_TYPES,
    BitflipLinkConfig,
    DepolariseLinkConfig,
    HeraldedDoubleClickLinkConfig,
    HeraldedLinkConfig,
    HeraldedSide,
    HeraldedSingleClickLinkConfig,
    LinkCfg,
    PerfectLinkConfig,
    SingleClickLinkConfig,
    canonical_link_typ,
    register_link_type,
)
from .network import (
    CLinkConfig,
    LinkConfig,
    NetworkConfig,
    StackConfig,
    StackNetworkConfig,
    topology_problems,
)
from .qdevice import (
    QDEVICE_TYPES,
    GenericQDeviceConfig,
    NVQDeviceConfig,
    QDeviceConfig,
    default_generic_config,
    default_nv_config,
    perfect_generic_config,
    perfect_nv_config,
    register_qdevice_type,
)
from .validate import validate_file

__all__ = [
    "CLINK_TYPES",
    "LINK_TYPES",
    "QDEVICE_TYPES",
    "BitflipLinkConfig",
    "CLinkCfg",
    "CLinkConfig",
    "ConfigError",
    "ConfigModel",
    "DefaultCLinkConfig",
    "DepolariseLinkConfig",
    "GenericQDeviceConfig",
    "HeraldedDoubleClickLinkConfig",
    "HeraldedLinkConfig",
    "HeraldedSide",
    "HeraldedSingleClickLinkConfig",
    "IgnoredConfigKeyWarning",
    "InstantCLinkConfig",
    "LinkCfg",
    "LinkConfig",
    "NVQDeviceConfig",
    "NetworkConfig",
    "PerfectLinkConfig",
    "Problem",
    "QDeviceConfig",
    "SingleClickLinkConfig",
    "StackConfig",
    "StackNetworkConfig",
    "canonical_link_typ",
    "chain",
    "complete_graph",
    "default_generic_config",
    "default_nv_config",
    "grid",
    "lenient_loading",
    "perfect_generic_config",
    "perfect_nv_config",
    "random_graph",
    "register_clink_type",
    "register_link_type",
    "register_qdevice_type",
    "star",
    "strict_by_default",
    "topology_problems",
    "two_nodes",
    "validate_file",
]
