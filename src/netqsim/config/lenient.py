"""Lenient loading: unknown keys become warnings and are dropped, as SquidASM drops them.

SquidASM's config classes are pydantic models that ignore keys they do not
know, so its shipped YAML files carry keys no model reads: ``measurement_time``
(the field is ``measure_time``), generic-device keys (``T1``, ``init_time``...)
on an ``nv`` device, ``host_latency``/``instr_proc_time`` (read by SquidASM's
old NV runtime, ignored by its stack runtime), link-model keys under
``typ: perfect``. netqsim's loading is strict; with ``strict=False`` (the
default inside :func:`lenient_loading`, which ``netqsim squidasm`` opens for
the script it runs) each such key is dropped with one
:class:`IgnoredConfigKeyWarning` that names the key, the file, the line and the
closest valid key. Every other problem (a bad value, an unknown ``typ``, a
missing field) stays an error.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .base import UNKNOWN_KEY, ConfigError, Loc, Problem

if TYPE_CHECKING:
    from .base import ConfigModel
    from .loading import YamlDocument

__all__ = ["IgnoredConfigKeyWarning", "lenient_loading", "strict_by_default"]


class IgnoredConfigKeyWarning(UserWarning):
    """A configuration key that SquidASM ignores was dropped by lenient loading."""


_strict: ContextVar[bool] = ContextVar("netqsim_config_strict", default=True)


def strict_by_default() -> bool:
    """Whether ``from_file``/``from_yaml``/``from_dict`` without ``strict=`` load strictly."""
    return _strict.get()


@contextmanager
def lenient_loading() -> Iterator[None]:
    """Within the block, configs load with ``strict=False`` unless told otherwise."""
    token = _strict.set(False)
    try:
        yield
    finally:
        _strict.reset(token)


def _drop(value: Any, locs: list[Loc]) -> Any:
    """A copy of ``value`` without the keys at ``locs`` (containers off the paths are shared)."""
    if not locs:
        return value
    if isinstance(value, Mapping):
        items: dict[Any, Any] = dict(value)
        by_key = {str(k): k for k in items}
        for head in {loc[0] for loc in locs}:
            key = by_key.get(str(head))
            if key is None:
                continue
            rest = [loc[1:] for loc in locs if loc[0] == head]
            if any(not r for r in rest):
                del items[key]
            else:
                items[key] = _drop(items[key], rest)
        return items
    if isinstance(value, list):
        out = list(value)
        for index in {loc[0] for loc in locs if isinstance(loc[0], int)}:
            if 0 <= index < len(out):
                out[index] = _drop(out[index], [loc[1:] for loc in locs if loc[0] == index])
        return out
    return value


def _stacklevel() -> int:
    """``warnings.warn`` stack level of the first caller outside netqsim.

    (Loading may go through the compatibility layer, e.g. netbuilder's
    ``NetworkConfig.from_file``; the warning points at the user's line.)
    """
    netqsim_root = Path(__file__).parent.parent
    frame = sys._getframe(1)
    level = 1
    while frame is not None and Path(frame.f_code.co_filename).is_relative_to(netqsim_root):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def _warn(ignored: list[Problem], file: str | None) -> None:
    """One warning per key as written (an anchored key merged into two stacks warns once)."""
    where: dict[tuple[int | None, str], list[str]] = {}
    for problem in ignored:
        container = ".".join(problem.parts[:-1]) or "<root>"
        paths = where.setdefault((problem.line, problem.message), [])
        if container not in paths:
            paths.append(container)
    level = _stacklevel()
    for (line, message), paths in sorted(where.items(), key=lambda item: item[0][0] or 0):
        origin = f"{file}:{line}: " if file and line else (f"{file}: " if file else "")
        stop = "" if message.endswith(("?", ".")) else "."
        warnings.warn(
            f"{origin}{', '.join(paths)}: {message}{stop} Dropped, as SquidASM ignores it.",
            IgnoredConfigKeyWarning,
            stacklevel=level,
        )


def validate_leniently(cls: type[ConfigModel], doc: YamlDocument) -> Any:
    """``cls`` built from ``doc`` with its unknown keys dropped, one warning per key as written.

    Raises :class:`ConfigError` (with file and lines) for every other problem.
    """
    data = doc.data
    ignored: list[Problem] = []
    while True:
        try:
            result = cls.model_validate(data)
        except ConfigError as exc:
            unknown = [p for p in exc.details if p.code == UNKNOWN_KEY]
            remaining = _drop(data, [p.loc for p in unknown]) if unknown else data
            if remaining is data or remaining == data:
                # nothing left to drop: the rest are real problems
                _warn(doc.annotate(ConfigError(ignored)).details, doc.file)
                raise doc.annotate(exc) from None
            ignored.extend(unknown)
            data = remaining
            continue
        _warn(doc.annotate(ConfigError(ignored)).details, doc.file)
        return result
