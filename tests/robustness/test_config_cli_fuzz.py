"""Fuzz: no input file makes ``netqsim run|sweep|validate`` print "internal error".

Valid network configs and sweep files are mutated (values replaced by nasty
ones, keys dropped or added, text edited: YAML tokens, anchors, aliases,
unbalanced brackets, YAML 1.1 booleans, 5,000-digit integers) and handed to
the CLI's ``main()`` in-process. Every outcome must be exit status 0 or 1
with no "internal error" and no traceback. The number of examples per test
is small by default; ``NETQSIM_FUZZ_EXAMPLES`` raises it (``make fuzz``).
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netqsim.cli import main
from netqsim.experiments.spec import load_sweep

EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = ROOT / "examples" / "sweeps" / "programs.py"

NETWORK = """\
qdevice_cfg: &dev
  num_qubits: 3
  T1: 0
  T2: 0
stacks:
  - name: Alice
    qdevice_typ: generic
    qdevice_cfg:
      <<: *dev
  - name: Bob
    qdevice_typ: generic
    qdevice_cfg: {num_qubits: 3, T1: 1e9, T2: 1e8, init_time: 10_000}
links:
  - stack1: Alice
    stack2: Bob
    typ: depolarise
    cfg: {fidelity: 0.9, prob_success: 0.5, t_cycle: 1000}
clinks:
  - {stack1: Alice, stack2: Bob, typ: default, cfg: {delay: 1000}}
"""

SWEEP = f"""\
name: fuzz
network:
  stacks:
    - {{name: Alice, qdevice_typ: generic, qdevice_cfg: {{num_qubits: 2, T1: 0, T2: 0}}}}
    - {{name: Bob, qdevice_typ: generic, qdevice_cfg: {{num_qubits: 2, T1: 0, T2: 1e6}}}}
  links:
    - {{stack1: Alice, stack2: Bob, typ: depolarise,
       cfg: {{fidelity: 0.9, prob_success: 1.0, t_cycle: 1000}}}}
programs:
  Alice: {PROGRAMS}:TeleportSender
  Bob:
    program: {PROGRAMS}:TeleportReceiver
    args: {{wait_ns: 1_000}}
parameters:
  - path: links[0].cfg.fidelity
    values: [0.8, 1.0]
  - path: stacks[Bob].qdevice_cfg.T2
    name: T2
    logspace: {{start: 1e5, stop: 1e6, num: 2}}
combine: grid
num_times: 2
seed: 7
metrics:
  - {{name: fidelity, node: Bob, column: success}}
"""

#: Scalars that have broken loaders before: YAML 1.1 booleans, huge and odd numbers,
#: blank names, names of real nodes and types, path-like strings.
NASTY_TEXT = [
    "yes", "no", "on", "off", "y", "n", "true", "false", "~", "null", "", " ", "\t",
    "1e5", "-1", "0", "nan", ".nan", ".inf", "-.inf", "1e999", "0x10", "0o7", "1:30",
    "Alice", "Bob", "Charlie", "generic", "nv", "perfect", "depolarise", "heralded",
    "heralded-single-click", "default", "instant", "links[0].cfg.fidelity",
    "stacks[Alice].qdevice_cfg.T1", "programs[Alice].args.x", "x:Y", "os:system",
    "programs.py:Nope", "9" * 5000, "-" + "7" * 4400, "1" * 4000,
]
scalars = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(min_value=-3, max_value=12),
    st.sampled_from([10**19, -(10**19), 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(NASTY_TEXT),
    st.text(max_size=8),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "typ", "cfg", "path", "values", "x", ""]),
                        inner, max_size=3),
    ),
    max_leaves=6,
)

#: Text inserted into a document: YAML syntax, anchors/aliases, merge keys, tags.
TOKENS = [
    "[", "]", "{", "}", ":", ": ", "- ", "-", ",", "#", "'", '"', "\n", "\n  ", "\t", "&a ",
    "*a", "<<: *a\n", "<<: ", "!!binary ", "!!python/object:os.system ", "!!set ", "? ",
    "---\n", "...\n", "%YAML 1.1\n", "&b [*b]", "*undefined", "|\n", ">\n", "\x00", "\ufeff",
    "yes", "no", "on", "off", "9" * 5000, "[" * 200, "{a: " * 120,
]


def _paths(data: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every location in ``data`` (mapping keys and list indices)."""
    out = [here]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*here, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _paths(value, (*here, index))
    return out


def _mutate_data(draw: Any, text: str) -> str:
    """Replace, delete or add one entry of the parsed document; YAML text of the result."""
    data = copy.deepcopy(yaml.safe_load(text))
    data.pop("qdevice_cfg", None)  # merged into the stacks already; unanchored it is an error
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(values)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["name", "typ", "cfg", "T1", "num_qubits", "zz"]))] = (
                draw(values))
        else:
            parent.append(copy.deepcopy(draw(st.sampled_from(parent))) if parent else None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


#: Numbers that keep a document valid but push the simulation to its edges.
numbers = st.one_of(
    st.floats(min_value=0, max_value=1e308),
    st.sampled_from([0, 1, 2, 5e-324, 1e-300, 0.25, 0.5, 0.999999, 1e12, 1e300, 10**18]),
    st.integers(min_value=0, max_value=100_000),
)


def _mutate_numbers(draw: Any, text: str) -> str:
    """Replace a few numbers of the parsed document by extreme but often valid ones."""
    data = yaml.safe_load(text)
    data.pop("qdevice_cfg", None)  # merged into the stacks already; unanchored it is an error
    paths = [p for p in _paths(data) if p and _is_number(_get(data, p))]
    for path in draw(st.lists(st.sampled_from(paths), min_size=1, max_size=3)):
        _get(data, path[:-1])[path[-1]] = draw(numbers)
    return yaml.safe_dump(data, sort_keys=False)


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _is_number(value: Any) -> bool:
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def _mutate_text(draw: Any, text: str) -> str:
    """Insert YAML tokens into, cut pieces out of, or repeat lines of ``text``."""
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "cut", "repeat"]))
        if action == "insert":
            token = draw(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)))
            text = text[:position] + token + text[position:]
        elif action == "cut":
            text = text[:position] + text[position + draw(st.integers(1, 20)):]
        else:
            lines = text.splitlines(keepends=True) or [""]
            index = min(position % len(lines), len(lines) - 1)
            lines.insert(index, lines[index])
            text = "".join(lines)
    return text


@st.composite
def documents(draw: Any, seed: str) -> str:
    """A mutated version of ``seed``: data-level, text-level, or both; or new numbers."""
    kind = draw(st.sampled_from(["data", "text", "both", "numbers"]))
    if kind == "numbers":
        return _mutate_numbers(draw, seed)
    text = seed
    if kind in ("data", "both"):
        text = _mutate_data(draw, text)
    if kind in ("text", "both"):
        text = _mutate_text(draw, text)
    return text


#: Program runs (points x num_times) a fuzzed sweep may cost; larger ones are validated only.
MAX_SWEEP_RUNS = 40


def _sweep_work(path: Path) -> int:
    """Program runs the sweep file at ``path`` asks for (0 if it does not load)."""
    try:
        spec = load_sweep(path)
    except Exception:
        return 0
    return len(spec.points()) * spec.num_times


def _run_cli(text: str, command: str) -> tuple[int, str]:
    """Write ``text`` to a file, run ``netqsim COMMAND`` on it; exit status and output."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        if command == "sweep" and _sweep_work(path) > MAX_SWEEP_RUNS:
            command = "validate"  # a valid but long sweep: its running is not what is fuzzed
        argv = {
            "validate": ["validate", str(path)],
            "run": ["run", str(path), "--program", "Alice=netqsim.demo:TeleportAlice",
                    "--program", "Bob=netqsim.demo:TeleportBob", "--num-times", "1"],
            "sweep": ["sweep", str(path), "--executor", "serial", "--quiet",
                      "--out", str(Path(tmp) / "out")],
        }[command]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    return code, out.getvalue() + err.getvalue()


def _check(text: str, command: str) -> None:
    code, output = _run_cli(text, command)
    assert code in (0, 1), (code, output, text)
    assert "internal error" not in output, (output, text)
    assert "Traceback" not in output, (output, text)


@FUZZ
@given(text=documents(NETWORK), command=st.sampled_from(["validate", "run"]))
def test_mutated_network_configs(text: str, command: str) -> None:
    _check(text, command)


@FUZZ
@given(text=documents(SWEEP), command=st.sampled_from(["validate", "sweep"]))
def test_mutated_sweep_files(text: str, command: str) -> None:
    _check(text, command)


@FUZZ
@given(text=st.text(max_size=200), command=st.sampled_from(["validate", "run", "sweep"]))
def test_random_text(text: str, command: str) -> None:
    _check(text, command)


def test_seeds_are_valid() -> None:
    """The unmutated documents pass, so the mutations start from working inputs."""
    assert _run_cli(NETWORK, "validate")[0] == 0
    assert _run_cli(NETWORK, "run")[0] == 0
    assert _run_cli(SWEEP, "validate")[0] == 0
    code, output = _run_cli(SWEEP, "sweep")
    assert code == 0, output
