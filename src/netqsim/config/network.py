"""The network configuration: stacks (nodes), links and classical links.

This is SquidASM's ``StackNetworkConfig`` format (``squidasm/run/stack/config.py``,
SquidASM 0.12+): ``stacks`` (``name``, ``qdevice_typ``, ``qdevice_cfg``),
``links`` (``stack1``, ``stack2``, ``typ``, ``cfg``) and the optional
``clinks`` (same shape). As in SquidASM's ``_convert_stack_network_config``,
a missing, ``null`` or empty ``clinks`` list connects every pair of stacks
with an ``instant`` classical link (see :meth:`StackNetworkConfig.effective_clinks`).

netqsim extensions on a stack, both defaulting to SquidASM's stack-runtime
timing (0): ``host_qnos_latency`` [ns], the one-way delay of every message
between a node's host and its QNodeOS, and ``instr_latency`` [ns], the time
QNodeOS spends on each NetQASM instruction. The names are those of the
``NodeStack(host_qnos_latency=..., instr_latency=...)`` arguments in SquidASM's
``squidasm/sim/stack/stack.py`` (which its ``StackConfig`` does not expose).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, SerializeAsAny

from .base import (
    PLACEHOLDER_KEY,
    ConfigError,
    ConfigModel,
    Loc,
    Nanoseconds,
    NodeName,
    PositiveInt,
    Problem,
    Problems,
    unknown_message,
)
from .clinks import CLINK_TYPES, CLINK_TYPES_WITHOUT_CFG, CLinkCfg, InstantCLinkConfig
from .links import (
    LINK_TYPES,
    LINK_TYPES_WITHOUT_CFG,
    LinkCfg,
    PerfectLinkConfig,
    canonical_link_typ,
)
from .network_layer import (
    DEFAULT_LINK_COST,
    LinkCost,
    NetworkLayerConfig,
    build_network_layer,
    cutoff_problems,
    path_problems,
)
from .qdevice import QDEVICE_TYPES, GenericQDeviceConfig, QDeviceConfig

_MISSING: Any = object()

#: Default instruction budget of one subroutine: far above any compiled program
#: (a loop over 10,000 EPR pairs runs about 200,000 instructions), small enough
#: that a subroutine that loops forever fails within seconds of wall time.
DEFAULT_MAX_INSTRUCTIONS_PER_SUBROUTINE = 10_000_000
#: Default bound on the array entries one application holds at a time
#: (4 Mi entries, 32 MiB of list slots; the result arrays of 400,000 EPR pairs).
DEFAULT_MAX_ARRAY_ENTRIES = 1 << 22


def _self_message(name: str) -> str:
    return f"connects stack {name!r} to itself"


def _is_empty_cfg(value: Any) -> bool:
    """``None`` or SquidASM's ``{dummy: null}`` placeholder (or ``{}``)."""
    if value is None:
        return True
    return isinstance(value, Mapping) and all(
        k == PLACEHOLDER_KEY and v is None for k, v in value.items()
    )


def _build_typed(
    data: dict[str, Any],
    problems: Problems,
    *,
    typ_key: str,
    cfg_key: str,
    registry: Mapping[str, type[ConfigModel]],
    base: type[ConfigModel],
    kind: str,
    empty_means_defaults: bool | set[str],
) -> None:
    """Replace ``data[cfg_key]`` by the config object that ``data[typ_key]`` selects."""
    typ = data.get(typ_key, _MISSING)
    cfg = data.get(cfg_key, _MISSING)
    inferred: str = getattr(type(cfg), "TYP", "") if isinstance(cfg, base) else ""
    if typ is _MISSING and inferred:
        typ = data[typ_key] = inferred
    if typ is _MISSING:
        data.pop(cfg_key, None)
        problems.reported.add(cfg_key)
        return
    if not isinstance(typ, str) or typ not in registry:
        problems.add((typ_key,), unknown_message(kind, typ, registry))
        data.pop(cfg_key, None)
        problems.reported.add(cfg_key)
        return
    cls = registry[typ]
    if isinstance(cfg, cls):
        return
    if isinstance(cfg, base):
        problems.add(
            (cfg_key,),
            f"is a {type(cfg).__name__}, but {typ_key} {typ!r} needs a {cls.__name__}",
        )
        data.pop(cfg_key, None)
        return
    defaults_ok = (
        empty_means_defaults
        if isinstance(empty_means_defaults, bool)
        else typ in empty_means_defaults
    )
    if cfg is _MISSING or cfg is None:
        if defaults_ok:
            data[cfg_key] = cls()
            return
        problems.add((cfg_key,), f"required for {typ_key} {typ!r} ({cls.__name__} fields)")
        data.pop(cfg_key, None)
        return
    if not isinstance(cfg, Mapping):
        problems.add(
            (cfg_key,),
            f"must be a mapping of {cls.__name__} fields (got {type(cfg).__name__})",
        )
        data.pop(cfg_key, None)
        return
    if _is_empty_cfg(cfg) and defaults_ok:
        data[cfg_key] = cls()
        return
    try:
        data[cfg_key] = cls(**{str(k): v for k, v in cfg.items()})
    except ConfigError as exc:
        problems.add_nested(exc, (cfg_key,), (cfg_key,))
        data.pop(cfg_key, None)


def _coerce_typed(model: ConfigModel, typ_key: str, cfg_key: str, value: Any, **kwargs: Any) -> Any:
    """Convert a value assigned to ``cfg_key`` as :func:`_build_typed` would."""
    if isinstance(value, ConfigModel):
        return value
    data = {typ_key: getattr(model, typ_key), cfg_key: value}
    problems = Problems()
    _build_typed(data, problems, typ_key=typ_key, cfg_key=cfg_key, **kwargs)
    if problems:
        raise ConfigError(problems.items)
    return data[cfg_key]


# --------------------------------------------------------------------------- entries


class StackConfig(ConfigModel):
    """One end node ("stack"): a name and a quantum device."""

    name: NodeName = Field(description="Unique name of the stack (node); not blank.")
    qdevice_typ: str = Field(description=f"Device type: one of {', '.join(QDEVICE_TYPES)}.")
    qdevice_cfg: SerializeAsAny[QDeviceConfig] = Field(
        description="Device parameters; fields depend on qdevice_typ. Omitted or "
        "{dummy: null} means that type's defaults."
    )
    host_qnos_latency: Nanoseconds = Field(
        default=0.0, description="netqsim extension: one-way host <-> QNodeOS message delay [ns]."
    )
    instr_latency: Nanoseconds = Field(
        default=0.0,
        description="netqsim extension: QNodeOS processing time per NetQASM instruction [ns].",
    )
    max_instructions_per_subroutine: PositiveInt = Field(
        default=DEFAULT_MAX_INSTRUCTIONS_PER_SUBROUTINE,
        description="netqsim extension: instructions one subroutine may execute (loop "
        "iterations count); more is an error naming the instruction.",
    )
    max_array_entries: PositiveInt = Field(
        default=DEFAULT_MAX_ARRAY_ENTRIES,
        description="netqsim extension: array entries one application may hold on this node, "
        "over all its arrays; an 'array' beyond it is an error.",
    )

    _KW: ClassVar[dict[str, Any]] = {
        "typ_key": "qdevice_typ",
        "cfg_key": "qdevice_cfg",
        "base": QDeviceConfig,
        "kind": "qdevice_typ",
        "empty_means_defaults": True,
    }

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        data = super()._prepare(data, problems)
        if isinstance(data.get("name"), (int, float)) and not isinstance(data["name"], bool):
            data["name"] = str(data["name"])
        _build_typed(data, problems, registry=QDEVICE_TYPES, **cls._KW)
        return data

    def _coerce_assignment(self, name: str, value: Any) -> Any:
        if name == "qdevice_cfg":
            kwargs = {k: v for k, v in self._KW.items() if k not in ("typ_key", "cfg_key")}
            return _coerce_typed(
                self, "qdevice_typ", "qdevice_cfg", value, registry=QDEVICE_TYPES, **kwargs
            )
        return value

    def _cross_problems(self) -> list[Problem]:
        expected = QDEVICE_TYPES.get(self.qdevice_typ)
        if expected is None:
            return [
                Problem(
                    ("qdevice_typ",),
                    ("qdevice_typ",),
                    unknown_message("qdevice_typ", self.qdevice_typ, QDEVICE_TYPES),
                )
            ]
        if not isinstance(self.qdevice_cfg, expected):
            return [
                Problem(
                    ("qdevice_cfg",),
                    ("qdevice_cfg",),
                    f"is a {type(self.qdevice_cfg).__name__}, but qdevice_typ "
                    f"{self.qdevice_typ!r} needs a {expected.__name__}",
                )
            ]
        return []

    @property
    def instr_proc_time(self) -> float:
        """Alias of :attr:`instr_latency` [ns]."""
        return self.instr_latency

    @classmethod
    def perfect_generic_config(cls, name: str, num_qubits: int = 2) -> StackConfig:
        """A stack with SquidASM's noiseless generic device."""
        return cls(
            name=name,
            qdevice_typ="generic",
            qdevice_cfg=GenericQDeviceConfig.perfect_config(num_qubits),
        )


class _PairEntry(ConfigModel):
    """Common part of links and clinks: two stack names, a type and its cfg."""

    stack1: NodeName = Field(description="Name of the first stack.")
    stack2: NodeName = Field(description="Name of the second stack.")
    typ: str
    cfg: Any

    _REGISTRY: ClassVar[Mapping[str, type[ConfigModel]]] = {}
    _BASE: ClassVar[type[ConfigModel]] = ConfigModel
    _OPTIONAL: ClassVar[set[str]] = set()

    @classmethod
    def _kwargs(cls) -> dict[str, Any]:
        return {
            "typ_key": "typ",
            "cfg_key": "cfg",
            "registry": cls._REGISTRY,
            "base": cls._BASE,
            "kind": "typ",
            "empty_means_defaults": cls._OPTIONAL,
        }

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        data = super()._prepare(data, problems)
        for key in ("stack1", "stack2"):
            value = data.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                data[key] = str(value)
        _build_typed(data, problems, **cls._kwargs())
        return data

    def _coerce_assignment(self, name: str, value: Any) -> Any:
        if name == "cfg":
            return _coerce_typed(
                self,
                "typ",
                "cfg",
                value,
                **{k: v for k, v in self._kwargs().items() if k not in ("typ_key", "cfg_key")},
            )
        return value

    def _cross_problems(self) -> list[Problem]:
        out: list[Problem] = []
        if self.stack1 == self.stack2:
            out.append(Problem(("stack2",), ("stack2",), _self_message(self.stack1)))
        expected = self._REGISTRY.get(self.typ)
        if expected is None:
            message = unknown_message("typ", self.typ, self._REGISTRY)
            out.append(Problem(("typ",), ("typ",), message))
        elif not isinstance(self.cfg, expected):
            out.append(
                Problem(
                    ("cfg",),
                    ("cfg",),
                    f"is a {type(self.cfg).__name__}, but typ {self.typ!r} needs a "
                    f"{expected.__name__}",
                )
            )
        return out

    @property
    def node1(self) -> str:
        """``stack1`` under netsquid-netbuilder's newer name."""
        return self.stack1

    @property
    def node2(self) -> str:
        """``stack2`` under netsquid-netbuilder's newer name."""
        return self.stack2

    @property
    def pair(self) -> frozenset[str]:
        """The two stack names, unordered."""
        return frozenset((self.stack1, self.stack2))

    def connects(self, a: str, b: str) -> bool:
        """True if this entry connects stacks ``a`` and ``b`` (either order)."""
        return {self.stack1, self.stack2} == {a, b} and a != b


class LinkConfig(_PairEntry):
    """An entanglement link between two stacks."""

    typ: str = Field(description=f"Link model: one of {', '.join(LINK_TYPES)}.")
    cfg: SerializeAsAny[LinkCfg] = Field(
        description="Link parameters; fields depend on typ (may be omitted for 'perfect')."
    )
    cost: LinkCost = Field(
        default=DEFAULT_LINK_COST,
        description="netqsim extension: weight of the link in shortest-path routing (> 0).",
    )

    _REGISTRY: ClassVar[Mapping[str, type[ConfigModel]]] = LINK_TYPES
    _BASE: ClassVar[type[ConfigModel]] = LinkCfg
    _OPTIONAL: ClassVar[set[str]] = LINK_TYPES_WITHOUT_CFG

    @property
    def model_typ(self) -> str:
        """The link model name (``heralded`` -> ``heralded-double-click``)."""
        return canonical_link_typ(self.typ)

    @classmethod
    def perfect_config(cls, stack1: str, stack2: str) -> LinkConfig:
        """A perfect link with default delay (SquidASM's ``LinkConfig.perfect_config``)."""
        return cls(stack1=stack1, stack2=stack2, typ="perfect", cfg=PerfectLinkConfig())


class CLinkConfig(_PairEntry):
    """A classical link between two stacks."""

    typ: str = Field(description=f"Classical link model: one of {', '.join(CLINK_TYPES)}.")
    cfg: SerializeAsAny[CLinkCfg] = Field(
        description="Classical link parameters; fields depend on typ (may be omitted for "
        "'instant')."
    )

    _REGISTRY: ClassVar[Mapping[str, type[ConfigModel]]] = CLINK_TYPES
    _BASE: ClassVar[type[ConfigModel]] = CLinkCfg
    _OPTIONAL: ClassVar[set[str]] = CLINK_TYPES_WITHOUT_CFG

    def delay_ns(self) -> float:
        """One-way delay of every message on this link [ns]."""
        return self.cfg.delay_ns()

    @classmethod
    def perfect_config(cls, stack1: str, stack2: str) -> CLinkConfig:
        """An instant classical link."""
        return cls(stack1=stack1, stack2=stack2, typ="instant", cfg=InstantCLinkConfig())


# --------------------------------------------------------------------------- network


def _is_name(value: Any) -> bool:
    """A usable node name in a label (blank names are reported by the models)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return False
    return bool(str(value).strip())


def _entry_label(section: str, index: int, entry: Any) -> str:
    if section == "stacks":
        name = (
            entry.name
            if isinstance(entry, StackConfig)
            else (entry.get("name") if isinstance(entry, Mapping) else None)
        )
        return f"stacks[{index}] ({name})" if _is_name(name) else f"stacks[{index}]"
    a: Any
    b: Any
    if isinstance(entry, _PairEntry):
        a, b = entry.stack1, entry.stack2
    elif isinstance(entry, Mapping):
        a, b = entry.get("stack1"), entry.get("stack2")
    else:
        a = b = None
    if _is_name(a) and _is_name(b):
        return f"{section}[{index}] ({a}-{b})"
    return f"{section}[{index}]"


def _field(entry: Any, key: str) -> Any:
    """A node name field of a raw or built entry (``None`` if blank: reported elsewhere)."""
    if isinstance(entry, ConfigModel):
        value = getattr(entry, key, None)
    elif isinstance(entry, Mapping):
        value = entry.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
    else:
        return None
    return value if not isinstance(value, str) or value.strip() else None


def topology_problems(
    stacks: list[Any], links: list[Any] | None, clinks: list[Any] | None
) -> list[Problem]:
    """Duplicate stack names, entries naming unknown stacks, duplicate pairs.

    Works on raw mappings and on built entries alike, so one bad entry does not
    hide the others' problems.
    """
    out: list[Problem] = []
    first_index: dict[str, int] = {}
    for i, entry in enumerate(stacks):
        name = _field(entry, "name")
        if not isinstance(name, str):
            continue
        label = _entry_label("stacks", i, entry)
        if name in first_index:
            out.append(
                Problem(
                    ("stacks", i, "name"),
                    (label, "name"),
                    f"duplicate stack name {name!r} (also stacks[{first_index[name]}])",
                )
            )
        else:
            first_index[name] = i
    names = list(first_index)
    for section, entries in (("links", links), ("clinks", clinks)):
        seen: dict[frozenset[str], int] = {}
        for i, entry in enumerate(entries or []):
            label = _entry_label(section, i, entry)
            ends = [_field(entry, "stack1"), _field(entry, "stack2")]
            ok = True
            if isinstance(ends[0], str) and ends[0] == ends[1]:
                out.append(
                    Problem((section, i, "stack2"), (label, "stack2"), _self_message(ends[0]))
                )
            for key, value in zip(("stack1", "stack2"), ends, strict=True):
                if isinstance(value, str) and value not in first_index:
                    ok = False
                    out.append(
                        Problem(
                            (section, i, key), (label, key), unknown_message("stack", value, names)
                        )
                    )
            if not ok or not all(isinstance(e, str) for e in ends) or ends[0] == ends[1]:
                continue
            pair = frozenset(ends)
            if pair in seen:
                a, b = sorted(pair)
                out.append(
                    Problem(
                        (section, i),
                        (label,),
                        f"duplicate {section[:-1]} between {a} and {b} "
                        f"(also {section}[{seen[pair]}])",
                    )
                )
            else:
                seen[pair] = i
    return out


def _layer_problems(
    layer: NetworkLayerConfig, stacks: list[Any], links: list[Any] | None
) -> list[Problem]:
    """Problems of the pinned paths and the cutoff against the (built) stacks and links."""
    names = [s.name for s in stacks if isinstance(s, StackConfig)]
    entries = [e for e in links or [] if isinstance(e, LinkConfig)]
    return [*path_problems(layer, names, [e.pair for e in entries]),
            *cutoff_problems(layer, [(e.stack1, e.stack2, e.cfg) for e in entries])]


class StackNetworkConfig(ConfigModel):
    """A whole network: stacks, entanglement links and (optional) classical links.

    Loads SquidASM's YAML files unchanged (:meth:`from_file`); every problem in
    a file is reported at once in one :class:`ConfigError`.
    """

    stacks: list[StackConfig] = Field(description="The end nodes.")
    links: list[LinkConfig] = Field(
        default_factory=list, description="Entanglement links between pairs of stacks."
    )
    clinks: list[CLinkConfig] | None = Field(
        default=None,
        description="Classical links; missing, null or empty connects every pair with an "
        "instant link.",
    )
    network_layer: NetworkLayerConfig | None = Field(
        default=None,
        description="netqsim extension: policies of the network layer (pairs between nodes "
        "without a link); null: the defaults.",
    )

    _cross_in_prepare: ClassVar[bool] = True

    _SECTIONS: ClassVar[dict[str, type[ConfigModel]]] = {
        "stacks": StackConfig,
        "links": LinkConfig,
        "clinks": CLinkConfig,
    }

    @classmethod
    def _build_section(
        cls, section: str, entries: list[Any], problems: Problems, *, check_given: bool = False
    ) -> list[Any]:
        """Config objects for ``entries`` (mappings are built, objects kept).

        With ``check_given`` (at construction, not on assignment) the cross-field
        rules of objects passed in ready-made are checked as well.
        """
        entry_cls = cls._SECTIONS[section]
        built: list[Any] = []
        for i, entry in enumerate(entries):
            loc: Loc = (section, i)
            label = _entry_label(section, i, entry)
            if isinstance(entry, entry_cls):
                if check_given:
                    problems.items.extend(
                        p.prefixed(loc, (label,)) for p in entry._all_cross_problems()
                    )
                built.append(entry)
            elif isinstance(entry, Mapping):
                try:
                    built.append(entry_cls(**{str(k): v for k, v in entry.items()}))
                except ConfigError as exc:
                    problems.add_nested(exc, loc, (label,))
            else:
                problems.add(
                    loc,
                    f"must be a mapping of {entry_cls.__name__} fields "
                    f"(got {type(entry).__name__})",
                    (label,),
                )
        return built

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        data = super()._prepare(data, problems)
        raw: dict[str, list[Any] | None] = {}
        for section in cls._SECTIONS:
            entries = data.get(section)
            if not isinstance(entries, list):
                raw[section] = None
                continue  # missing / null / wrong type: pydantic reports it
            raw[section] = entries
            data[section] = cls._build_section(section, entries, problems, check_given=True)
        seen = {(p.loc, p.message) for p in problems.items}
        for problem in topology_problems(raw["stacks"] or [], raw["links"], raw["clinks"]):
            if (problem.loc, problem.message) not in seen:
                problems.items.append(problem)
            problems.reported.add(str(problem.loc[0]))
        if "network_layer" in data:
            layer = data["network_layer"] = build_network_layer(data["network_layer"], problems)
            if layer is not None and isinstance(data.get("stacks"), list):
                problems.items.extend(_layer_problems(layer, data["stacks"], data.get("links")))
            problems.reported.add("network_layer")
        return data

    def _coerce_assignment(self, name: str, value: Any) -> Any:
        if name == "network_layer":
            problems = Problems()
            value = build_network_layer(value, problems)
            if problems:
                raise ConfigError(problems.items)
            return value
        if name in self._SECTIONS and isinstance(value, list):
            problems = Problems()
            value = self._build_section(name, value, problems)
            if problems:
                raise ConfigError(problems.items)
        return value

    def _cross_problems(self) -> list[Problem]:
        out: list[Problem] = []
        for section in ("stacks", "links", "clinks"):
            for i, entry in enumerate(getattr(self, section) or []):
                label = _entry_label(section, i, entry)
                out.extend(
                    p.prefixed((section, i), (label,)) for p in entry._all_cross_problems()
                )
        seen = {(p.loc, p.message) for p in out}
        topo = topology_problems(self.stacks, self.links, self.clinks)
        out += [p for p in topo if (p.loc, p.message) not in seen]
        if self.network_layer is not None:
            out += _layer_problems(self.network_layer, self.stacks, self.links)
        return out

    # -- queries -----------------------------------------------------------------------

    @property
    def stack_names(self) -> list[str]:
        """Names of all stacks, in order."""
        return [s.name for s in self.stacks]

    def stack(self, name: str) -> StackConfig:
        """The stack called ``name`` (``KeyError`` if none)."""
        for s in self.stacks:
            if s.name == name:
                return s
        raise KeyError(name)

    def link_between(self, a: str, b: str) -> LinkConfig | None:
        """The entanglement link between ``a`` and ``b`` (either order), if any."""
        return next((link for link in self.links if link.connects(a, b)), None)

    def clink_between(self, a: str, b: str) -> CLinkConfig | None:
        """The classical link between ``a`` and ``b``, after the all-instant default."""
        if self.clinks:
            return next((c for c in self.clinks if c.connects(a, b)), None)
        names = self.stack_names
        if a == b or a not in names or b not in names:
            return None
        return CLinkConfig(stack1=a, stack2=b, typ="instant", cfg=InstantCLinkConfig())

    def effective_clinks(self) -> list[CLinkConfig]:
        """The classical links to build: ``clinks``, or instant links between all pairs.

        As in SquidASM, a missing, ``null`` or empty ``clinks`` list means every
        pair of stacks is connected by an ``instant`` link.
        """
        if self.clinks:
            return list(self.clinks)
        return [
            CLinkConfig(stack1=a, stack2=b, typ="instant", cfg=InstantCLinkConfig())
            for a, b in itertools.combinations(self.stack_names, 2)
        ]

    def validate_all(self) -> None:
        """The same as :meth:`validate` (the whole network, every entry and cfg)."""
        self.validate()


#: netqsim's name for the SquidASM class.
NetworkConfig = StackNetworkConfig
