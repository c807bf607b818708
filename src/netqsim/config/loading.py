"""Reading configuration YAML: data, line numbers, and SquidASM's anchor holders.

Every YAML file netqsim reads (network configs and sweep files) goes through
:func:`parse_yaml`.

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

Booleans follow YAML 1.2: only ``true``/``false`` (any of ``true``, ``True``,
``TRUE``) are booleans; ``yes``/``no``/``on``/``off`` stay strings (YAML 1.1
made them booleans, so ``T1: no`` silently meant 0).

Numbers: YAML 1.1 (PyYAML, which SquidASM uses) reads ``1e5`` as a string; the
models convert numeric strings to numbers as SquidASM's pydantic models do.

Refused with a :class:`ConfigError` naming the file and line: duplicate keys in
a mapping, recursive aliases, nesting deeper than :data:`MAX_DEPTH`, documents
whose aliases expand to more than :data:`MAX_EXPANDED_NODES` nodes ("billion
laughs"), and integers too long to convert.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import Any

import yaml

from .base import ConfigError, Loc, Problem, render_loc

#: Most nodes (scalars, lists, mappings, keys) a document may hold once every alias
#: is expanded. Real configurations hold a few thousand (a 1,000-node chain about
#: 40,000); a "billion laughs" document of a few hundred bytes expands to billions,
#: and PyYAML parses some 10,000 to 100,000 nodes a second. Read at each call, so it
#: can be changed at run time (or passed to :func:`parse_yaml` as ``max_nodes``).
MAX_EXPANDED_NODES = 100_000

#: Deepest nesting of lists and mappings a document may have, aliases expanded
#: (real configurations nest fewer than 10 levels; PyYAML itself recurses per level).
MAX_DEPTH = 100

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_KEY_TAGS = {
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    _BOOL_TAG,
    "tag:yaml.org,2002:null",
}


class _DocumentProblem(Exception):
    """A limit or rule of netqsim's (not YAML's) broken while reading a document."""

    def __init__(self, message: str, mark: yaml.Mark | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = mark.line + 1 if mark is not None else None


class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and netqsim's limits.

    Remembers the root node and which nodes carry anchors; records duplicate
    keys and unconvertible integers (as ``node_problems``) for the caller to
    report with their location.
    """

    root: yaml.Node | None = None
    anchored: set[int]
    anchors: dict[Any, yaml.Node]

    def __init__(self, stream: str, max_depth: int, max_nodes: int) -> None:
        super().__init__(stream)
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.depth = 0
        self.composed = 0
        #: (node, key inside it or None, message, line) of each problem found
        self.node_problems: list[tuple[yaml.Node, str | None, str, int | None]] = []

    def compose_document(self) -> yaml.Node:  # type: ignore[override]
        self.get_event()  # DocumentStart
        node = self.compose_node(None, None)  # type: ignore[arg-type]
        self.get_event()  # DocumentEnd
        self.anchored = {id(n) for n in self.anchors.values()}
        self.anchors = {}
        self.root = node
        return node

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        # PyYAML's composer recurses once per level: stop before Python's stack does.
        self.depth += 1
        self.composed += 1
        try:
            if self.composed > self.max_nodes:
                # a huge file: stop composing now rather than after minutes of parsing
                raise _DocumentProblem(_too_many(self.max_nodes, "holds"),
                                       self.peek_event().start_mark)
            if self.depth > self.max_depth:
                raise _DocumentProblem(
                    f"the document is nested deeper than {self.max_depth} levels "
                    "(netqsim.config.loading.MAX_DEPTH)",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)  # type: ignore[arg-type]
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        # Checked here, before construction merges `<<` entries into node.value
        # (where a merged key may legitimately be overridden by an explicit one).
        first: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = self._key_identity(key_node)
            if key in first:
                line1 = first[key].start_mark.line + 1
                message = f"duplicate key {key_node.value!r}, first on line {line1}"
                self.node_problems.append(
                    (node, key_node.value, message, key_node.start_mark.line + 1)
                )
            else:
                first[key] = key_node
        return node

    def _key_identity(self, node: yaml.ScalarNode) -> Any:
        """What the key becomes in the constructed dict (``1`` and ``0x1`` collide)."""
        if node.tag in _SCALAR_KEY_TAGS:
            # SafeLoader's own constructors: pure functions of the node, no memo.
            construct = yaml.SafeLoader.yaml_constructors[node.tag]
            try:
                value = construct(self, node)
            except (ValueError, yaml.YAMLError):
                return (node.tag, node.value)
            if not (isinstance(value, float) and math.isnan(value)):
                return value
        return (node.tag, node.value)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            # Python refuses int() of more than sys.get_int_max_str_digits() digits.
            digits = sum(c.isdigit() for c in node.value)
            limit = sys.get_int_max_str_digits()
            message = f"integer out of range ({digits} digits; at most {limit})"
            self.node_problems.append((node, None, message, node.start_mark.line + 1))
            return 0


# YAML 1.2 booleans: drop the YAML 1.1 bool resolver (yes/no/on/off), keep true/false.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _too_many(max_nodes: int, verb: str) -> str:
    once = " once its aliases are expanded" if verb == "expands to" else ""
    return (f"the document {verb} more than {max_nodes:,} nodes{once} "
            "(limit: netqsim.config.loading.MAX_EXPANDED_NODES)")


def _check_expansion(root: yaml.Node, max_nodes: int, max_depth: int) -> None:
    """Refuse cycles and documents that expand past the limits; visits each node once."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    cap = max_nodes + 1  # sizes are capped so memoised sums stay small integers
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            kids = _children(node)
            size[key] = min(cap, 1 + sum(size[id(k)] for k in kids))
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            open_nodes.discard(key)
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise _DocumentProblem("an alias refers to a node that contains it (recursive "
                                   "alias)", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in open_nodes:
                raise _DocumentProblem("an alias refers to a node that contains it (recursive "
                                       "alias)", kid.start_mark)
            if id(kid) not in size:
                stack.append((kid, False))
    if size[id(root)] > max_nodes:
        raise _DocumentProblem(_too_many(max_nodes, "expands to"), None)
    if depth[id(root)] > max_depth:
        raise _DocumentProblem(
            f"the document is nested deeper than {max_depth} levels once its aliases are "
            "expanded (limit: netqsim.config.loading.MAX_DEPTH)", None)


def _entries(node: yaml.Node) -> Iterable[tuple[str | int, yaml.Node, int]]:
    """(location part, child node, line) of each entry of a mapping or sequence."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            yield key, value_node, key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield index, item, item.start_mark.line + 1


def _locations(root: yaml.Node, wanted: set[int]) -> dict[int, Loc]:
    """First location of each node in ``wanted`` (breadth first, each node visited once)."""
    found: dict[int, Loc] = {}
    seen = {id(root)}
    queue: list[tuple[yaml.Node, Loc]] = [(root, ())]
    for node, loc in queue:
        if id(node) in wanted:
            found.setdefault(id(node), loc)
        if isinstance(node, yaml.MappingNode):
            for key_node, _ in node.value:
                if id(key_node) in wanted:
                    found.setdefault(id(key_node), loc)
        for part, child, _ in _entries(node):
            if id(child) not in seen:
                seen.add(id(child))
                queue.append((child, (*loc, part)))
    return found


@dataclass
class YamlDocument:
    """A parsed YAML configuration document."""

    data: Any
    """The parsed data (top-level anchor holders removed)."""
    file: str | None = None
    """Where it came from, if a file."""
    root: yaml.Node | None = None
    """The composed node graph (aliases shared, never expanded), for line numbers."""
    anchor_keys: list[str] = field(default_factory=list)
    """Top-level keys that only hold YAML anchors (ignored)."""
    _index: dict[int, dict[str | int, tuple[int, yaml.Node]]] = field(
        default_factory=dict, repr=False
    )

    def _entries_of(self, node: yaml.Node) -> dict[str | int, tuple[int, yaml.Node]]:
        # One index per node identity: an aliased node is indexed once however
        # often the document refers to it.
        index = self._index.get(id(node))
        if index is None:
            index = {part: (line, child) for part, child, line in _entries(node)}
            self._index[id(node)] = index
        return index

    def line_of(self, loc: Loc) -> int | None:
        """Line of the deepest part of ``loc`` known in the document."""
        node, line = self.root, None
        for part in loc:
            if node is None:
                break
            entries = self._entries_of(node)
            hit = entries.get(part)
            if hit is None and isinstance(node, yaml.MappingNode):
                hit = entries.get(str(part))
            if hit is None:
                break
            line, node = hit
        return line

    def annotate(self, error: ConfigError) -> ConfigError:
        """``error`` with this document's file name and line numbers added."""
        problems = [
            p if p.line is not None else replace(p, line=self.line_of(p.loc)) for p in error.details
        ]
        return ConfigError(problems, file=self.file or error.file)


def _node_problems(loader: _Loader, root: yaml.Node | None) -> list[Problem]:
    where = _locations(root, {id(p[0]) for p in loader.node_problems}) if root else {}
    out = []
    for node, key, message, line in loader.node_problems:
        loc = where.get(id(node), ())
        if key is not None:
            loc = (*loc, key)
        out.append(Problem(loc, render_loc(loc), message, line))
    return sorted(out, key=lambda p: p.line or 0)


def parse_yaml(
    text: str,
    *,
    file: str | None = None,
    known_keys: Iterable[str] = (),
    max_nodes: int | None = None,
    max_depth: int | None = None,
) -> YamlDocument:
    """Parse ``text``; drop top-level anchor-holder keys that are not in ``known_keys``.

    Raises :class:`ConfigError` (naming ``file`` and the line) on a YAML syntax
    error, a duplicate key, a recursive alias, an integer too long to convert,
    nesting deeper than ``max_depth`` (default :data:`MAX_DEPTH`) or more than
    ``max_nodes`` nodes once aliases are expanded (default :data:`MAX_EXPANDED_NODES`).
    """
    max_nodes = MAX_EXPANDED_NODES if max_nodes is None else max_nodes
    max_depth = MAX_DEPTH if max_depth is None else max_depth
    loader: _Loader | None = None
    try:
        loader = _Loader(text, max_depth, max_nodes)  # the reader checks the characters here
        root = loader.get_single_node()
        if root is not None:
            _check_expansion(root, max_nodes, max_depth)
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        context = exc.context
        if context and exc.context_mark is not None and exc.context_mark is not mark:
            context += f" (line {exc.context_mark.line + 1})"  # e.g. a duplicate anchor's first
        what = ", ".join(str(x) for x in (context, exc.problem) if x)
        raise ConfigError([Problem((), (), f"invalid YAML: {what}", line)], file=file) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        char = exc.character
        shown = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        what = f"character {shown} is not allowed in YAML ({exc.reason})"
        raise ConfigError([Problem((), (), f"invalid YAML: {what}", line)], file=file) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem((), (), f"invalid YAML: {exc}")], file=file) from None
    except _DocumentProblem as exc:
        raise ConfigError([Problem((), (), exc.message, exc.line)], file=file) from None
    finally:
        if loader is not None:
            loader.dispose()
    if loader.node_problems:
        raise ConfigError(_node_problems(loader, root), file=file)

    doc = YamlDocument(data=data, file=file, root=root)
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


def read_text_file(path: str | PathLike[str]) -> str:
    """The text of a config file; ``OSError`` if unreadable, :class:`ConfigError` if not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problem = Problem((), (), f"not UTF-8 text (byte {exc.start}: {exc.reason})")
        raise ConfigError([problem], file=str(path)) from None


def read_yaml_file(
    path: str | PathLike[str],
    *,
    known_keys: Iterable[str] = (),
    max_nodes: int | None = None,
    max_depth: int | None = None,
) -> YamlDocument:
    """Read and parse a YAML file (see :func:`parse_yaml`); ``OSError`` if unreadable.

    A file that is not UTF-8 text raises :class:`ConfigError`.
    """
    return parse_yaml(read_text_file(path), file=str(path), known_keys=known_keys,
                      max_nodes=max_nodes, max_depth=max_depth)


def dump_yaml(data: Any) -> str:
    """YAML text for plain ``data`` (keys kept in order)."""
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
