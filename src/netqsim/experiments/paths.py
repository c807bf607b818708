"""Parameter paths: where a swept value goes in the network config or a program's arguments.

A path is a dotted list of keys; ``[...]`` selects a list entry, by index or
by name::

    links[0].cfg.fidelity               first link's fidelity
    links[Alice-Bob].cfg.fidelity       the link between Alice and Bob (either order)
    stacks[Alice].qdevice_cfg.T2        Alice's memory T2
    clinks[0].cfg.delay                 the first classical link's delay
    programs[Bob].args.theta            constructor argument ``theta`` of Bob's program
    programs[Bob][1].args.theta         ... of Bob's second program (a node with several)

Paths into the network config are checked against the base config (its
``to_dict()`` form, which lists every field with its default): an unknown key
is an error with the closest valid key. Values are applied to a copy of the
plain data, and the result is validated by the config models.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from netqsim.config.base import suggest

Selector = int | str
_NAME = r"[A-Za-z_][A-Za-z0-9_\-]*"
_SEGMENT = re.compile(rf"({_NAME})((?:\[[^\[\]]+\])*)$")
_SELECTOR = re.compile(r"\[([^\[\]]+)\]")


class PathError(ValueError):
    """A parameter path is malformed or names nothing."""


@dataclass(frozen=True)
class Step:
    """One key, followed by zero or more ``[selector]``."""

    key: str
    selectors: tuple[Selector, ...] = ()


@dataclass(frozen=True)
class ParamPath:
    """A parsed parameter path; ``target`` is ``"network"`` or ``"programs"``."""

    text: str
    steps: tuple[Step, ...]

    @property
    def target(self) -> str:
        return "programs" if self.steps[0].key == "programs" else "network"

    @property
    def leaf(self) -> str:
        """The last key (e.g. ``fidelity``), used as the default column name."""
        return self.steps[-1].key

    def __str__(self) -> str:
        return self.text


def _selector(text: str) -> Selector:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def parse_path(text: Any) -> ParamPath:
    """Parse ``text`` (``links[0].cfg.fidelity``); :class:`PathError` if malformed."""
    if not isinstance(text, str) or not text.strip():
        raise PathError(f"a parameter path must be a non-empty string (got {text!r})")
    steps: list[Step] = []
    for raw in text.strip().split("."):
        match = _SEGMENT.match(raw)
        if not match:
            raise PathError(
                f"malformed path {text!r} at {raw!r} (expected e.g. links[0].cfg.fidelity "
                "or stacks[Alice].qdevice_cfg.T2)"
            )
        selectors = tuple(_selector(s) for s in _SELECTOR.findall(match.group(2)))
        steps.append(Step(match.group(1), selectors))
    return ParamPath(text.strip(), tuple(steps))


def _entry_names(entry: Any) -> list[str]:
    """Names a list entry answers to: ``name``, or ``A-B`` / ``B-A`` for a pair entry."""
    if not isinstance(entry, Mapping):
        return []
    names = []
    if isinstance(entry.get("name"), str):
        names.append(entry["name"])
    a, b = entry.get("stack1"), entry.get("stack2")
    if isinstance(a, str) and isinstance(b, str):
        names += [f"{a}-{b}", f"{b}-{a}"]
    return names


def _select(container: Any, selector: Selector, where: str) -> Any:
    """The index of ``selector`` in ``container`` (a list or a mapping)."""
    if isinstance(container, Sequence) and not isinstance(container, str):
        if isinstance(selector, int):
            if -len(container) <= selector < len(container):
                return selector % len(container)
            raise PathError(f"{where}[{selector}]: index out of range ({len(container)} entries)")
        for index, entry in enumerate(container):
            if selector in _entry_names(entry):
                return index
        known = [n for e in container for n in _entry_names(e)[:1]]
        close = suggest(str(selector), known)
        hint = f"; did you mean {close!r}?" if close else f" (entries: {', '.join(known)})"
        raise PathError(f"{where}[{selector}]: no entry called {selector!r}{hint}")
    if isinstance(container, Mapping):
        if selector in container:
            return selector
        raise PathError(f"{where}[{selector}]: no entry {selector!r} "
                        f"(entries: {', '.join(map(str, container))})")
    raise PathError(f"{where}: is not a list, cannot select [{selector}]")


def locate(data: Any, path: ParamPath) -> tuple[Any, Selector]:
    """The container holding the value at ``path`` and its key / index in it.

    :class:`PathError` names the first part of the path that does not exist.
    """
    node = data
    where = ""
    parent: Any = None
    key: Selector = ""
    for step in path.steps:
        if not isinstance(node, Mapping):
            raise PathError(f"{where or '<root>'}: is a value, not a mapping; cannot go to "
                            f"{step.key!r}")
        if step.key not in node:
            close = suggest(step.key, [str(k) for k in node])
            here = f"{where}.{step.key}" if where else step.key
            hint = f"; did you mean {close!r}?" if close else (
                f" (keys: {', '.join(map(str, node))})")
            raise PathError(f"{here}: unknown key {step.key!r}{hint}")
        parent, key = node, step.key
        where = f"{where}.{step.key}" if where else step.key
        node = node[step.key]
        for sel in step.selectors:
            index = _select(node, sel, where)
            parent, key = node, index
            node = node[index]
            where = f"{where}[{sel}]"
    return parent, key


def get_value(data: Any, path: ParamPath) -> Any:
    """The value at ``path`` in ``data``."""
    parent, key = locate(data, path)
    return parent[key]


def set_values(data: Any, assignments: Sequence[tuple[ParamPath, Any]]) -> Any:
    """A deep copy of ``data`` with every ``(path, value)`` applied in order."""
    out = copy.deepcopy(data)
    for path, value in assignments:
        parent, key = locate(out, path)
        if isinstance(parent, list):
            if not isinstance(key, int):  # pragma: no cover - locate indexes lists by int
                raise PathError(f"{path}: list index {key!r} is not an integer")
            parent[key] = value
        elif isinstance(parent, MutableMapping):
            parent[key] = value
        else:  # pragma: no cover - locate only returns lists and mappings
            raise PathError(f"{path}: cannot be assigned")
    return out
