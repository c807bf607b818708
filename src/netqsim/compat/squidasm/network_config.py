"""netsquid-netbuilder's newer ``NetworkConfig`` format, spelled onto netqsim's config models.

Newer SquidASM scripts describe a network as netsquid-netbuilder's
``NetworkConfig``: ``processing_nodes`` instead of ``stacks``, and links and
classical links that name their ends ``node1``/``node2`` instead of
``stack1``/``stack2``. Everything else (device types and parameters, link
types and parameters) is the same as SquidASM's ``StackNetworkConfig``.

Each class here is a netqsim config model under another spelling: a
:class:`NetworkConfig` *is* a :class:`netqsim.config.StackNetworkConfig`, so
``netqsim.run`` and the compat ``run`` take it as it is, and a
:class:`LinkConfig` built with ``node1=``/``node2=`` is a netqsim link. Both
spellings are accepted (the stored configs of SquidASM's own examples mix
them), and every error names the field as the caller wrote it.

Example (under ``netqsim squidasm``, where the import resolves here)::

    from netsquid_netbuilder.base_configs import NetworkConfig, LinkConfig
    cfg = NetworkConfig.from_file("config.yaml")   # processing_nodes: ...
    cfg.links[0].cfg.fidelity = 0.8                # edits reach the run
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from netqsim.config import CLinkConfig as _CLinkConfig
from netqsim.config import ConfigError, Problem, StackConfig, StackNetworkConfig
from netqsim.config import LinkConfig as _LinkConfig

__all__ = [
    "CLinkConfig",
    "LinkConfig",
    "NetworkConfig",
    "ProcessingNodeConfig",
    "StackConfig",
    "StackNetworkConfig",
]

#: netbuilder's name for a stack: the same model.
ProcessingNodeConfig = StackConfig

_PAIR_KEYS = {"node1": "stack1", "node2": "stack2"}
_SECTION_KEYS = {"processing_nodes": "stacks"}

# (native name, the caller's name) pairs that a problem's location is renamed back with
Renames = dict[tuple[Any, ...], tuple[Any, ...]]


def _respelled(data: Mapping[str, Any], spellings: Mapping[str, str], where: tuple[Any, ...],
               renames: Renames) -> dict[str, Any]:
    """``data`` with each key of ``spellings`` under its native name (recorded in ``renames``).

    Giving both spellings of one field is kept as it is, so the native model
    reports the other one as an unknown key.
    """
    out = dict(data)
    for theirs, ours in spellings.items():
        if theirs in out and ours not in out:
            out[ours] = out.pop(theirs)
            key = (*where, ours)
            renames[key] = (*where, theirs)
    return out


def _renamed_part(part: str, native: str, theirs: str) -> str:
    # rendered parts look like "stacks[0] (Alice)", "stacks" or "stack1"
    return re.sub(rf"^{re.escape(native)}(?=$|\[)", theirs, part)


def _renamed_error(error: ConfigError, renames: Renames) -> ConfigError:
    """``error`` with every location spelled as the caller wrote it."""
    if not renames:
        return error
    problems: list[Problem] = []
    for problem in error.details:
        loc, parts = list(problem.loc), list(problem.parts)
        for native, theirs in renames.items():
            depth = len(native)
            if tuple(loc[:depth]) != native:
                continue
            loc[depth - 1] = theirs[-1]
            # parts render list indices into their section's part, so the renamed
            # key's part is the last one whose text starts with the native key
            for index in range(len(parts) - 1, -1, -1):
                renamed = _renamed_part(parts[index], str(native[-1]), str(theirs[-1]))
                if renamed != parts[index]:
                    parts[index] = renamed
                    break
        problems.append(replace(problem, loc=tuple(loc), parts=tuple(parts)))
    return ConfigError(problems, file=error.file)


class _NodePair:
    """Mixin: a link entry that also takes its ends as ``node1``/``node2``.

    (Every netqsim link entry reads them back as ``node1``/``node2``.)
    """

    def __init__(self, /, **data: Any) -> None:
        renames: Renames = {}
        native = _respelled(data, _PAIR_KEYS, (), renames)
        try:
            super().__init__(**native)  # type: ignore[call-arg]
        except ConfigError as exc:
            raise _renamed_error(exc, renames) from None


class LinkConfig(_NodePair, _LinkConfig):
    """An entanglement link; ends given as ``node1``/``node2`` or ``stack1``/``stack2``."""

    @classmethod
    def perfect_config(cls, node1: str, node2: str) -> LinkConfig:  # type: ignore[override]
        """A perfect link between ``node1`` and ``node2`` (netbuilder's helper)."""
        fields: dict[str, Any] = {"node1": node1, "node2": node2, "typ": "perfect", "cfg": None}
        return cls(**fields)


class CLinkConfig(_NodePair, _CLinkConfig):
    """A classical link; ends given as ``node1``/``node2`` or ``stack1``/``stack2``."""

    @classmethod
    def perfect_config(cls, node1: str, node2: str) -> CLinkConfig:
        """An instant classical link between ``node1`` and ``node2`` (netbuilder's helper)."""
        fields: dict[str, Any] = {"node1": node1, "node2": node2, "typ": "instant", "cfg": None}
        return cls(**fields)


_METRO_MESSAGE = (
    "netbuilder's metro hubs and repeater chains are not supported; describe the nodes "
    "under processing_nodes and connect them with links (the network layer routes and "
    "swaps across nodes that share no link)"
)


class NetworkConfig(StackNetworkConfig):
    """A whole network in netbuilder's spelling (``processing_nodes``, ``node1``/``node2``).

    The old spelling (``stacks``, ``stack1``/``stack2``) is accepted too. Hubs
    and repeater chains of netbuilder's metro-network format are not: netqsim
    builds repeaters from ordinary nodes and links (see the network layer).
    """

    def __init__(self, /, **data: Any) -> None:
        renames: Renames = {}
        native = _respelled(data, _SECTION_KEYS, (), renames)
        for section in ("links", "clinks"):
            entries = native.get(section)
            if isinstance(entries, list):
                native[section] = [
                    _respelled(entry, _PAIR_KEYS, (section, i), renames)
                    if isinstance(entry, Mapping) else entry
                    for i, entry in enumerate(entries)
                ]
        for key in ("hubs", "repeater_chains"):
            # netbuilder's optional metro sections: accepted when left empty
            if native.pop(key, None):
                raise ConfigError([Problem((key,), (key,), _METRO_MESSAGE)])
        try:
            super().__init__(**native)
        except ConfigError as exc:
            raise _renamed_error(exc, renames) from None

    @classmethod
    def from_file(cls, path: Any, *, strict: bool | None = None) -> Any:
        """Load a YAML file in either spelling (see :meth:`StackNetworkConfig.from_file`)."""
        from netqsim.config.loading import read_yaml_file

        known = [*cls.model_fields, *_SECTION_KEYS]
        return cls._from_document(read_yaml_file(path, known_keys=known), strict)

    @property
    def processing_nodes(self) -> list[StackConfig]:
        """The end nodes (netbuilder's name for ``stacks``)."""
        return self.stacks
