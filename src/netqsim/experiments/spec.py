"""Sweep files: parsing and validation (every problem reported before anything runs).

The format is documented in ``docs/sweeps.md``. :func:`load_sweep` reads a
file, :func:`sweep_from_dict` takes the same data as a mapping (network and
program classes may then be Python objects). Both return a :class:`SweepSpec`
or raise :class:`SweepError` listing every problem, each naming its entry::

    parameters[1] (stacks[Alice].qdevice_cfg.T3): unknown key 'T3'; did you mean 'T2'? (line 14)

Validation covers the structure (unknown keys with suggestions, types), the
network config, the program classes and their constructor arguments, every
parameter path and every swept value (each value is applied to the base
config and validated by the config models; program arguments are checked
against the constructor's signature and the program is constructed once per
value).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.config.base import Loc, render_loc, unknown_message
from netqsim.config.loading import YamlDocument, parse_yaml
from netqsim.runtime.run import MODES

from . import generators as gen
from .paths import ParamPath, PathError, get_value, locate, parse_path, set_values
from .programs import ProgramRef, ProgramRefError, check_args, parse_ref, resolve
from .seeds import canonical, point_seed

TOP_KEYS = (
    "name", "description", "network", "programs", "parameters", "combine", "samples",
    "sampling_seed", "num_times", "seed", "mode", "formalism", "metrics", "confidence",
)
PARAM_KEYS = ("path", "name", *gen.GENERATORS)
PROGRAM_KEYS = ("program", "file", "class", "args")
METRIC_KEYS = ("name", "column", "node", "function", "reduce")
REDUCERS = ("mean", "sum", "min", "max", "std", "count")
FORMALISMS = ("dm", "ket", "stab")
#: Column names of the result table that parameters cannot use.
#: The column that holds a failed point's error (``None`` for points that ran).
ERROR = "point_error"
RESERVED_COLUMNS = ("point", "seed", "iteration", "node", ERROR)


class SweepError(ValueError):
    """An invalid sweep file; ``problems`` lists every problem (``entry: message``)."""

    def __init__(self, problems: Sequence[str], *, file: str | None = None) -> None:
        self.problems = list(problems)
        self.file = file
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f" {self.file}" if self.file else ""
        n = len(self.problems)
        head = f"invalid sweep file{where} ({n} problem{'s' if n != 1 else ''}):"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


@dataclass(frozen=True)
class Parameter:
    """One swept parameter: a column name, a path and a generator."""

    name: str
    path: ParamPath
    kind: str  # generator name
    spec: Any  # generator arguments
    loc: Loc  # where it is in the sweep file

    @property
    def target(self) -> str:
        return self.path.target


@dataclass(frozen=True)
class ProgramSpec:
    """A program of one node: class reference and constructor arguments."""

    ref: ProgramRef
    args: dict[str, Any]


@dataclass(frozen=True)
class Metric:
    """A reduction of one point's results: a column's mean (default) or a function."""

    name: str
    column: str | None = None
    node: str | None = None
    reduce: str = "mean"
    function: ProgramRef | None = None


@dataclass(frozen=True)
class Point:
    """One point of the sweep: its index, parameter values and seed."""

    index: int
    params: dict[str, Any]
    seed: int


@dataclass(frozen=True)
class PointTask:
    """Everything a worker needs to run one point (plain, picklable data)."""

    index: int
    seed: int
    params: dict[str, Any]
    network: dict[str, Any]
    programs: dict[str, list[ProgramSpec]]
    num_times: int
    mode: str
    formalism: str
    base_dir: str


@dataclass
class SweepSpec:
    """A validated sweep: base network, programs, parameters, points and run settings."""

    network: StackNetworkConfig
    programs: dict[str, list[ProgramSpec]]
    parameters: list[Parameter]
    axes_layout: list[list[Parameter]]  # grid axes; each inner list is zipped
    combine: str
    num_times: int
    seed: int
    mode: str = "shared"
    formalism: str = "dm"
    samples: int | None = None
    sampling_seed: int | None = None
    metrics: list[Metric] = field(default_factory=list)
    confidence: float = 0.95
    name: str | None = None
    description: str | None = None
    base_dir: Path = field(default_factory=Path.cwd)
    file: str | None = None
    text: str | None = None
    _points: list[Point] | None = field(default=None, repr=False)

    # -- points -----------------------------------------------------------------------

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def points(self) -> list[Point]:
        """Every point, in sweep order, with its parameter values and seed."""
        if self._points is None:
            self._points = _expand(self)
        return self._points

    def __len__(self) -> int:
        return len(self.points())

    def network_data(self) -> dict[str, Any]:
        """The base network config as plain data."""
        return self.network.to_dict()

    def task(self, point: Point, base: dict[str, Any] | None = None) -> PointTask:
        """The work item for ``point`` (``base``: :meth:`network_data`, to save rebuilding it)."""
        base = self.network_data() if base is None else base
        net_assign = [(p.path, point.params[p.name]) for p in self.parameters
                      if p.target == "network"]
        prog_assign = [(p.path, point.params[p.name]) for p in self.parameters
                       if p.target == "programs"]
        return PointTask(
            index=point.index, seed=point.seed, params=dict(point.params),
            network=set_values(base, net_assign) if net_assign else copy.deepcopy(base),
            programs=_apply_program_args(self.programs, prog_assign),
            num_times=self.num_times, mode=self.mode, formalism=self.formalism,
            base_dir=str(self.base_dir),
        )

    def tasks(self, skip: set[int] | frozenset[int] = frozenset()) -> list[PointTask]:
        """Work items for every point whose index is not in ``skip``."""
        base = self.network_data()
        return [self.task(p, base) for p in self.points() if p.index not in skip]

    def fingerprint(self) -> str:
        """Hash of everything that determines the results (not metrics or names).

        A results folder is resumed only by a sweep with the same fingerprint.
        """
        data = {
            "network": self.network_data(),
            "programs": {
                node: [{"ref": s.ref.text, "args": canonical(s.args)} for s in specs]
                for node, specs in self.programs.items()
            },
            "points": [[p.index, canonical(p.params), p.seed] for p in self.points()],
            "num_times": self.num_times, "mode": self.mode, "formalism": self.formalism,
        }
        text = json.dumps(data, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def describe(self) -> str:
        """One line: points, iterations, parameters."""
        params = ", ".join(self.parameter_names) or "no parameters"
        n = len(self)
        return (f"{n} point{'s' if n != 1 else ''} x {self.num_times} iteration"
                f"{'s' if self.num_times != 1 else ''} ({self.combine}: {params})")

    def run(self, **kwargs: Any) -> Any:
        """Run the sweep; see :func:`netqsim.experiments.run_sweep`."""
        from .runner import run_sweep

        return run_sweep(self, **kwargs)


# ------------------------------------------------------------------------- expansion


def _param_values(param: Parameter, rng: np.random.Generator) -> list[Any]:
    if param.kind in gen.LIST_GENERATORS:
        return gen.list_values(param.kind, param.spec)
    return gen.draw(param.kind, param.spec, rng, int(param.spec["num"]))


def _expand(spec: SweepSpec) -> list[Point]:
    sampling = spec.sampling_seed if spec.sampling_seed is not None else spec.seed
    rng = np.random.default_rng(np.random.SeedSequence([int(sampling), 0x5EED]))
    if not spec.parameters:
        raw: list[dict[str, Any]] = [{}]
    elif spec.combine == "random":
        samples = int(spec.samples or 1)
        columns = {p.name: gen.draw(p.kind, p.spec, rng, samples) for p in spec.parameters}
        raw = [{name: columns[name][i] for name in columns} for i in range(samples)]
    elif spec.combine == "zip":
        axis = gen.zip_axes(spec.parameter_names,
                            [_param_values(p, rng) for p in spec.parameters])
        raw = gen.grid([axis])
    else:
        axes = [
            gen.zip_axes([p.name for p in group], [_param_values(p, rng) for p in group])
            for group in spec.axes_layout
        ]
        raw = gen.grid(axes)
    seen: dict[str, int] = {}
    points = []
    for index, params in enumerate(raw):
        key = json.dumps(canonical(params), sort_keys=True)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        points.append(Point(index, params, point_seed(spec.seed, params, occurrence)))
    return points


def _program_slot(programs: Mapping[str, list[Any]], path: ParamPath) -> tuple[str, int, str]:
    """(node, program index, first argument key) that a ``programs[...]`` path addresses."""
    steps = path.steps
    head = steps[0]
    if not head.selectors or not isinstance(head.selectors[0], str):
        raise PathError(f"{path}: program paths look like programs[NODE].args.NAME")
    node = head.selectors[0]
    if node not in programs:
        raise PathError(
            f"{path}: " + unknown_message("node", node, list(programs)).replace(
                "unknown node", "no program for node")
        )
    specs = programs[node]
    index = 0
    if len(head.selectors) > 1:
        sel = head.selectors[1]
        if not isinstance(sel, int) or not -len(specs) <= sel < len(specs):
            raise PathError(f"{path}: node {node} has {len(specs)} program(s); "
                            f"[{sel}] is not one of them")
        index = sel % len(specs)
    elif len(specs) > 1:
        raise PathError(f"{path}: node {node} runs {len(specs)} programs; say which, e.g. "
                        f"programs[{node}][0].args.NAME")
    if len(head.selectors) > 2 or len(steps) < 3 or steps[1].key != "args" or steps[1].selectors:
        raise PathError(f"{path}: program paths look like programs[{node}].args.NAME")
    return node, index, steps[2].key


def _apply_program_args(
    programs: Mapping[str, list[ProgramSpec]], assignments: Sequence[tuple[ParamPath, Any]]
) -> dict[str, list[ProgramSpec]]:
    out = {node: list(specs) for node, specs in programs.items()}
    for path, value in assignments:
        node, index, key = _program_slot(out, path)
        spec = out[node][index]
        args = copy.deepcopy(spec.args)
        if len(path.steps) == 3 and not path.steps[2].selectors:
            args[key] = value
        else:
            rest = parse_path(".".join(_step_text(s) for s in path.steps[2:]))
            args = set_values(args, [(rest, value)])
        out[node][index] = ProgramSpec(spec.ref, args)
    return out


def _step_text(step: Any) -> str:
    return step.key + "".join(f"[{s}]" for s in step.selectors)


# ------------------------------------------------------------------------- validation


class _Problems:
    def __init__(self, doc: YamlDocument | None) -> None:
        self.doc = doc
        self.items: list[str] = []
        self.lines: list[int | None] = []

    def add(self, loc: Loc, message: str, label: str | None = None) -> None:
        where = label if label is not None else (".".join(render_loc(loc)) or "<root>")
        text = f"{where}: {message}"
        line = self.doc.line_of(loc) if self.doc is not None else None
        if line is not None:
            text += f" (line {line})"
        self.append(text, line)

    def append(self, text: str, line: int | None = None) -> None:
        self.items.append(text)
        self.lines.append(line)

    def sorted(self) -> list[str]:
        """The problems in file order (those without a line first)."""
        order = sorted(range(len(self.items)), key=lambda i: (self.lines[i] or 0, i))
        return [self.items[i] for i in order]


def _int_field(data: Mapping[str, Any], key: str, problems: _Problems, *, minimum: int,
               required: bool, default: int | None = None) -> int | None:
    if key not in data or data[key] is None:
        if required:
            problems.add((key,), "required field is missing")
        return default
    value = data[key]
    if isinstance(value, str):
        try:
            value = int(value.replace("_", ""))
        except ValueError:
            pass
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        problems.add((key,), f"must be an integer (got {data[key]!r})")
        return default
    if value < minimum:
        problems.add((key,), f"must be >= {minimum} (got {value})")
        return default
    return value


def _choice(data: Mapping[str, Any], key: str, allowed: Sequence[str], default: str,
            problems: _Problems) -> str:
    value = data.get(key, default)
    if value is None:
        return default
    if value not in allowed:
        problems.add((key,), unknown_message(key, value, allowed).replace(f"unknown {key}",
                                                                         "unknown value"))
        return default
    return str(value)


def _load_network(value: Any, base_dir: Path, problems: _Problems) -> StackNetworkConfig | None:
    if value is None:
        problems.add(("network",), "required field is missing (a config file path or an "
                     "inline network mapping)")
        return None
    try:
        if isinstance(value, StackNetworkConfig):
            return value
        if isinstance(value, (str, PathLike)):
            path = Path(value)
            if not path.is_absolute():
                path = base_dir / path
            if not path.is_file():
                problems.add(("network",), f"config file {path} does not exist")
                return None
            return StackNetworkConfig.from_file(path)
        if isinstance(value, Mapping):
            return StackNetworkConfig.from_dict(dict(value))
        problems.add(("network",), f"must be a config file path or a mapping (got {value!r})")
    except ConfigError as exc:
        where = f" ({exc.file})" if exc.file else ""
        for problem in exc.details:
            if isinstance(value, Mapping):
                problems.add(("network", *problem.loc), problem.message,
                             label=f"network.{problem.path}")
            else:
                line = f" (line {problem.line})" if problem.line is not None else ""
                problems.append(f"network{where}: {problem.path}: {problem.message}{line}",
                                problems.doc.line_of(("network",)) if problems.doc else None)
    return None


def _parse_program(node: str, loc: Loc, raw: Any, base_dir: Path, problems: _Problems,
                   label: str) -> ProgramSpec | None:
    args: Any = {}
    if isinstance(raw, (str, type)):
        ref_value: Any = raw
    elif isinstance(raw, Mapping):
        for key in raw:
            if key not in PROGRAM_KEYS:
                problems.add((*loc, key), unknown_message("key", key, PROGRAM_KEYS), label)
        args = raw.get("args") or {}
        if not isinstance(args, Mapping):
            problems.add((*loc, "args"), f"must be a mapping of constructor arguments "
                         f"(got {args!r})", label)
            args = {}
        if "program" in raw and ("file" in raw or "class" in raw):
            problems.add(loc, "give either program: 'module:Class' or file + class, not both",
                         label)
            return None
        if "program" in raw:
            ref_value = raw["program"]
        elif "file" in raw or "class" in raw:
            if not raw.get("file") or not raw.get("class"):
                problems.add(loc, "file and class go together (file: programs.py, "
                             "class: MyProgram)", label)
                return None
            file = str(raw["file"])
            if not file.endswith(".py"):
                problems.add((*loc, "file"), f"must be a .py file (got {file!r})", label)
                return None
            ref_value = f"{file}:{raw['class']}"
        else:
            problems.add(loc, "needs program: 'module:Class' (or file: + class:)", label)
            return None
    else:
        problems.add(loc, f"must be 'module:Class', a mapping with program/args, or a list "
                     f"of those (got {raw!r})", label)
        return None
    try:
        ref = parse_ref(ref_value, base_dir)
        cls = resolve(ref, base_dir)
    except ProgramRefError as exc:
        problems.add(loc, str(exc), label)
        return None
    reason = check_args(cls, args)
    if reason is not None:
        problems.add((*loc, "args"), reason, label)
        return None
    return ProgramSpec(ref, {str(k): _yaml_number(v) for k, v in args.items()})


def _yaml_number(value: Any) -> Any:
    """Numeric strings (YAML 1.1 reads ``1e5`` as a string) become numbers, recursively."""
    if isinstance(value, list):
        return [_yaml_number(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _yaml_number(v) for k, v in value.items()}
    return gen._plain(value)


def _parse_programs(raw: Any, network: StackNetworkConfig | None, base_dir: Path,
                    problems: _Problems) -> dict[str, list[ProgramSpec]]:
    out: dict[str, list[ProgramSpec]] = {}
    if raw is None:
        problems.add(("programs",), "required field is missing (node name -> program)")
        return out
    if not isinstance(raw, Mapping) or not raw:
        problems.add(("programs",), f"must map node names to programs (got {raw!r})")
        return out
    nodes = network.stack_names if network is not None else None
    for node, entry in raw.items():
        node = str(node)
        label = f"programs.{node}"
        if nodes is not None and node not in nodes:
            problems.add(("programs", node),
                         unknown_message("node", node, nodes) + " of the network", label)
            continue
        entries = entry if isinstance(entry, list) else [entry]
        if not entries:
            problems.add(("programs", node), "empty list of programs", label)
            continue
        specs = []
        for i, item in enumerate(entries):
            loc: Loc = ("programs", node, i) if isinstance(entry, list) else ("programs", node)
            lab = f"{label}[{i}]" if isinstance(entry, list) else label
            spec = _parse_program(node, loc, item, base_dir, problems, lab)
            if spec is not None:
                specs.append(spec)
        if len(specs) == len(entries):
            out[node] = specs
    return out


def _parse_param(raw: Any, loc: Loc, problems: _Problems, *, random_mode: bool,
                 label_prefix: str) -> Parameter | None:
    if not isinstance(raw, Mapping):
        problems.add(loc, f"must be a mapping with path and a generator (got {raw!r})")
        return None
    path_text = raw.get("path")
    label = f"{label_prefix} ({path_text})" if isinstance(path_text, str) else label_prefix
    ok = True
    for key in raw:
        if key not in PARAM_KEYS:
            problems.add((*loc, key), unknown_message("key", key, PARAM_KEYS), label)
            ok = False
    if path_text is None:
        problems.add(loc, "needs a path (e.g. links[0].cfg.fidelity)", label)
        return None
    try:
        path = parse_path(path_text)
    except PathError as exc:
        problems.add((*loc, "path"), str(exc), label)
        return None
    kinds = [k for k in gen.GENERATORS if k in raw]
    if len(kinds) != 1:
        what = "no" if not kinds else f"{len(kinds)} ({', '.join(kinds)})"
        problems.add(loc, f"needs exactly one value generator, has {what}; one of "
                     f"{', '.join(gen.GENERATORS)}", label)
        return None
    kind = kinds[0]
    spec = raw[kind]
    try:
        if kind in gen.LIST_GENERATORS:
            gen.list_values(kind, spec)
        else:
            gen.check_random(kind, spec, with_num=not random_mode)
    except gen.GeneratorError as exc:
        problems.add((*loc, kind), str(exc), label)
        ok = False
    name = raw.get("name", path.leaf)
    if not isinstance(name, str) or not name:
        problems.add((*loc, "name"), f"must be a non-empty string (got {name!r})", label)
        ok = False
    return Parameter(str(name), path, kind, spec, loc) if ok else None


def _parse_parameters(raw: Any, combine: str, problems: _Problems
                      ) -> tuple[list[Parameter], list[list[Parameter]]]:
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        problems.add(("parameters",), f"must be a list of parameters (got {raw!r})")
        return [], []
    params: list[Parameter] = []
    layout: list[list[Parameter]] = []
    random_mode = combine == "random"
    for i, entry in enumerate(raw):
        loc: Loc = ("parameters", i)
        if isinstance(entry, Mapping) and "zip" in entry:
            if set(entry) != {"zip"}:
                problems.add(loc, "a zip group has only the key 'zip' (a list of parameters)")
                continue
            if combine != "grid":
                problems.add(loc, f"zip groups are for combine: grid (this sweep combines "
                             f"with {combine})")
                continue
            members = entry["zip"]
            if not isinstance(members, list) or len(members) < 2:
                problems.add((*loc, "zip"), "must list at least two parameters")
                continue
            group = []
            for j, member in enumerate(members):
                p = _parse_param(member, (*loc, "zip", j), problems, random_mode=False,
                                 label_prefix=f"parameters[{i}].zip[{j}]")
                if p is not None:
                    group.append(p)
            if len(group) == len(members):
                params.extend(group)
                layout.append(group)
        else:
            p = _parse_param(entry, loc, problems, random_mode=random_mode,
                             label_prefix=f"parameters[{i}]")
            if p is not None:
                params.append(p)
                layout.append([p])
    return params, layout


def _label(p: Parameter) -> str:
    text = ".".join(render_loc(p.loc))
    return f"{text} ({p.path})"


def _check_names(params: list[Parameter], problems: _Problems) -> None:
    seen: dict[str, Parameter] = {}
    leaf_counts: dict[str, int] = {}
    for p in params:
        leaf_counts[p.path.leaf] = leaf_counts.get(p.path.leaf, 0) + 1
    for p in params:
        if p.name in RESERVED_COLUMNS:
            problems.add((*p.loc, "name"), f"{p.name!r} is a reserved column name "
                         f"({', '.join(RESERVED_COLUMNS)}); give the parameter a name:",
                         _label(p))
        if p.name in seen:
            other = seen[p.name]
            hint = " (two paths end in the same key: give each a name:)" if (
                leaf_counts.get(p.name, 0) > 1) else ""
            problems.add(p.loc, f"column name {p.name!r} is already used by {other.path}{hint}",
                         _label(p))
        seen.setdefault(p.name, p)
        same_path = [q for q in params if str(q.path) == str(p.path) and q is not p]
        if same_path and params.index(p) > params.index(same_path[0]):
            problems.add(p.loc, f"path {p.path} is swept twice", _label(p))


def _distinct(values: list[Any]) -> list[Any]:
    out, keys = [], set()
    for v in values:
        key = json.dumps(canonical(v), sort_keys=True, default=str)
        if key not in keys:
            keys.add(key)
            out.append(v)
    return out


def _check_values(spec: SweepSpec, problems: _Problems,
                  skip_nodes: set[str] | frozenset[str] = frozenset()) -> None:
    """Apply each parameter's values alone to the base config / program and validate."""
    base = spec.network_data()
    try:
        points = spec.points()
    except gen.GeneratorError as exc:
        problems.add(("parameters",), str(exc))
        return
    except (KeyError, TypeError, ValueError):
        return  # a generator with problems (already reported)
    if not points:
        problems.add(("parameters",), "the sweep has no points")
        return
    for p in spec.parameters:
        if p.target == "programs":
            head = p.path.steps[0].selectors
            if head and head[0] in skip_nodes:
                continue
        values = _distinct([pt.params[p.name] for pt in points])
        if p.target == "network":
            try:
                original = get_value(base, p.path)
            except PathError as exc:
                problems.add((*p.loc, "path"), str(exc), _label(p))
                continue
            if isinstance(original, (Mapping, list)) and not any(
                isinstance(v, type(original)) for v in values
            ):
                problems.add((*p.loc, "path"), f"{p.path} is a {type(original).__name__}, not "
                             "a single value; address a field inside it", _label(p))
                continue
            bad = []
            for v in values:
                try:
                    StackNetworkConfig.from_dict(set_values(base, [(p.path, v)]))
                except ConfigError as exc:
                    bad.append(f"value {v!r}: " + "; ".join(exc.problems))
                except PathError as exc:  # pragma: no cover - checked above
                    bad.append(str(exc))
            if bad:
                more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
                problems.add(p.loc, "; ".join(bad[:3]) + more, _label(p))
        else:
            try:
                node, index, key = _program_slot(spec.programs, p.path)
            except PathError as exc:
                problems.add((*p.loc, "path"), str(exc), _label(p))
                continue
            prog = spec.programs[node][index]
            cls = resolve(prog.ref, spec.base_dir)
            if len(p.path.steps) == 3 and not p.path.steps[2].selectors:
                reason = check_args(cls, {**prog.args, key: values[0]})
                if reason is not None:
                    problems.add((*p.loc, "path"), reason, _label(p))
                    continue
            else:
                try:
                    locate(prog.args, parse_path(".".join(
                        _step_text(s) for s in p.path.steps[2:])))
                except PathError as exc:
                    problems.add((*p.loc, "path"), f"in programs[{node}].args: {exc}",
                                 _label(p))
                    continue
            bad = []
            for v in values:
                args = _apply_program_args(spec.programs, [(p.path, v)])[node][index].args
                try:
                    cls(**args)
                except Exception as exc:
                    bad.append(f"value {v!r}: {cls.__name__}(...) raised "
                               f"{type(exc).__name__}: {exc}")
            if bad:
                more = f" (and {len(bad) - 3} more)" if len(bad) > 3 else ""
                problems.add(p.loc, "; ".join(bad[:3]) + more, _label(p))


def _parse_metrics(raw: Any, base_dir: Path, problems: _Problems) -> list[Metric]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.add(("metrics",), f"must be a list of metrics (got {raw!r})")
        return []
    out = []
    names: set[str] = set()
    for i, entry in enumerate(raw):
        loc: Loc = ("metrics", i)
        if not isinstance(entry, Mapping):
            problems.add(loc, f"must be a mapping with name and column or function "
                         f"(got {entry!r})")
            continue
        label = f"metrics[{i}] ({entry.get('name')})" if entry.get("name") else None
        bad = False
        for key in entry:
            if key not in METRIC_KEYS:
                problems.add((*loc, key), unknown_message("key", key, METRIC_KEYS), label)
                bad = True
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            problems.add(loc, "needs a name", label)
            continue
        if name in names:
            problems.add((*loc, "name"), f"metric {name!r} is defined twice", label)
            bad = True
        names.add(name)
        has_col, has_fn = "column" in entry, "function" in entry
        if has_col == has_fn:
            problems.add(loc, "needs exactly one of column (mean of a result column) or "
                         "function ('module:function' reducing a point's rows)", label)
            continue
        reduce = entry.get("reduce", "mean")
        if reduce not in REDUCERS:
            problems.add((*loc, "reduce"), unknown_message("reducer", reduce, REDUCERS), label)
            bad = True
        func = None
        if has_fn:
            try:
                func = _function_ref(entry["function"], base_dir)
            except ProgramRefError as exc:
                problems.add((*loc, "function"), str(exc), label)
                bad = True
        if not bad:
            out.append(Metric(name, entry.get("column"), entry.get("node"), reduce, func))
    return out


def _function_ref(value: Any, base_dir: Path) -> ProgramRef:
    """Parse and import a ``module:function`` reference (callable check)."""
    import inspect

    from .programs import _import_module, _module_from_file

    if callable(value) and not isinstance(value, str):
        return ProgramRef(name=getattr(value, "__qualname__", "function"), obj=value)
    ref = parse_ref(value, base_dir)
    module = _module_from_file(ref.file) if ref.file else _import_module(str(ref.module), base_dir)
    obj = getattr(module, ref.name, None)
    if obj is None or not callable(obj) or inspect.isclass(obj):
        raise ProgramRefError(f"{ref.text} is not a function")
    return ref


def load_function(ref: ProgramRef, base_dir: Path) -> Any:
    """The callable a metric's ``function`` names."""
    from .programs import _import_module, _module_from_file

    if ref.obj is not None:
        return ref.obj
    module = _module_from_file(ref.file) if ref.file else _import_module(str(ref.module), base_dir)
    return getattr(module, ref.name)


def sweep_from_dict(
    data: Mapping[str, Any], *, base_dir: str | PathLike[str] | None = None,
    _doc: YamlDocument | None = None, _file: str | None = None, _text: str | None = None,
) -> SweepSpec:
    """Validate sweep data (a mapping as in the YAML file) into a :class:`SweepSpec`.

    ``base_dir`` is where relative paths (network file, program files) start
    (default: the current directory). ``network`` may also be a
    :class:`StackNetworkConfig`, programs may be given as classes.
    Raises :class:`SweepError` listing every problem.
    """
    problems = _Problems(_doc)
    root = Path(base_dir) if base_dir is not None else Path.cwd()
    if not isinstance(data, Mapping):
        raise SweepError([f"<root>: a sweep file is a mapping (got {type(data).__name__})"],
                         file=_file)
    for key in data:
        if key not in TOP_KEYS:
            problems.add((str(key),), unknown_message("key", key, TOP_KEYS))
    combine = _choice(data, "combine", gen.COMBINE, "grid", problems)
    mode = _choice(data, "mode", MODES, "shared", problems)
    formalism = _choice(data, "formalism", FORMALISMS, "dm", problems)
    num_times = _int_field(data, "num_times", problems, minimum=1, required=True)
    seed = _int_field(data, "seed", problems, minimum=0, required=True)
    samples = _int_field(data, "samples", problems, minimum=1, required=combine == "random")
    if "samples" in data and combine != "random":
        problems.add(("samples",), "only used with combine: random")
    sampling_seed = _int_field(data, "sampling_seed", problems, minimum=0, required=False)
    confidence = data.get("confidence", 0.95)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not (
        0 < confidence < 1
    ):
        problems.add(("confidence",), f"must be a number in (0, 1) (got {confidence!r})")
        confidence = 0.95
    for key in ("name", "description"):
        if data.get(key) is not None and not isinstance(data[key], str):
            problems.add((key,), f"must be a string (got {data[key]!r})")
    network = _load_network(data.get("network"), root, problems)
    programs = _parse_programs(data.get("programs"), network, root, problems)
    params, layout = _parse_parameters(data.get("parameters"), combine, problems)
    _check_names(params, problems)
    metrics = _parse_metrics(data.get("metrics"), root, problems)
    if network is None:
        raise SweepError(problems.sorted(), file=_file)
    spec = SweepSpec(
        network=network, programs=programs, parameters=params, axes_layout=layout,
        combine=combine, num_times=int(num_times or 1), seed=int(seed or 0), mode=mode,
        formalism=formalism, samples=samples, sampling_seed=sampling_seed, metrics=metrics,
        confidence=float(confidence), name=data.get("name"), description=data.get("description"),
        base_dir=root.resolve(), file=_file, text=_text,
    )
    # Paths and values are checked even when other entries have problems, so that
    # one run of `netqsim validate` lists everything; program paths of nodes whose
    # program entry is itself broken are skipped (that entry is reported already).
    raw_programs = data.get("programs")
    broken = {str(n) for n in raw_programs if str(n) not in programs} if isinstance(
        raw_programs, Mapping) else set()
    _check_values(spec, problems, skip_nodes=broken)
    if problems.items:
        raise SweepError(problems.sorted(), file=_file)
    return spec


def load_sweep(path: str | PathLike[str]) -> SweepSpec:
    """Read and validate the sweep file at ``path`` (:class:`SweepError` lists every problem)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SweepError([f"cannot read file ({exc.strerror or exc})"], file=str(path)) from None
    try:
        doc = parse_yaml(text, file=str(path), known_keys=TOP_KEYS)
    except ConfigError as exc:
        raise SweepError(exc.problems, file=str(path)) from None
    if doc.data is None:
        raise SweepError(["<root>: the file is empty; expected a sweep mapping"], file=str(path))
    return sweep_from_dict(doc.data, base_dir=path.parent, _doc=doc, _file=str(path), _text=text)


def validate_sweep_file(path: str | PathLike[str]) -> list[str]:
    """Every problem of the sweep file at ``path`` (empty list: valid)."""
    try:
        load_sweep(path)
    except SweepError as exc:
        return exc.problems
    return []


def is_sweep_data(data: Any) -> bool:
    """Whether parsed YAML looks like a sweep file (rather than a network config)."""
    return isinstance(data, Mapping) and "stacks" not in data and any(
        k in data for k in ("network", "programs", "parameters")
    )
