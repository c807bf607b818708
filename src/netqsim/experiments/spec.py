"""Sweep files: a validated :class:`SweepSpec`, its points, and reading it from a file.

:func:`load_sweep` reads a file, :func:`sweep_from_dict` takes the same data
as a mapping (the network and program classes may then be Python objects).
Both return a :class:`SweepSpec` or raise :class:`SweepError` listing every
problem, each with its entry, key path and line, as network configs do::

    parameters[0] (stacks[Alice].qdevice_cfg.T3): stacks[Alice].qdevice_cfg.T3:
        unknown key 'T3'; did you mean 'T2'? (line 14)

The format (``docs/sweeps.md``) is checked by the models of
:mod:`~.spec_models`; what it refers to (network, programs, paths, every
swept value applied to the base config or program) by :mod:`~.spec_checks`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import numpy as np

from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.config.base import Problem, Problems
from netqsim.config.loading import YamlDocument, parse_yaml, read_text_file

from . import generators as gen
from . import spec_checks as checks
from .paths import set_values
from .program_args import ProgramSpec, apply_program_args
from .seeds import canonical, point_seed
from .spec_checks import load_function
from .spec_models import ERROR, RESERVED_COLUMNS, Metric, Parameter, SweepFile, read_settings

__all__ = [
    "ERROR", "RESERVED_COLUMNS", "Metric", "Parameter", "Point", "PointTask", "ProgramSpec",
    "SweepError", "SweepSpec", "is_sweep_data", "load_function", "load_sweep",
    "sweep_from_dict", "validate_sweep_file",
]

#: Most points a sweep may have (listing more would exhaust memory before one runs).
MAX_POINTS = 1_000_000


class SweepError(ConfigError):
    """An invalid sweep file: a :class:`~netqsim.config.ConfigError` with its own heading.

    ``problems`` lists every problem as ``entry: message (line N)``, ``details``
    the :class:`~netqsim.config.base.Problem` objects, ``file`` the sweep file.
    """

    def __str__(self) -> str:
        where = f" {self.file}" if self.file else ""
        n = len(self.details)
        head = f"invalid sweep file{where} ({n} problem{'s' if n != 1 else ''}):"
        return "\n".join([head, *(f"  - {p}" for p in self.details)])


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
            programs=apply_program_args(self.programs, prog_assign),
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


# ------------------------------------------------------------------------- expansion


def _param_values(param: Parameter, rng: np.random.Generator) -> list[Any]:
    if param.kind in gen.LIST_GENERATORS:
        return gen.list_values(param.kind, param.spec)
    return gen.draw(param.kind, param.spec, rng, int(param.spec["num"]))


def _at_most_max_points(count: int) -> int:
    if count > MAX_POINTS:
        raise gen.GeneratorError(f"the sweep would have {count} points; at most {MAX_POINTS}")
    return count


def _expand(spec: SweepSpec) -> list[Point]:
    sampling = spec.sampling_seed if spec.sampling_seed is not None else spec.seed
    rng = np.random.default_rng(np.random.SeedSequence([int(sampling), 0x5EED]))
    if not spec.parameters:
        raw: list[dict[str, Any]] = [{}]
    elif spec.combine == "random":
        samples = _at_most_max_points(int(spec.samples or 1))
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
        _at_most_max_points(math.prod(len(axis) for axis in axes))
        raw = gen.grid(axes)
    seen: dict[str, int] = {}
    points = []
    for index, params in enumerate(raw):
        key = json.dumps(canonical(params), sort_keys=True)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        points.append(Point(index, params, point_seed(spec.seed, params, occurrence)))
    return points


# ------------------------------------------------------------------------- loading


def _error(problems: list[Problem], doc: YamlDocument | None, file: str | None) -> SweepError:
    """The problems with their lines in the sweep file, in file order (no line: first)."""
    def line(p: Problem) -> int:
        return (doc.line_of(p.loc) if doc is not None else None) or 0

    ordered = sorted(problems, key=line)  # stable: same line keeps the order found
    return SweepError([p if p.line is not None or doc is None else
                       replace(p, line=doc.line_of(p.loc)) for p in ordered], file=file)


def sweep_from_dict(
    data: Mapping[str, Any], *, base_dir: str | PathLike[str] | None = None,
    _doc: YamlDocument | None = None, _file: str | None = None, _text: str | None = None,
) -> SweepSpec:
    """Validate sweep data (a mapping as in the YAML file) into a :class:`SweepSpec`.

    ``base_dir`` is where relative paths (network file, program files) start
    (default: the current directory). ``network`` may also be a
    :class:`~netqsim.config.StackNetworkConfig`, programs may be given as classes.
    Raises :class:`SweepError` listing every problem.
    """
    root = Path(base_dir) if base_dir is not None else Path.cwd()
    if not isinstance(data, Mapping):
        problem = Problem((), (), f"a sweep file is a mapping (got {type(data).__name__})")
        raise SweepError([problem], file=_file)
    problems = Problems()
    settings, bad = read_settings(data, problems)
    if settings is None:
        raise _error(problems.items, _doc, _file)
    network = None if "network" in bad else checks.load_network(settings.network, root, problems)
    programs = {} if "programs" in bad else checks.build_programs(
        settings.programs, network, root, problems)
    params, layout = checks.build_parameters(settings.parameters, settings.combine, problems)
    checks.check_names(params, problems)
    metrics = checks.build_metrics(settings.metrics, root, problems)
    if network is None:
        raise _error(problems.items, _doc, _file)
    spec = SweepSpec(
        network=network, programs=programs, parameters=params, axes_layout=layout,
        combine=settings.combine, num_times=settings.num_times, seed=settings.seed,
        mode=settings.mode, formalism=settings.formalism, samples=settings.samples,
        sampling_seed=settings.sampling_seed, metrics=metrics, confidence=settings.confidence,
        name=settings.name, description=settings.description, base_dir=root.resolve(),
        file=_file, text=_text,
    )
    # program paths of nodes whose program entry is broken are skipped (reported already)
    broken = None if "programs" in bad else set(settings.programs) - set(programs)
    try:
        points = spec.points()
    except gen.GeneratorError as exc:
        problems.add(("parameters",), str(exc))
    else:
        checks.check_values(spec.parameters, points, spec.network_data(), programs, root,
                            problems, skip_nodes=broken)
    if problems:
        raise _error(problems.items, _doc, _file)
    return spec


def load_sweep(path: str | PathLike[str]) -> SweepSpec:
    """Read and validate the sweep file at ``path`` (:class:`SweepError` lists every problem)."""
    path = Path(path)
    try:
        text = read_text_file(path)
    except OSError as exc:
        raise SweepError([Problem((), (), f"cannot read file ({exc.strerror or exc})")],
                         file=str(path)) from None
    except ConfigError as exc:
        raise SweepError(exc.details, file=str(path)) from None
    try:
        doc = parse_yaml(text, file=str(path), known_keys=SweepFile.model_fields)
    except ConfigError as exc:
        raise SweepError(exc.details, file=str(path)) from None
    if doc.data is None:
        raise SweepError([Problem((), (), "the file is empty; expected a sweep mapping")],
                         file=str(path))
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
