"""What a sweep file refers to: the network, program classes, generators, paths and values.

The entries come from :mod:`~netqsim.experiments.spec_models`; here they are
resolved against the base directory, the network and each other. Every
function adds its problems to a :class:`~netqsim.config.base.Problems` and
returns what is valid, so that one run of ``netqsim validate`` lists
everything. Problems are located at their entry, labelled as in network
configs (``parameters[1] (links[0].cfg.fidelity)``, ``programs.Alice``).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.config.base import Loc, Problem, Problems, render_loc, unknown_message

from . import generators as gen
from .paths import PathError, get_value, locate, parse_path, set_values
from .program_args import ProgramSpec, apply_program_args, program_slot, step_text
from .programs import (
    ProgramRef,
    ProgramRefError,
    _import_module,
    _module_from_file,
    check_args,
    parse_ref,
    resolve,
)
from .seeds import canonical
from .spec_models import (
    RESERVED_COLUMNS,
    Metric,
    MetricEntry,
    Parameter,
    ParameterEntry,
    ProgramEntry,
    ZipGroup,
    build_entry,
)


def load_network(value: Any, base_dir: Path, problems: Problems) -> StackNetworkConfig | None:
    """The network: a config object, a config file (relative to ``base_dir``) or a mapping."""
    if isinstance(value, StackNetworkConfig):
        return value
    if isinstance(value, Mapping):
        try:
            return StackNetworkConfig.from_dict(dict(value))
        except ConfigError as exc:
            problems.add_nested(exc, ("network",), ("network",))
            return None
    if not isinstance(value, (str, PathLike)):
        problems.add(("network",), f"must be a config file path or a mapping (got {value!r})")
        return None
    path = Path(value) if Path(value).is_absolute() else base_dir / value
    if not path.is_file():
        problems.add(("network",), f"config file {path} does not exist")
        return None
    try:
        return StackNetworkConfig.from_file(path)
    except ConfigError as exc:
        # located at the sweep file's network key; lines are those of the network file
        problems.items.extend(Problem(("network",), (f"network ({path})", *p.parts), p.message,
                                      p.line) for p in exc.details)
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(("network",), f"cannot read config file {path} ({exc})")
    return None


def build_programs(raw: Mapping[str, Any], network: StackNetworkConfig | None, base_dir: Path,
                   problems: Problems) -> dict[str, list[ProgramSpec]]:
    """The programs of each node whose entries are all valid."""
    out: dict[str, list[ProgramSpec]] = {}
    nodes = network.stack_names if network is not None else None
    for node, entry in raw.items():
        label = f"programs.{node}"
        if nodes is not None and node not in nodes:
            problems.add(("programs", node),
                         unknown_message("node", node, nodes) + " of the network", (label,))
            continue
        items = entry if isinstance(entry, list) else [entry]
        if not items:
            problems.add(("programs", node), "empty list of programs", (label,))
        specs = []
        for i, item in enumerate(items):
            loc: Loc = ("programs", node, i) if isinstance(entry, list) else ("programs", node)
            lab = f"{label}[{i}]" if isinstance(entry, list) else label
            spec = _program(loc, lab, item, base_dir, problems)
            if spec is not None:
                specs.append(spec)
        if items and len(specs) == len(items):
            out[node] = specs
    return out


def _program(loc: Loc, label: str, raw: Any, base_dir: Path,
             problems: Problems) -> ProgramSpec | None:
    if isinstance(raw, str) or inspect.isclass(raw):
        raw = {"program": raw}
    entry = build_entry(ProgramEntry, raw, loc, label, problems)
    if entry is None:
        return None
    try:
        ref = parse_ref(entry.reference, base_dir)
        cls = resolve(ref, base_dir)
    except ProgramRefError as exc:
        problems.add(loc, str(exc), (label,))
        return None
    args = entry.args or {}
    reason = check_args(cls, args)
    if reason is not None:
        problems.add((*loc, "args"), reason, (label,))
        return None
    return ProgramSpec(ref, {k: _yaml_number(v) for k, v in args.items()})


def _yaml_number(value: Any) -> Any:
    """Numeric strings (YAML 1.1 reads ``1e5`` as a string) become numbers, recursively."""
    if isinstance(value, list):
        return [_yaml_number(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _yaml_number(v) for k, v in value.items()}
    return gen._plain(value)


def build_parameters(raw: list[Any], combine: str, problems: Problems
                     ) -> tuple[list[Parameter], list[list[Parameter]]]:
    """The valid parameters and the grid layout (each inner list: one zipped axis)."""
    params: list[Parameter] = []
    layout: list[list[Parameter]] = []
    for i, raw_entry in enumerate(raw):
        loc: Loc = ("parameters", i)
        if not (isinstance(raw_entry, Mapping) and "zip" in raw_entry):
            param = _parameter(raw_entry, loc, f"parameters[{i}]", combine == "random", problems)
            group = [param] if param is not None else []
        elif build_entry(ZipGroup, raw_entry, loc, f"parameters[{i}]", problems) is None:
            continue
        elif combine != "grid":
            problems.add(loc, f"zip groups are for combine: grid (this sweep combines with "
                         f"{combine})")
            continue
        else:
            members = raw_entry["zip"]
            group = [p for j, member in enumerate(members) if (p := _parameter(
                member, (*loc, "zip", j), f"parameters[{i}].zip[{j}]", False, problems))]
            if len(group) != len(members):
                continue
        if group:
            params.extend(group)
            layout.append(group)
    return params, layout


def _parameter(raw: Any, loc: Loc, prefix: str, random_mode: bool,
               problems: Problems) -> Parameter | None:
    path_text = raw.get("path") if isinstance(raw, Mapping) else None
    label = f"{prefix} ({path_text})" if isinstance(path_text, str) else prefix
    entry = build_entry(ParameterEntry, raw, loc, label, problems)
    if entry is None:
        return None
    kind = entry.kind
    spec = getattr(entry, kind)
    try:
        if kind in gen.LIST_GENERATORS:
            gen.list_values(kind, spec)
        else:
            gen.check_random(kind, spec, with_num=not random_mode)
    except gen.GeneratorError as exc:
        problems.add((*loc, kind), str(exc), (label,))
        return None
    path = parse_path(entry.path)
    return Parameter(entry.name or path.leaf, path, kind, spec, loc)


def _label(p: Parameter) -> tuple[str]:
    return (f"{'.'.join(render_loc(p.loc))} ({p.path})",)


def check_names(params: list[Parameter], problems: Problems) -> None:
    """Column names: not reserved, not used twice; no path swept twice."""
    first: dict[str, Parameter] = {}
    paths: set[str] = set()
    leaves = [p.path.leaf for p in params]
    for p in params:
        if p.name in RESERVED_COLUMNS:
            problems.add((*p.loc, "name"), f"{p.name!r} is a reserved column name "
                         f"({', '.join(RESERVED_COLUMNS)}); give the parameter a name:",
                         _label(p))
        if p.name in first:
            hint = " (two paths end in the same key: give each a name:)" if (
                leaves.count(p.name) > 1) else ""
            problems.add(p.loc, f"column name {p.name!r} is already used by "
                         f"{first[p.name].path}{hint}", _label(p))
        first.setdefault(p.name, p)
        if str(p.path) in paths:
            problems.add(p.loc, f"path {p.path} is swept twice", _label(p))
        paths.add(str(p.path))


def build_metrics(raw: list[Any], base_dir: Path, problems: Problems) -> list[Metric]:
    """The valid metrics (names unique, functions importable)."""
    out: list[Metric] = []
    names: set[str] = set()
    for i, raw_entry in enumerate(raw):
        loc: Loc = ("metrics", i)
        name = raw_entry.get("name") if isinstance(raw_entry, Mapping) else None
        label = f"metrics[{i}] ({name})" if isinstance(name, str) and name else f"metrics[{i}]"
        entry = build_entry(MetricEntry, raw_entry, loc, label, problems)
        if entry is None:
            continue
        if entry.name in names:
            problems.add((*loc, "name"), f"metric {entry.name!r} is defined twice", (label,))
            continue
        names.add(entry.name)
        try:
            func = None if entry.function is None else function_ref(entry.function, base_dir)
        except ProgramRefError as exc:
            problems.add((*loc, "function"), str(exc), (label,))
            continue
        out.append(Metric(entry.name, entry.column, entry.node, entry.reduce, func))
    return out


def function_ref(value: Any, base_dir: Path) -> ProgramRef:
    """The reference of a metric function (``module:function`` or a callable), imported once."""
    if callable(value) and not isinstance(value, str):
        return ProgramRef(name=getattr(value, "__qualname__", "function"), obj=value)
    ref = parse_ref(value, base_dir)
    obj = load_function(ref, base_dir)
    if not callable(obj) or inspect.isclass(obj):
        raise ProgramRefError(f"{ref.text} is not a function")
    return ref


def load_function(ref: ProgramRef, base_dir: Path) -> Any:
    """The callable a metric's ``function`` names."""
    if ref.obj is not None:
        return ref.obj
    module = _module_from_file(ref.file) if ref.file else _import_module(str(ref.module), base_dir)
    return getattr(module, ref.name, None)


def check_values(parameters: list[Parameter], points: list[Any], base: dict[str, Any],
                 programs: dict[str, list[ProgramSpec]], base_dir: Path, problems: Problems,
                 skip_nodes: frozenset[str] | set[str] | None = frozenset()) -> None:
    """Apply each parameter's values (from ``points``) alone to the base config or program.

    ``base`` is the base network config as plain data. Program parameters of
    nodes in ``skip_nodes`` (all, if ``None``) are not checked: their program
    entry has problems of its own.
    """
    for p in parameters:
        head = p.path.steps[0].selectors
        if p.target == "programs" and (skip_nodes is None or (head and head[0] in skip_nodes)):
            continue
        values = list({json.dumps(canonical(pt.params[p.name]), sort_keys=True, default=str):
                       pt.params[p.name] for pt in points}.values())  # each distinct value once
        try:
            attempt = (_network_attempt(p, base, values) if p.target == "network"
                       else _program_attempt(programs, base_dir, p))
        except PathError as exc:
            problems.add((*p.loc, "path"), str(exc), _label(p))
            continue
        bad = [f"value {v!r}: {why}" for v in values if (why := attempt(v))]
        if bad:
            more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
            problems.add(p.loc, "; ".join(bad[:3]) + more, _label(p))


def _network_attempt(p: Parameter, base: dict[str, Any],
                     values: list[Any]) -> Callable[[Any], str | None]:
    """What is wrong with the network config when ``p`` takes a value."""
    original = get_value(base, p.path)
    if isinstance(original, (Mapping, list)) and not any(
            isinstance(v, type(original)) for v in values):
        raise PathError(f"{p.path} is a {type(original).__name__}, not a single value; "
                        "address a field inside it")

    def attempt(value: Any) -> str | None:
        try:
            StackNetworkConfig.from_dict(set_values(base, [(p.path, value)]))
        except ConfigError as exc:
            return "; ".join(exc.problems)
        return None

    return attempt


def _program_attempt(programs: dict[str, list[ProgramSpec]], base_dir: Path,
                     p: Parameter) -> Callable[[Any], str | None]:
    """What goes wrong constructing the program when ``p`` takes a value."""
    node, index, key = program_slot(programs, p.path)
    prog = programs[node][index]
    cls = resolve(prog.ref, base_dir)
    if len(p.path.steps) == 3 and not p.path.steps[2].selectors:
        reason = check_args(cls, {**prog.args, key: None})
        if reason is not None:
            raise PathError(reason)
    else:
        try:
            locate(prog.args, parse_path(".".join(step_text(s) for s in p.path.steps[2:])))
        except PathError as exc:
            raise PathError(f"in programs[{node}].args: {exc}") from None

    def attempt(value: Any) -> str | None:
        try:
            cls(**apply_program_args(programs, [(p.path, value)])[node][index].args)
        except Exception as exc:  # the program's own validation: any exception
            return f"{cls.__name__}(...) raised {type(exc).__name__}: {exc}"
        return None

    return attempt
