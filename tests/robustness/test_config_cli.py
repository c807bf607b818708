"""Issue 11, finding 9: hostile input files give one-line errors, never "internal error".

Each file here made ``netqsim run`` / ``netqsim validate`` print "internal
error" (RecursionError, ValueError from int(), ReaderError, MemoryError);
``test_config_cli_fuzz.py`` looks for more.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import netqsim
from netqsim import cli
from netqsim.cli import main
from netqsim.config import ConfigError, Problem

GOOD = """\
stacks:
  - name: Alice
    qdevice_typ: generic
  - name: Bob
    qdevice_typ: generic
links:
  - {stack1: Alice, stack2: Bob, typ: perfect}
"""
PROGRAMS = ["--program", "Alice=netqsim.demo:TeleportAlice",
            "--program", "Bob=netqsim.demo:TeleportBob"]

HOSTILE = {
    "deep-lists": ("stacks: " + "[" * 10_000 + "]" * 10_000 + "\n",
                   "nested deeper than 100 levels (netqsim.config.loading.MAX_DEPTH) (line 1)"),
    "deep-maps": ("stacks: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n",
                  "nested deeper than 100 levels"),
    "5000-digits": (GOOD.replace("typ: perfect}", "typ: perfect, cfg: {length: "
                                 + "9" * 5000 + "}}"),
                    "links[0].cfg.length: integer out of range (5000 digits; at most 4300) "
                    "(line 7)"),
    "recursive-alias": ("stacks: &s [*s]\n", "recursive alias"),
    "billion-laughs": ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi",
                                                                    strict=True)) + GOOD,
        "expands to more than 100,000 nodes"),
    "null-key": ("? \n" + GOOD,
                 "None: unknown key 'None' (valid: stacks, links, clinks, network_layer)"),
    "control-character": (GOOD + "\x1b[31m\n", "character U+001B is not allowed"),
    "10^18-qubits": (GOOD.replace("name: Bob\n    qdevice_typ: generic",
                                  "name: Bob\n    qdevice_typ: generic\n    qdevice_cfg: "
                                  "{num_qubits: 1000000000000000000}"),
                     "stacks[1] (Bob).qdevice_cfg.num_qubits: must be <= 100,000"),
}


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", list(HOSTILE))
@pytest.mark.parametrize("command", ["run", "validate"])
def test_hostile_file_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, command: str
) -> None:
    text, expected = HOSTILE[name]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    args = ["run", str(path), *PROGRAMS] if command == "run" else ["validate", str(path)]
    code, out, err = _cli(capsys, *args)
    assert code == 1
    assert "internal error" not in out + err and "Traceback" not in out + err
    assert expected in out + err
    assert str(path) in out + err


@pytest.mark.parametrize("command", ["run", "sweep", "validate"])
def test_file_that_is_not_utf8_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD.replace("Bob", "B\xf6b").encode("latin-1"))
    args = {"run": ["run", str(path), *PROGRAMS], "validate": ["validate", str(path)],
            "sweep": ["sweep", str(path), "--executor", "serial", "--out", str(tmp_path)]}
    code, out, err = _cli(capsys, *args[command])
    assert code == 1
    assert "internal error" not in out + err
    assert f"{path}" in out + err and "not UTF-8 text (byte 60: invalid start byte)" in out + err


def test_memory_error_during_a_run_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)

    def run(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr(netqsim, "run", run)
    code, _, err = _cli(capsys, "run", str(path), *PROGRAMS)
    assert code == 1
    assert err.startswith("netqsim: error: out of memory: the input asks for more memory")
    assert "internal error" not in err


def test_config_error_reaching_the_top_is_a_user_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)

    def build(*args: object) -> None:
        raise ConfigError([Problem(("x",), ("x",), "is wrong", 3)], file="other.yaml")

    monkeypatch.setattr(cli, "_build_programs", build)
    code, _, err = _cli(capsys, "run", str(path), *PROGRAMS)
    assert code == 1
    assert err.startswith("netqsim: error: invalid configuration in other.yaml (1 problem):")
    assert "  - x: is wrong (line 3)" in err


def test_validate_lists_every_problem_found_while_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dups.yaml"
    path.write_text(GOOD + "links: []\nclinks: []\nclinks: []\n")
    code, out, _ = _cli(capsys, "validate", str(path))
    assert code == 1
    assert out.splitlines() == [
        f"{path}: 2 problems:",
        "  - links: duplicate key 'links', first on line 6 (line 8)",
        "  - clinks: duplicate key 'clinks', first on line 9 (line 10)",
    ]
