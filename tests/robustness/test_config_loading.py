"""Issue 11, findings 3 and 9: hostile YAML is refused quickly, with file, key and line.

Aliases are never expanded by netqsim's own walker (a "billion laughs" file is
refused in milliseconds, and a large but allowed one costs no memory); only
``true``/``false`` are booleans; duplicate keys, recursive aliases, nesting
past the depth limit and integers too long to convert are errors naming the
file, the key path and the line.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest

from netqsim.config import ConfigError, StackNetworkConfig, loading, validate_file
from netqsim.config.loading import parse_yaml, read_yaml_file

STACKS = """\
stacks:
  - name: Alice
    qdevice_typ: generic
  - name: Bob
    qdevice_typ: generic
"""


def _laughs(width: int, levels: int) -> str:
    """Anchors l0..l{levels}: each a list of ``width`` aliases of the previous one."""
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * width)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return "\n".join(lines) + "\n"


def _error(path: Path) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(path)
    assert info.value.file == str(path)
    assert str(path) in str(info.value)
    return info.value


# --------------------------------------------------------------------------- aliases


def test_billion_laughs_is_refused_in_milliseconds_and_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "laughs.yaml"
    path.write_text(_laughs(9, 9) + STACKS)  # 9^10 scalars once expanded
    assert path.stat().st_size < 700
    tracemalloc.start()
    start = time.perf_counter()
    try:
        error = _error(path)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < 0.5, elapsed
    assert peak < 50e6, peak
    [problem] = error.problems
    assert "expands to more than 100,000 nodes once its aliases are expanded" in problem
    assert "MAX_EXPANDED_NODES" in problem


def test_aliases_under_the_limit_are_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """~6 million nodes once expanded, 90 as written: loading costs what the file holds."""
    monkeypatch.setattr(loading, "MAX_EXPANDED_NODES", 10**7, raising=False)
    path = tmp_path / "wide.yaml"
    path.write_text(_laughs(9, 6) + STACKS)
    tracemalloc.start()
    try:
        cfg = StackNetworkConfig.from_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert cfg.stack_names == ["Alice", "Bob"]
    assert peak < 50e6, peak


def test_line_numbers_follow_aliases_without_expanding_them(tmp_path: Path) -> None:
    path = tmp_path / "shared.yaml"
    path.write_text(
        "dev: &dev\n"
        "  num_qubits: 2\n"
        "  T1: -5\n"
        "stacks:\n"
        "  - {name: Alice, qdevice_typ: generic, qdevice_cfg: *dev}\n"
        "  - {name: Bob, qdevice_typ: generic, qdevice_cfg: {<<: *dev, T2: 0}}\n"
    )
    error = _error(path)
    assert error.problems == [
        "stacks[0] (Alice).qdevice_cfg.T1: must be >= 0 ns (got -5.0) (line 3)",
        "stacks[1] (Bob).qdevice_cfg.T1: must be >= 0 ns (got -5.0) (line 3)",
    ]


def test_large_document_is_refused_while_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loading, "MAX_EXPANDED_NODES", 1000, raising=False)
    text = "a: 1\nb:\n" + "  - 1\n" * 5000
    with pytest.raises(ConfigError) as info:
        parse_yaml(text, file="long.yaml")
    # node 1001 (root, a, 1, b, the list, then items) is the 996th item, on line 998
    assert info.value.problems == [
        "<root>: the document holds more than 1,000 nodes "
        "(limit: netqsim.config.loading.MAX_EXPANDED_NODES) (line 998)"
    ]


def test_expansion_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    # expanded: l3 holds 81 scalars + 40 lists, l2 27 + 13, l1 9 + 4, l0 3 + 1;
    # with the root mapping and its 4 keys that is 183 nodes
    text = _laughs(3, 3)
    assert parse_yaml(text, known_keys=["l3"]).data["l3"][2][1][0] == ["lol"] * 3
    monkeypatch.setattr(loading, "MAX_EXPANDED_NODES", 100)
    with pytest.raises(ConfigError, match="more than 100 nodes") as info:
        parse_yaml(text, file="small.yaml")
    assert info.value.file == "small.yaml"
    monkeypatch.undo()
    with pytest.raises(ConfigError, match="more than 182 nodes"):
        parse_yaml(text, max_nodes=182)
    assert parse_yaml(text, max_nodes=183, known_keys=["l0"]).data["l0"] == ["lol"] * 3


@pytest.mark.parametrize(
    "text",
    ["stacks: &a [*a]\n", "a: &a {b: [1, *a]}\n", "a: &a\n  b: *a\n"],
    ids=["list", "map-in-list", "block-map"],
)
def test_recursive_alias_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(text)
    [problem] = _error(path).problems
    assert "recursive alias" in problem and "(line 1)" in problem


def test_nesting_through_aliases_counts_toward_the_depth_limit() -> None:
    # each anchor nests 60 levels under the previous one: 4 x 60 levels once expanded
    text = "a0: &a0 x\n" + "".join(
        f"a{i}: &a{i} {'[' * 60}*a{i - 1}{']' * 60}\n" for i in range(1, 5)
    )
    with pytest.raises(ConfigError, match="nested deeper than 100 levels once its aliases"):
        parse_yaml(text)


# --------------------------------------------------------------------------- booleans


def test_only_true_and_false_are_booleans() -> None:
    data = parse_yaml(
        "a: [yes, No, ON, off, y, N, Yes, OFF, true, False, TRUE, 'true', !!bool yes]\n"
    ).data
    assert data["a"] == [
        "yes", "No", "ON", "off", "y", "N", "Yes", "OFF", True, False, True, "true", True
    ]


@pytest.mark.parametrize("word", ["no", "off", "No", "OFF"])
def test_yaml11_boolean_in_a_number_field_is_an_error(tmp_path: Path, word: str) -> None:
    path = tmp_path / "t1.yaml"
    path.write_text(STACKS + f"    qdevice_cfg:\n      T1: {word}\n")
    [problem] = _error(path).problems
    assert problem.startswith("stacks[1] (Bob).qdevice_cfg.T1: must be a valid number")
    assert f"(got {word!r})" in problem and problem.endswith("(line 7)")


def test_yaml11_boolean_in_a_boolean_field_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "flag.yaml"
    path.write_text(
        STACKS + "links:\n  - {stack1: Alice, stack2: Bob, typ: heralded,\n"
        "     cfg: {length: 1, num_resolving: yes}}\n"
    )
    [problem] = _error(path).problems
    assert problem == (
        "links[0] (Alice-Bob).cfg.num_resolving: must be true or false (got 'yes') (line 8)"
    )


def test_sweep_files_get_yaml12_booleans_too(tmp_path: Path) -> None:
    from netqsim.experiments import SweepError, load_sweep

    path = tmp_path / "sweep.yaml"
    path.write_text(
        "network:\n"
        "  stacks:\n"
        "    - {name: Alice, qdevice_typ: generic, qdevice_cfg: {T1: off}}\n"
        "programs:\n"
        "  Alice: netqsim.demo:TeleportAlice\n"
        "parameters:\n"
        "  - {path: 'stacks[Alice].qdevice_cfg.T2', values: [1, 2]}\n"
    )
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    text = str(info.value)
    assert str(path) in text and "qdevice_cfg.T1" in text and "'off'" in text


# --------------------------------------------------------------------------- duplicate keys


def test_duplicate_key_names_key_file_and_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "stacks:\n"
        "  - name: Alice\n"
        "    qdevice_typ: generic\n"
        "    qdevice_cfg:\n"
        "      T1: 0\n"
        "      T2: 0\n"
        "      T1: 5\n"
    )
    [problem] = _error(path).problems
    assert problem == "stacks[0].qdevice_cfg.T1: duplicate key 'T1', first on line 5 (line 7)"


def test_every_duplicate_is_listed_and_keys_compare_as_loaded(tmp_path: Path) -> None:
    path = tmp_path / "dups.yaml"
    path.write_text(STACKS + "links: []\nlinks: []\n'stacks': []\nm: {1: a, 0x1: b, 1.5: c}\n")
    assert _error(path).problems == [
        "links: duplicate key 'links', first on line 6 (line 7)",
        "stacks: duplicate key 'stacks', first on line 1 (line 8)",
        "m.0x1: duplicate key '0x1', first on line 9 (line 9)",
    ]


def test_merged_keys_may_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "merge.yaml"
    path.write_text(
        "dev: &dev {num_qubits: 2, T1: 0, T2: 0}\n"
        "stacks:\n"
        "  - name: Alice\n"
        "    qdevice_typ: generic\n"
        "    qdevice_cfg: {<<: *dev, T1: 100}\n"
    )
    cfg = StackNetworkConfig.from_file(path)
    assert cfg.stacks[0].qdevice_cfg.T1 == 100 and cfg.stacks[0].qdevice_cfg.num_qubits == 2


# --------------------------------------------------------------------------- size limits


@pytest.mark.parametrize(
    "text",
    [
        "stacks: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "stacks: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "stacks:\n" + "".join("  " * i + "- \n" for i in range(1, 400)),
        "".join("  " * i + f"k{i}:\n" for i in range(1_000)),
    ],
    ids=["flow-lists", "flow-maps", "block-lists", "block-maps"],
)
def test_deep_nesting_is_an_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    [problem] = _error(path).problems
    assert "the document is nested deeper than 100 levels" in problem
    assert "(line " in problem


def test_depth_limit_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert parse_yaml("a: [[[1]]]").data == {"a": [[[1]]]}
    monkeypatch.setattr(loading, "MAX_DEPTH", 3)
    with pytest.raises(ConfigError, match="deeper than 3 levels"):
        parse_yaml("a: [[[1]]]")


def test_5000_digit_integer_is_out_of_range_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(STACKS + "    qdevice_cfg:\n      T1: " + "9" * 5000 + "\n")
    [problem] = _error(path).problems
    assert problem.startswith("stacks[1].qdevice_cfg.T1: integer out of range (5000 digits")
    assert problem.endswith("(line 7)")


@pytest.mark.parametrize(
    ("key", "digits", "limit"),
    [("num_qubits", 4000, "9.223e+18"), ("num_qubits", 19, "9.223e+18"),
     ("T1", 4000, "1.798e+308")],
)
def test_long_integer_in_a_numeric_field_is_out_of_range(
    tmp_path: Path, key: str, digits: int, limit: str
) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(STACKS + f"    qdevice_cfg:\n      {key}: {'9' * digits}\n")
    [problem] = _error(path).problems
    assert problem.startswith(
        f"stacks[1] (Bob).qdevice_cfg.{key}: out of range (magnitude at most {limit})"
    )
    assert problem.endswith("(line 7)")


def test_control_character_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.yaml"
    path.write_text(STACKS + "links: []\x08\n")
    [problem] = _error(path).problems
    assert "character U+0008 is not allowed" in problem and problem.endswith("(line 6)")


def test_file_that_is_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(STACKS.replace("Bob", "B\xf6b").encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8 text") as info:
        read_yaml_file(path)
    assert info.value.file == str(path)
    [problem] = validate_file(path)
    assert "not UTF-8 text" in problem
