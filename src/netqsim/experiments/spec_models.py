"""The sweep file format as strict config models (the same base as network configs).

Each part of a sweep file is a :class:`~netqsim.config.base.ConfigModel`, so
problems read as in network configs: unknown keys with the closest valid key,
pydantic's type and range errors as ``path: problem``, every problem at once.
The top level (:class:`SweepFile`) checks the run settings and that each
section has the right container type; the entries of ``programs``,
``parameters`` and ``metrics`` are models of their own, built one by one
(:func:`build_entry`) so that one bad entry does not hide the others.

What the entries refer to (the network file, program classes, parameter paths
and values) is checked in :mod:`~netqsim.experiments.spec_checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from netqsim.config.base import (
    ConfigError,
    ConfigModel,
    Loc,
    NonNegativeInt,
    PositiveInt,
    Problem,
    Problems,
    suggest,
    unknown_message,
)
from netqsim.runtime.run import MODES

from . import generators as gen
from .paths import ParamPath, PathError, parse_path
from .programs import ProgramRef

#: The column that holds a failed point's error (``None`` for points that ran).
ERROR = "point_error"
#: Column names of the result table that parameters cannot use.
RESERVED_COLUMNS = ("point", "seed", "iteration", "node", ERROR)
FORMALISMS = ("dm", "ket", "stab")
REDUCERS = ("mean", "sum", "min", "max", "std", "count")


def _check(test: Callable[[Any], str | None]) -> AfterValidator:
    """A validator that raises ``ValueError(message)`` when ``test`` returns a message."""

    def check(value: Any) -> Any:
        message = test(value)
        if message is not None:
            raise ValueError(message)
        return value

    return AfterValidator(check)


def _one_of(allowed: Sequence[str]) -> Callable[[Any], str | None]:
    def test(value: Any) -> str | None:
        if value in allowed:
            return None
        close = suggest(str(value), allowed)
        return f"must be one of {', '.join(allowed)}" + (
            f"; did you mean {close!r}?" if close else "")

    return test


def _path_problem(value: str) -> str | None:
    try:
        parse_path(value)
    except PathError as exc:
        return str(exc)
    return None


def _str_keys(value: Any) -> Any:
    """Node names as strings (YAML reads a node called ``1`` as a number)."""
    return {str(k): v for k, v in value.items()} if isinstance(value, Mapping) else value


def _none_is_empty(value: Any) -> Any:
    """An empty section (``parameters:`` with nothing after it) is an empty list."""
    return [] if value is None else value


def _no_bool(value: Any) -> Any:
    """Refuse booleans where numbers belong (pydantic would read ``true`` as 1)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not a boolean")
    return value


NonEmptyStr = Annotated[str, _check(lambda v: None if v.strip() else "must not be empty")]
Confidence = Annotated[float, BeforeValidator(_no_bool),
                      _check(lambda v: None if 0 < v < 1 else "must be in (0, 1)")]
Count = Annotated[PositiveInt, BeforeValidator(_no_bool)]
Seed = Annotated[NonNegativeInt, BeforeValidator(_no_bool)]
PathText = Annotated[str, _check(_path_problem)]


class SweepModel(ConfigModel):
    """Base of the sweep file models: keys may be aliases (``class``), no placeholders."""

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        keys = [f.alias or name for name, f in cls.model_fields.items()]
        for key in list(data):
            if key not in keys:
                data.pop(key)
                problems.add((str(key),), unknown_message("key", key, keys))
        return data

    def given(self, *keys: str) -> list[str]:
        """Which of ``keys`` (field names) the file sets."""
        return [k for k in keys if k in self.model_fields_set]


def _problem(loc: Loc, message: str) -> Problem:
    return Problem(loc, tuple(str(p) for p in loc), message)


class ProgramEntry(SweepModel):
    """A program of one node: ``program: 'module:Class'`` or ``file`` + ``class``, ``args``."""

    program: Any = None
    file: Annotated[str, _check(
        lambda v: None if v.endswith(".py") else f"must be a .py file (got {v!r})")] | None = None
    class_: str | None = Field(default=None, alias="class")
    args: dict[str, Any] | None = None

    def _cross_problems(self) -> list[Problem]:
        if self.program is not None and self.given("file", "class_"):
            return [_problem((), "give either program: 'module:Class' or file + class, "
                             "not both")]
        if self.program is None and len(self.given("file", "class_")) == 1:
            return [_problem((), "file and class go together (file: programs.py, "
                             "class: MyProgram)")]
        if self.program is None and not self.given("file", "class_"):
            return [_problem((), "needs program: 'module:Class' (or file: + class:)")]
        return []

    @property
    def reference(self) -> Any:
        """What names the class: ``program``, or ``file:class``."""
        return self.program if self.program is not None else f"{self.file}:{self.class_}"


class ParameterEntry(SweepModel):
    """One swept parameter: a path, an optional column name and one value generator."""

    path: PathText
    name: NonEmptyStr | None = None
    values: Any = None
    linspace: Any = None
    logspace: Any = None
    range: Any = None
    uniform: Any = None
    loguniform: Any = None
    randint: Any = None
    choice: Any = None

    def _cross_problems(self) -> list[Problem]:
        kinds = self.given(*gen.GENERATORS)
        if len(kinds) == 1:
            return []
        what = "no" if not kinds else f"{len(kinds)} ({', '.join(kinds)})"
        return [_problem((), f"needs exactly one value generator, has {what}; one of "
                         f"{', '.join(gen.GENERATORS)}")]

    @property
    def kind(self) -> str:
        """The generator's name."""
        return self.given(*gen.GENERATORS)[0]


class ZipGroup(SweepModel):
    """Parameters of a grid whose values are paired: ``zip: [param, param, ...]``."""

    zip: Annotated[list[Any], _check(
        lambda v: None if len(v) >= 2 else "must list at least two parameters")]


class MetricEntry(SweepModel):
    """A reduction of a point's rows: a column (``reduce``, default mean) or a function."""

    name: NonEmptyStr
    column: str | None = None
    node: str | None = None
    function: Any = None
    reduce: Annotated[str, _check(_one_of(REDUCERS))] = "mean"

    def _cross_problems(self) -> list[Problem]:
        if (self.column is None) != (self.function is None):
            return []
        return [_problem((), "needs exactly one of column (mean of a result column) or "
                         "function ('module:function' reducing a point's rows)")]


class SweepFile(SweepModel):
    """The top level of a sweep file: what to run, the sections, and the run settings."""

    name: str | None = None
    description: str | None = None
    network: Annotated[Any, _check(lambda v: None if v is not None else
                                   "must be a network config file or an inline network mapping")]
    programs: Annotated[dict[str, Any], BeforeValidator(_str_keys), _check(
        lambda v: None if v else "must map node names to programs")]
    parameters: Annotated[list[Any], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)
    combine: Annotated[str, _check(_one_of(gen.COMBINE))] = "grid"
    samples: Count | None = None
    sampling_seed: Seed | None = None
    num_times: Count
    seed: Seed
    mode: Annotated[str, _check(_one_of(MODES))] = "shared"
    formalism: Annotated[str, _check(_one_of(FORMALISMS))] = "dm"
    metrics: Annotated[list[Any], BeforeValidator(_none_is_empty)] = Field(
        default_factory=list)
    confidence: Confidence = 0.95

    def _cross_problems(self) -> list[Problem]:
        if self.combine == "random" and self.samples is None:
            return [_problem(("samples",), "required field is missing (combine: random)")]
        if self.combine != "random" and "samples" in self.model_fields_set:
            return [_problem(("samples",), "only used with combine: random")]
        return []


#: Valid stand-ins for required settings that are missing or invalid, so that
#: the rest of the file is still checked. Never used: a run needs every problem gone.
_STAND_INS: dict[str, Any] = {"network": {}, "programs": {"-": None}, "num_times": 1,
                              "seed": 0, "samples": 1}


def read_settings(data: Mapping[str, Any], problems: Problems) -> tuple[SweepFile | None,
                                                                        set[str]]:
    """The top level of ``data`` and the keys that have problems (added to ``problems``).

    A key with a problem is dropped (a required one replaced by a stand-in)
    and the rest read again, so that the sections that are fine can be
    checked too; ``None`` when nothing valid remains.
    """
    data = {str(k): v for k, v in data.items()}
    bad: set[str] = set()
    while True:
        try:
            return SweepFile(**data), bad
        except ConfigError as exc:
            found = exc.details
        keys = {str(p.loc[0]) for p in found if p.loc}
        # later rounds: rules that pydantic's errors hid, not problems of stand-ins
        problems.items.extend(p for p in found if not p.loc or p.loc[0] not in bad)
        if not keys - bad:
            return None, bad
        bad |= keys
        data = {k: v for k, v in data.items() if k not in bad and k in SweepFile.model_fields}
        data.update({k: _STAND_INS[k] for k in bad if k in _STAND_INS
                     and (k != "samples" or data.get("combine") == "random")})


def build_entry(model: type[SweepModel], raw: Any, loc: Loc, label: str,
                problems: Problems) -> Any:
    """``model(**raw)`` for the entry at ``loc``; its problems are located at ``label``."""
    if not isinstance(raw, Mapping):
        fields = ", ".join(f.alias or n for n, f in model.model_fields.items())
        problems.add(loc, f"must be a mapping with {fields} (got {raw!r})", (label,))
        return None
    try:
        return model(**{str(k): v for k, v in raw.items()})
    except ConfigError as exc:
        problems.add_nested(exc, loc, (label,))
        return None


# ------------------------------------------------------------- what entries become


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
class Metric:
    """A reduction of one point's results: a column's mean (default) or a function."""

    name: str
    column: str | None = None
    node: str | None = None
    reduce: str = "mean"
    function: ProgramRef | None = None
