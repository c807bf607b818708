"""Reading a sweep file into a :class:`~netqsim.experiments.spec.SweepSpec`, every problem at once.

:func:`load_sweep` reads a file, :func:`sweep_from_dict` takes the same data
as a mapping (the network and program classes may then be Python objects).
Both raise :class:`~netqsim.experiments.spec.SweepError` listing every
problem, each with its entry, key path and line, as network configs do::

    parameters[0] (stacks[Alice].qdevice_cfg.T3): stacks[Alice].qdevice_cfg.T3:
        unknown key 'T3'; did you mean 'T2'? (line 14)

The format is checked by the models of :mod:`~.spec_models`; what it refers
to (network, programs, paths, every swept value applied to the base config
or program) by :mod:`~.spec_checks`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from os import PathLike
from pathlib import Path
from typing import Any

from netqsim.config import ConfigError
from netqsim.config.base import Problem, Problems
from netqsim.config.loading import YamlDocument, parse_yaml

from . import spec_checks as checks
from .spec import SweepError, SweepSpec
from .spec_models import SweepFile, read_settings


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
    checks.check_values(spec, problems, skip_nodes=broken)
    if problems:
        raise _error(problems.items, _doc, _file)
    return spec


def load_sweep(path: str | PathLike[str]) -> SweepSpec:
    """Read and validate the sweep file at ``path`` (:class:`SweepError` lists every problem)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise SweepError([Problem((), (), f"cannot read file ({reason})")],
                         file=str(path)) from None
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
