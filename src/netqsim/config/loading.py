"""Reading configuration YAML: data, line numbers, and SquidASM's anchor holders.

SquidASM's example files define YAML anchors in extra top-level keys and merge
them into entries, e.g.::

    qdevice_cfg: &qdevice_cfg        # not a StackNetworkConfig field
      num_qubits: 2
    stacks:
      - name: Alice
        qdevice_typ: generic
        qdevice_cfg:
          <<: *qdevice_cfg

SquidASM ignores such keys. netqsim ignores a top-level key exactly when its
value carries a YAML anchor (``&name``) and the key is not a known field; every
other unknown key is an error.

Numbers: YAML 1.1 (PyYAML, which SquidASM uses) reads ``1e5`` as a string; the
models convert numeric strings to numbers as SquidASM's pydantic models do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from .base import ConfigError, Loc, Problem


class _Loader(yaml.SafeLoader):
    """SafeLoader that remembers the root node and which nodes carry anchors."""

    root: yaml.Node | None = None
    anchored: set[int]
    anchors: dict[Any, yaml.Node]

    def compose_document(self) -> yaml.Node:  # type: ignore[override]
        self.get_event()  # DocumentStart
        node = self.compose_node(None, None)  # type: ignore[arg-type]
        self.get_event()  # DocumentEnd
        self.anchored = {id(n) for n in self.anchors.values()}
        self.anchors = {}
        self.root = node
        return node


@dataclass
class YamlDocument:
    """A parsed YAML configuration document."""

    data: Any
    """The parsed data (top-level anchor holders removed)."""
    file: str | None = None
    """Where it came from, if a file."""
    lines: dict[Loc, int] = field(default_factory=dict)
    """1-based line of each mapping key / list item, by location."""
    anchor_keys: list[str] = field(default_factory=list)
    """Top-level keys that only hold YAML anchors (ignored)."""

    def line_of(self, loc: Loc) -> int | None:
        """Line of the deepest part of ``loc`` known in the document."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return None

    def annotate(self, error: ConfigError) -> ConfigError:
        """``error`` with this document's file name and line numbers added."""
        problems = [
            p if p.line is not None else replace(p, line=self.line_of(p.loc)) for p in error.details
        ]
        return ConfigError(problems, file=self.file or error.file)


def _walk(node: yaml.Node, loc: Loc, lines: dict[Loc, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            here = (*loc, key)
            lines[here] = key_node.start_mark.line + 1
            _walk(value_node, here, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            here = (*loc, index)
            lines[here] = item.start_mark.line + 1
            _walk(item, here, lines)


def parse_yaml(
    text: str, *, file: str | None = None, known_keys: Iterable[str] = ()
) -> YamlDocument:
    """Parse ``text``; drop top-level anchor-holder keys that are not in ``known_keys``.

    Raises :class:`ConfigError` (naming ``file`` and the line) on a YAML syntax error.
    """
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ConfigError([Problem((), (), f"invalid YAML: {what}", line)], file=file) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem((), (), f"invalid YAML: {exc}")], file=file) from None
    finally:
        loader.dispose()

    doc = YamlDocument(data=data, file=file)
    root = loader.root
    if root is not None:
        _walk(root, (), doc.lines)
    if isinstance(data, dict) and isinstance(root, yaml.MappingNode):
        known = set(known_keys)
        for key_node, value_node in root.value:
            key = getattr(key_node, "value", None)
            if not isinstance(key, str) or key in known or key not in data:
                continue
            if id(value_node) in loader.anchored:
                doc.anchor_keys.append(key)
                del data[key]
    return doc


def read_yaml_file(path: str | PathLike[str], *, known_keys: Iterable[str] = ()) -> YamlDocument:
    """Read and parse a YAML file (see :func:`parse_yaml`); ``OSError`` if unreadable."""
    text = Path(path).read_text(encoding="utf-8")
    return parse_yaml(text, file=str(path), known_keys=known_keys)


def dump_yaml(data: Any) -> str:
    """YAML text for plain ``data`` (keys kept in order)."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
