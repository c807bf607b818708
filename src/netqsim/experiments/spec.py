"""A validated sweep: its parameters, programs, points and the work item of each point.

:class:`SweepSpec` is what :func:`~netqsim.experiments.load_sweep` and
:func:`~netqsim.experiments.sweep_from_dict` return (reading and checking a file:
:mod:`~netqsim.experiments.spec_loading`; the file format:
:mod:`~netqsim.experiments.spec_models`, documented in ``docs/sweeps.md``).
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from netqsim.config import StackNetworkConfig
from netqsim.config.base import ConfigError, Loc, unknown_message

from . import generators as gen
from .paths import ParamPath, PathError, parse_path, set_values
from .programs import ProgramRef, _import_module, _module_from_file
from .seeds import canonical, point_seed

#: The column that holds a failed point's error (``None`` for points that ran).
ERROR = "point_error"
#: Column names of the result table that parameters cannot use.
RESERVED_COLUMNS = ("point", "seed", "iteration", "node", ERROR)
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


def program_slot(programs: Mapping[str, list[Any]], path: ParamPath) -> tuple[str, int, str]:
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


def apply_program_args(
    programs: Mapping[str, list[ProgramSpec]], assignments: Sequence[tuple[ParamPath, Any]]
) -> dict[str, list[ProgramSpec]]:
    out = {node: list(specs) for node, specs in programs.items()}
    for path, value in assignments:
        node, index, key = program_slot(out, path)
        spec = out[node][index]
        args = copy.deepcopy(spec.args)
        if len(path.steps) == 3 and not path.steps[2].selectors:
            args[key] = value
        else:
            rest = parse_path(".".join(step_text(s) for s in path.steps[2:]))
            args = set_values(args, [(rest, value)])
        out[node][index] = ProgramSpec(spec.ref, args)
    return out


def step_text(step: Any) -> str:
    return step.key + "".join(f"[{s}]" for s in step.selectors)


def load_function(ref: ProgramRef, base_dir: Path) -> Any:
    """The callable a metric's ``function`` names."""
    if ref.obj is not None:
        return ref.obj
    module = _module_from_file(ref.file) if ref.file else _import_module(str(ref.module), base_dir)
    return getattr(module, ref.name, None)
