"""Value generators for swept parameters, and how parameters combine into points.

A parameter gives its values with exactly one generator:

``values: [a, b, c]``
    an explicit list.
``linspace: {start, stop, num}``
    ``num`` evenly spaced values from ``start`` to ``stop`` (both included).
``logspace: {start, stop, num}``
    ``num`` values evenly spaced on a log scale from ``start`` to ``stop``
    (the end points themselves, not exponents: ``{start: 1e6, stop: 1e9, num: 4}``
    gives 1e6, 1e7, 1e8, 1e9). Both must be > 0.
``range: {start, stop, step}``
    ``start, start + step, ...`` up to and including ``stop`` (integers stay integers).
``uniform: {low, high}``, ``loguniform: {low, high}``, ``randint: {low, high}``, ``choice: [...]``
    random draws. With ``combine: random`` every point draws a value; with
    ``grid`` or ``zip`` the entry also needs ``num`` and draws that many
    values once. Draws come from the sweep's ``sampling_seed``, so the points
    are the same every time the file is read.

Parameters combine with the sweep's ``combine``: ``grid`` (Cartesian product,
the default), ``zip`` (paired: all lists must have the same length) or
``random`` (``samples`` points, each parameter drawn independently; list-like
generators draw uniformly from their values). In a grid, an entry
``zip: [param, param, ...]`` pairs those parameters with each other and
crosses the group with the rest.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

LIST_GENERATORS = ("values", "linspace", "logspace", "range")
RANDOM_GENERATORS = ("uniform", "loguniform", "randint", "choice")
GENERATORS = LIST_GENERATORS + RANDOM_GENERATORS
COMBINE = ("grid", "zip", "random")
#: Most values one generator may give (more would exhaust memory before a point runs).
MAX_VALUES = 100_000
#: Integer bounds must fit numpy's 64-bit draws.
_INT_LIMIT = 2**62


class GeneratorError(ValueError):
    """A generator's arguments are invalid (the message says which and why)."""


def _number(spec: Mapping[str, Any], key: str, kind: str, *, integer: bool = False) -> Any:
    if key not in spec:
        raise GeneratorError(f"{kind} needs {key!r}")
    value = spec[key]
    if isinstance(value, str):
        try:
            value = float(value) if not integer else int(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GeneratorError(f"{kind}.{key} must be a number (got {value!r})")
    if isinstance(value, int) and abs(value) > _INT_LIMIT:
        raise GeneratorError(f"{kind}.{key} must be between -2**62 and 2**62 (got {value})")
    if not math.isfinite(value):
        raise GeneratorError(f"{kind}.{key} must be finite (got {value!r})")
    if integer and (not float(value).is_integer()):
        raise GeneratorError(f"{kind}.{key} must be an integer (got {value!r})")
    return int(value) if integer else value


def _count(spec: Mapping[str, Any], kind: str, key: str = "num") -> int:
    num = _number(spec, key, kind, integer=True)
    if num < 1:
        raise GeneratorError(f"{kind}.{key} must be >= 1 (got {num}): the range would be empty")
    if num > MAX_VALUES:
        raise GeneratorError(f"{kind}.{key} must be <= {MAX_VALUES} (got {num})")
    return int(num)


def _check_keys(spec: Any, kind: str, allowed: Sequence[str]) -> Mapping[str, Any]:
    if not isinstance(spec, Mapping):
        raise GeneratorError(
            f"{kind} must be a mapping with {', '.join(allowed)} (got {spec!r})"
        )
    unknown = [k for k in spec if k not in allowed]
    if unknown:
        raise GeneratorError(
            f"{kind}: unknown key {unknown[0]!r} (valid: {', '.join(allowed)})"
        )
    return spec


_NUMERIC = re.compile(r"[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][+-]?\d+)?")


def _plain(value: Any) -> Any:
    """numpy scalars -> Python numbers; numeric strings such as YAML 1.1's ``1e5`` -> float."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        text = value.strip().replace("_", "")
        try:
            return int(text)
        except ValueError:
            return float(text)
    return value


def list_values(kind: str, spec: Any) -> list[Any]:
    """The values of a list-like generator (``values``, ``linspace``, ``logspace``, ``range``)."""
    if kind == "values":
        if not isinstance(spec, Sequence) or isinstance(spec, (str, bytes)):
            raise GeneratorError(f"values must be a list (got {spec!r})")
        if not spec:
            raise GeneratorError("values is empty")
        if len(spec) > MAX_VALUES:
            raise GeneratorError(f"values has {len(spec)} entries; at most {MAX_VALUES}")
        return [_plain(v) for v in spec]
    if kind == "linspace":
        spec = _check_keys(spec, kind, ("start", "stop", "num"))
        start, stop = _number(spec, "start", kind), _number(spec, "stop", kind)
        num = _count(spec, kind)
        return [float(v) for v in np.linspace(start, stop, num)]
    if kind == "logspace":
        spec = _check_keys(spec, kind, ("start", "stop", "num"))
        start, stop = _number(spec, "start", kind), _number(spec, "stop", kind)
        num = _count(spec, kind)
        if start <= 0 or stop <= 0:
            raise GeneratorError(
                f"logspace start and stop must be > 0 (got {start!r}, {stop!r}); they are "
                "the end values, not exponents"
            )
        return [float(v) for v in np.geomspace(start, stop, num)]
    if kind == "range":
        spec = _check_keys(spec, kind, ("start", "stop", "step"))
        start, stop = _number(spec, "start", kind), _number(spec, "stop", kind)
        step = _number(spec, "step", kind) if "step" in spec else 1
        if step == 0:
            raise GeneratorError("range.step must not be 0")
        if (stop - start) * step < 0:
            raise GeneratorError(
                f"range is empty: from {start} to {stop} with step {step}"
            )
        count = math.floor((stop - start) / step + 1e-9) + 1
        if count > MAX_VALUES:
            raise GeneratorError(f"range gives {count} values; at most {MAX_VALUES}")
        integer = all(isinstance(v, int) for v in (start, stop, step))
        values = [start + i * step for i in range(count)]
        return values if integer else [float(v) for v in values]
    raise GeneratorError(f"unknown generator {kind!r} (valid: {', '.join(GENERATORS)})")


def check_random(kind: str, spec: Any, *, with_num: bool) -> None:
    """Validate a random generator's arguments (``num`` allowed when ``with_num``)."""
    extra = ("num",) if with_num else ()
    if kind == "choice":
        values = spec.get("values") if isinstance(spec, Mapping) else spec
        if isinstance(spec, Mapping):
            _check_keys(spec, kind, ("values", *extra))
        if not isinstance(values, Sequence) or isinstance(values, (str, bytes)) or not values:
            raise GeneratorError(f"choice needs a non-empty list of values (got {values!r})")
    else:
        spec = _check_keys(spec, kind, ("low", "high", *extra))
        integer = kind == "randint"
        low = _number(spec, "low", kind, integer=integer)
        high = _number(spec, "high", kind, integer=integer)
        if high < low or (high == low and kind != "randint"):
            raise GeneratorError(f"{kind} needs low < high (got {low}, {high})")
        if kind == "loguniform" and low <= 0:
            raise GeneratorError(f"loguniform needs low > 0 (got {low})")
    if with_num:
        if not isinstance(spec, Mapping) or "num" not in spec:
            raise GeneratorError(
                f"{kind} in a grid or zip sweep needs 'num' (how many values to draw); "
                "or use combine: random"
            )
        _count(spec, kind)


def draw(kind: str, spec: Any, rng: np.random.Generator, size: int) -> list[Any]:
    """``size`` draws of a generator (list-like generators draw from their values)."""
    if kind in LIST_GENERATORS or kind == "choice":
        if kind == "choice":
            pool = spec.get("values") if isinstance(spec, Mapping) else spec
            if pool is None:  # check_random rejects this when the spec is loaded
                raise GeneratorError("choice needs a non-empty list of values (got None)")
        else:
            pool = list_values(kind, spec)
        pool = [_plain(v) for v in pool]
        picks = rng.integers(len(pool), size=size)
        return [_plain(pool[int(i)]) for i in picks]
    low, high = spec["low"], spec["high"]
    if kind == "uniform":
        return [float(v) for v in rng.uniform(float(low), float(high), size=size)]
    if kind == "loguniform":
        logs = rng.uniform(math.log(float(low)), math.log(float(high)), size=size)
        return [float(math.exp(v)) for v in logs]
    if kind == "randint":
        return [int(v) for v in rng.integers(int(low), int(high), size=size, endpoint=True)]
    raise GeneratorError(f"unknown generator {kind!r}")


@dataclass(frozen=True)
class Axis:
    """One or more parameters whose values go together (a single parameter or a zip group)."""

    names: tuple[str, ...]
    values: tuple[tuple[Any, ...], ...]  # one tuple per position, aligned with names

    def __len__(self) -> int:
        return len(self.values)


def grid(axes: Sequence[Axis]) -> list[dict[str, Any]]:
    """Cartesian product of the axes, first axis varying slowest."""
    points: list[dict[str, Any]] = [{}]
    for axis in axes:
        points = [
            {**p, **dict(zip(axis.names, row, strict=True))} for p in points for row in axis.values
        ]
    return points


def zip_axes(names: Sequence[str], columns: Sequence[Sequence[Any]]) -> Axis:
    """Pair equal-length value lists; :class:`GeneratorError` naming the lengths otherwise."""
    lengths = {name: len(col) for name, col in zip(names, columns, strict=True)}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{n}: {k}" for n, k in lengths.items())
        raise GeneratorError(f"zipped parameters need equal numbers of values ({detail})")
    return Axis(tuple(names), tuple(zip(*columns, strict=True)))
