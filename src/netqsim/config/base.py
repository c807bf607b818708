"""Strict model base for every config class, and the one error type they raise.

Every problem found while validating a configuration becomes a :class:`Problem`
(a location, a human-readable path such as ``stacks[0] (Alice).qdevice_cfg.T1``
and a message). Validation collects problems instead of stopping at the first
one; at the end a single :class:`ConfigError` lists them all, one per line, as
``path: problem``.

:class:`ConfigModel` is a pydantic v2 model with ``extra="forbid"`` and
``validate_assignment=True``. It differs from a plain pydantic model in that

* unknown keys are reported with the closest valid key (``difflib``);
* pydantic's own errors are translated into the same ``path: problem`` form;
* cross-field rules (``_cross_problems``, e.g. T2 against T1) are checked
  after construction, by :meth:`ConfigModel.validate` and when a network is
  built, but not on assignment: ``q.T1 = 40; q.T2 = 40`` works in any order;
* ``dummy: null`` entries are dropped silently: SquidASM's example YAML files
  use ``cfg: {dummy: null}`` as a placeholder for "all defaults".
"""

from __future__ import annotations

import difflib
import math
import sys
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from os import PathLike
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidationInfo,
    field_validator,
)

Loc = tuple[str | int, ...]

#: Keys used by older SquidASM / netsquid-netbuilder versions, mapped to the key
#: netqsim (and current SquidASM) expects. Used only to improve suggestions.
RENAMED_KEYS: dict[str, str] = {
    "distance": "length",
    "measurement_time": "measure_time",
    "node1": "stack1",
    "node2": "stack2",
    "processing_nodes": "stacks",
    "qlinks": "links",
    "instr_proc_time": "instr_latency",
    "host_latency": "host_qnos_latency",
}

#: ``Problem.code`` of an unknown key (the problems that lenient loading turns into warnings).
UNKNOWN_KEY = "unknown-key"

#: Placeholder key that SquidASM's example files put into otherwise empty cfgs.
PLACEHOLDER_KEY = "dummy"


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration.

    ``loc`` is the raw location (mapping keys and list indices, as in the YAML
    document), ``parts`` the rendered path segments (list entries carry the
    entry's name, e.g. ``stacks[0] (Alice)``), ``line`` the 1-based YAML line
    when the configuration came from a file.
    """

    loc: Loc
    parts: tuple[str, ...]
    message: str
    line: int | None = None
    code: str = ""
    """What kind of problem: :data:`UNKNOWN_KEY` or ``""`` (any other)."""

    @property
    def path(self) -> str:
        """The dotted, human-readable location (``<root>`` for the whole document)."""
        return ".".join(self.parts) if self.parts else "<root>"

    def prefixed(self, loc: Loc, parts: Sequence[str]) -> Problem:
        """The same problem, located inside the entry at ``loc`` / ``parts``."""
        return replace(self, loc=tuple(loc) + self.loc, parts=tuple(parts) + self.parts)

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        if self.line is not None:
            text += f" (line {self.line})"
        return text


class ConfigError(ValueError):
    """A configuration is invalid; ``problems`` lists every problem found.

    ``problems`` holds one ``"path: problem"`` string per problem, ``details``
    the structured :class:`Problem` objects, ``file`` the source file (if the
    configuration was loaded from one).
    """

    def __init__(self, problems: Sequence[Problem], *, file: str | None = None) -> None:
        self.details: list[Problem] = list(problems)
        self.file = file
        super().__init__(str(self))

    @property
    def problems(self) -> list[str]:
        """Every problem as a ``"path: problem"`` string."""
        return [str(p) for p in self.details]

    def __str__(self) -> str:
        where = f" in {self.file}" if self.file else ""
        n = len(self.details)
        head = f"invalid configuration{where} ({n} problem{'s' if n != 1 else ''}):"
        return "\n".join([head, *(f"  - {p}" for p in self.details)])


class Problems:
    """Accumulates problems during one validation pass."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        #: top-level keys whose problems are already reported (pydantic's errors
        #: for these keys are redundant and dropped).
        self.reported: set[str] = set()

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(
        self, loc: Loc, message: str, parts: Sequence[str] | None = None, *, code: str = ""
    ) -> None:
        """Record ``message`` at ``loc`` (``parts`` defaults to ``loc`` rendered)."""
        rendered = tuple(parts) if parts else render_loc(loc)
        self.items.append(Problem(tuple(loc), rendered, message, code=code))
        if loc and isinstance(loc[0], str):
            self.reported.add(loc[0])

    def add_nested(self, error: ConfigError, loc: Loc, parts: Sequence[str]) -> None:
        """Record every problem of ``error`` as located inside ``loc`` / ``parts``."""
        self.items.extend(p.prefixed(loc, parts) for p in error.details)
        if loc and isinstance(loc[0], str):
            self.reported.add(loc[0])


def render_loc(loc: Iterable[str | int]) -> tuple[str, ...]:
    """Render a raw location as path segments: ``("a", 0, "b")`` -> ``("a[0]", "b")``."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int) and parts:
            parts[-1] = f"{parts[-1]}[{item}]"
        else:
            parts.append(str(item) if not isinstance(item, int) else f"[{item}]")
    return tuple(parts)


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to ``word`` (``difflib``, case-insensitive), if any is close."""
    cands = list(candidates)
    if word in RENAMED_KEYS and RENAMED_KEYS[word] in cands:
        return RENAMED_KEYS[word]
    lowered = {c.lower(): c for c in cands}
    if word.lower() in lowered:
        return lowered[word.lower()]
    # a generic-device key on an NV device: T1 -> electron_T1
    qualified = [c for c in cands if c.lower().endswith("_" + word.lower())]
    if qualified:
        return qualified[0]
    cutoff = 0.5 if len(word) <= 3 else 0.6
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def unknown_message(kind: str, word: object, allowed: Iterable[str]) -> str:
    """``unknown key 'x'; did you mean 'y'?`` (or the list of valid values)."""
    allowed = list(allowed)
    text = f"unknown {kind} {word!r}"
    close = suggest(str(word), allowed)
    if close is not None:
        return f"{text}; did you mean {close!r}?"
    return f"{text} (valid: {', '.join(allowed)})"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def translate(exc: ValidationError) -> list[Problem]:
    """Turn pydantic's errors into :class:`Problem` objects with clean messages."""
    out: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        typ = err.get("type", "")
        msg = str(err.get("msg", ""))
        code = ""
        if typ == "missing":
            message = "required field is missing"
        elif typ == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}" if loc else "unknown key"
            code = UNKNOWN_KEY
        else:
            if msg.startswith("Value error, "):
                msg = msg[len("Value error, ") :]
            elif msg.startswith("Input should be"):
                msg = "must be" + msg[len("Input should be") :]
            message = msg
            if "input" in err and "(got " not in message:
                message += f" (got {_short(err['input'])})"
        out.append(Problem(loc, render_loc(loc), message, code=code))
    return out


# --------------------------------------------------------------------------- value types


def _checker(test: Callable[[float], bool], message: str) -> Callable[[float], float]:
    def check(value: float) -> float:
        if not test(value):
            raise ValueError(f"{message} (got {value!r})")
        return value

    return check


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError(f"must not be empty or blank (got {value!r})")
    return value


def _finite_nonneg(v: float) -> bool:
    return math.isfinite(v) and v >= 0


#: Probability in [0, 1].
Probability = Annotated[float, AfterValidator(_checker(lambda v: 0 <= v <= 1, "must be in [0, 1]"))]
#: Duration in nanoseconds, finite and >= 0.
Nanoseconds = Annotated[float, AfterValidator(_checker(_finite_nonneg, "must be >= 0 ns"))]
#: Coherence time in nanoseconds, >= 0 (0 disables that decoherence; inf allowed).
CoherenceTime = Annotated[float, AfterValidator(_checker(lambda v: v >= 0, "must be >= 0 ns"))]
#: Length in km, finite and >= 0.
Kilometres = Annotated[float, AfterValidator(_checker(_finite_nonneg, "must be >= 0 km"))]
#: Speed of light in fibre in km/s, finite and > 0.
KmPerSecond = Annotated[
    float, AfterValidator(_checker(lambda v: math.isfinite(v) and v > 0, "must be > 0 km/s"))
]
#: Fidelity of a two-qubit state to a Bell state, in [0.25, 1].
BellFidelity = Annotated[
    float, AfterValidator(_checker(lambda v: 0.25 <= v <= 1, "must be in [0.25, 1]"))
]
#: Attenuation in dB/km, finite and >= 0.
DecibelPerKm = Annotated[float, AfterValidator(_checker(_finite_nonneg, "must be >= 0 dB/km"))]
#: Positive integer (>= 1).
PositiveInt = Annotated[int, AfterValidator(_checker(lambda v: v >= 1, "must be >= 1"))]
#: Most qubits a device may have: far beyond any hardware, and what the simulator
#: can allocate (each qubit position costs memory up front).
MAX_QUBITS = 100_000
#: Number of qubits of a device, in [1, MAX_QUBITS].
QubitCount = Annotated[
    PositiveInt,
    AfterValidator(_checker(lambda v: v <= MAX_QUBITS, f"must be <= {MAX_QUBITS:,}")),
]
#: Non-negative integer (>= 0).
NonNegativeInt = Annotated[int, AfterValidator(_checker(lambda v: v >= 0, "must be >= 0"))]
#: Name of a node (stack): not empty and not only whitespace.
NodeName = Annotated[str, AfterValidator(_not_blank)]


# --------------------------------------------------------------------------- scalar kinds

#: Largest magnitude of an integer field (64-bit signed, what the simulator can index).
MAX_INT = 2**63 - 1


@dataclass(frozen=True)
class _Kinds:
    """Which scalar kinds a field annotation accepts, and its element annotation."""

    number: bool = False
    integer_only: bool = False
    boolean: bool = False
    element: Any = None
    """Annotation of list/tuple elements or mapping values, if a container."""


def _kinds(annotation: Any) -> _Kinds:
    """Scalar kinds accepted by ``annotation`` (through Annotated, Optional, unions)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _kinds(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        parts = [_kinds(a) for a in typing.get_args(annotation) if a is not type(None)]
        number = any(p.number for p in parts)
        return _Kinds(
            number=number,
            integer_only=number and all(p.integer_only for p in parts if p.number),
            boolean=any(p.boolean for p in parts),
            element=next((p.element for p in parts if p.element is not None), None),
        )
    if annotation is bool:
        return _Kinds(boolean=True)
    if annotation is int:
        return _Kinds(number=True, integer_only=True)
    if annotation is float:
        return _Kinds(number=True)
    if origin in (list, tuple, set, frozenset, Sequence) and typing.get_args(annotation):
        return _Kinds(element=typing.get_args(annotation)[0])
    if origin in (dict, Mapping) and len(typing.get_args(annotation)) == 2:
        return _Kinds(element=typing.get_args(annotation)[1])
    return _Kinds()


#: Scalar kinds of each (model class, field name), computed on first use.
_FIELD_KINDS: dict[tuple[type, str | None], _Kinds] = {}


def scalar_problem(value: Any, annotation: Any) -> str | None:
    """Why ``value`` does not fit the scalar kind of ``annotation`` (``None`` if it does).

    pydantic's lax mode reads ``True`` as 1 in numeric fields and ``"yes"``/``1``
    as ``True`` in boolean fields; configurations must say what they mean, so a
    boolean is not a number and a boolean is only ``true``/``false``. Integers
    too large for the simulator are out of range. Elements of lists and values
    of mappings are checked against their own annotation.
    """
    kinds = annotation if isinstance(annotation, _Kinds) else _kinds(annotation)
    if value is None:
        return None
    if kinds.element is not None and isinstance(value, (list, tuple, Mapping)):
        items = value.items() if isinstance(value, Mapping) else enumerate(value)
        for key, item in items:
            problem = scalar_problem(item, kinds.element)
            if problem is not None:
                label = repr(key) if isinstance(value, Mapping) else key
                sep = "" if problem.startswith("[") else ": "
                return f"[{label}]{sep}{problem}"
        return None
    if isinstance(value, bool):
        return "must be a number, not a boolean" if kinds.number and not kinds.boolean else None
    if kinds.boolean and not kinds.number and isinstance(value, str | int | float):
        return "must be true or false"
    if kinds.number and isinstance(value, int):
        limit = MAX_INT if kinds.integer_only else sys.float_info.max
        if abs(value) > limit:
            return f"out of range (magnitude at most {limit:.4g})"
    return None


# --------------------------------------------------------------------------- base model


class ConfigModel(BaseModel):
    """Strict pydantic model: unknown keys and bad values raise :class:`ConfigError`.

    Construct with keyword arguments (``Cls(**mapping)``) or ``Cls.from_dict``;
    ``model_validate`` is routed through the same checks.
    """

    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        arbitrary_types_allowed=False,
        validate_default=True,
        protected_namespaces=(),
    )

    @field_validator("*", mode="before")
    @classmethod
    def _check_scalar_kind(cls, value: Any, info: ValidationInfo) -> Any:
        """Booleans are not numbers, and only ``true``/``false`` are booleans (every field)."""
        kinds = _FIELD_KINDS.get((cls, info.field_name))
        if kinds is None:
            field = cls.model_fields.get(info.field_name or "")
            kinds = _kinds(field.annotation) if field is not None else _Kinds()
            _FIELD_KINDS[(cls, info.field_name)] = kinds
        problem = scalar_problem(value, kinds)
        if problem is not None:
            raise ValueError(problem)
        return value

    #: True when :meth:`_prepare` already checks the cross-field rules on the raw
    #: data (so construction does not report them twice).
    _cross_in_prepare: ClassVar[bool] = False

    def __init__(self, /, **data: Any) -> None:
        problems = Problems()
        prepared = type(self)._prepare(dict(data), problems)
        try:
            super().__init__(**prepared)
        except ValidationError as exc:
            for problem in translate(exc):
                if problem.loc and problem.loc[0] in problems.reported:
                    continue
                problems.items.append(problem)
        else:
            if not type(self)._cross_in_prepare:
                # config objects passed in ready-made may have been edited since their
                # construction: check them with this one
                problems.items.extend(self._all_cross_problems())
        if problems:
            fields = list(type(self).model_fields)

            def order(p: Problem) -> tuple[int, int]:
                head = p.loc[0] if p.loc else None
                rank = fields.index(head) if head in fields else -1
                index = p.loc[1] if len(p.loc) > 1 and isinstance(p.loc[1], int) else -1
                return rank, index

            raise ConfigError(sorted(problems.items, key=order))

    # -- hooks -------------------------------------------------------------------------

    @classmethod
    def _prepare(cls, data: dict[str, Any], problems: Problems) -> dict[str, Any]:
        """Report unknown keys (dropping them) before pydantic sees ``data``."""
        allowed = list(cls.model_fields)
        for key in list(data):
            if key in cls.model_fields:
                continue
            value = data.pop(key)
            if key == PLACEHOLDER_KEY and value is None:
                continue
            problems.add((str(key),), unknown_message("key", key, allowed), code=UNKNOWN_KEY)
        return data

    def _cross_problems(self) -> list[Problem]:
        """Problems that involve several fields of this model (not of the models it holds).

        Checked after construction, by :meth:`validate` and when a network is
        built; not on assignment, so that related fields can be set in any order.
        """
        return []

    def _all_cross_problems(self) -> list[Problem]:
        """:meth:`_cross_problems` of this model and of every config model it holds."""
        out: list[Problem] = []
        for name in type(self).model_fields:
            value = self.__dict__.get(name)
            if isinstance(value, ConfigModel):
                out.extend(p.prefixed((name,), (name,)) for p in value._all_cross_problems())
        return out + self._cross_problems()

    def _coerce_assignment(self, name: str, value: Any) -> Any:
        """Convert a value assigned to ``name`` (e.g. a dict to a config object)."""
        return value

    # -- pydantic plumbing -------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_") or name not in type(self).model_fields:
            super().__setattr__(name, value)
            return
        value = self._coerce_assignment(name, value)
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise ConfigError(translate(exc)) from None

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Validate ``obj`` (a mapping or an instance) with the strict checks."""
        if isinstance(obj, cls):
            return obj
        if not isinstance(obj, dict):
            raise ConfigError([Problem((), (), f"must be a mapping (got {type(obj).__name__})")])
        # YAML keys may be null, numbers or booleans; they are reported as text
        return cls(**{str(k): v for k, v in obj.items()})

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, strict: bool | None = None) -> Any:
        """Build from a plain mapping (as parsed from YAML); ``strict`` as in :meth:`from_file`."""
        from .loading import YamlDocument

        return cls._from_document(YamlDocument(data=data), strict)

    @classmethod
    def from_yaml(cls, text: str, *, file: str | None = None, strict: bool | None = None) -> Any:
        """Build from YAML text (``file`` only names the source in errors and warnings).

        ``strict`` as in :meth:`from_file`.
        """
        from .loading import parse_yaml

        doc = parse_yaml(text, file=file, known_keys=cls.model_fields)
        return cls._from_document(doc, strict)

    @classmethod
    def from_file(cls, path: str | PathLike[str], *, strict: bool | None = None) -> Any:
        """Load from a YAML file; errors name the file and the line of each problem.

        ``strict=True`` (the default outside :func:`~netqsim.config.lenient_loading`,
        e.g. under ``netqsim squidasm``) makes an unknown key an error.
        ``strict=False`` drops each unknown key, as SquidASM does, with one
        :class:`~netqsim.config.IgnoredConfigKeyWarning` naming the key, the
        file, the line and the closest valid key; every other problem is still
        an error.
        """
        from .loading import read_yaml_file

        return cls._from_document(read_yaml_file(path, known_keys=cls.model_fields), strict)

    @classmethod
    def _from_document(cls, doc: Any, strict: bool | None = None) -> Any:
        from .lenient import strict_by_default, validate_leniently

        if doc.data is None:
            problem = Problem((), (), "the document is empty; expected a mapping")
            raise ConfigError([problem], file=doc.file)
        if strict is None:
            strict = strict_by_default()
        if not strict:
            return validate_leniently(cls, doc)
        try:
            return cls.model_validate(doc.data)
        except ConfigError as exc:
            raise doc.annotate(exc) from None

    def to_dict(self) -> dict[str, Any]:
        """Plain mapping (YAML/JSON-safe) that :meth:`from_dict` turns back into ``self``."""
        return self.model_dump(mode="json", exclude_none=True)

    def to_yaml(self, path: str | PathLike[str] | None = None) -> str:
        """YAML text of :meth:`to_dict`; also written to ``path`` if given."""
        from .loading import dump_yaml

        text = dump_yaml(self.to_dict())
        if path is not None:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        return text

    def validate(self) -> None:  # type: ignore[override]
        """Check the rules that involve several fields, here and in every model held.

        Raises :class:`ConfigError` listing every problem, each with its field
        path (``stacks[0] (Alice).qdevice_cfg.T2: ...``). Run it after
        assignments; building a network runs it too.
        """
        problems = self._all_cross_problems()
        if problems:
            raise ConfigError(problems)

    def check(self) -> list[str]:
        """What :meth:`validate` would report, as strings (empty: valid)."""
        return [str(p) for p in self._all_cross_problems()]


def field_names(cls: type[BaseModel]) -> list[str]:
    """Names of the fields of a model class, in declaration order."""
    return list(cls.model_fields)
