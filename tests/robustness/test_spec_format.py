"""Sweep files report problems as network configs do, and no input crashes the loader.

Issue 11, code shape: the sweep format is pydantic models on the config base
(``SweepError`` is a ``ConfigError``: key path, file, line, closest valid key,
every problem at once), and ``experiments/`` has no import cycle.
"""

from __future__ import annotations

import ast
import copy
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.experiments.conftest import NETWORK

from netqsim.config import ConfigError, StackNetworkConfig
from netqsim.experiments import SweepError, SweepSpec, load_sweep, sweep_from_dict

EXPERIMENTS = Path(__file__).resolve().parents[2] / "src" / "netqsim" / "experiments"
FUZZ_EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "60"))


def _imports(module: Path) -> set[str]:
    """The modules of experiments/ that ``module`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found.update(alias.name for alias in node.names)
            elif node.module and node.module.startswith("netqsim.experiments."):
                found.add(node.module.split(".")[2])
    return found


def test_experiments_modules_import_each_other_without_a_cycle():
    graph = {p.stem: _imports(p) & {q.stem for q in EXPERIMENTS.glob("*.py")}
             for p in EXPERIMENTS.glob("*.py") if p.stem != "__init__"}
    assert "runner" not in graph["spec"]

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    cycles = sorted(name for name in graph if name in reach(name))
    assert cycles == [], f"modules on an import cycle: {cycles}"


def _write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "network.yaml").write_text(NETWORK)
    path = tmp_path / "sweep.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_sweep_and_network_problems_have_the_same_form(tmp_path):
    bad_network = tmp_path / "net.yaml"
    bad_network.write_text(NETWORK.replace("T2: 1e6", "T3: 1e6"))
    with pytest.raises(ConfigError) as net:
        StackNetworkConfig.from_file(bad_network)
    path = _write(tmp_path, """\
        network: network.yaml
        programs:
          Alice: {program: tests.experiments.programs:Rotate, arg: {n: 1}}
        parameters:
          - {path: 'links[0].cfg.fidelity', valuez: [0.9], values: [0.9]}
          - zip:
              - {path: 'stacks[Alice].qdevice_cfg.T2', values: [1, 2], nmae: a}
              - {path: 'stacks[Bob].qdevice_cfg.T2', values: [1, 2]}
        metrics:
          - {name: f, column: m, reduc: sum}
        num_time: 3
        seed: 1
        """)
    with pytest.raises(SweepError) as sweep:
        load_sweep(path)
    assert isinstance(sweep.value, ConfigError) and sweep.value.file == str(path)
    assert net.value.problems == [
        "stacks[1] (Bob).qdevice_cfg.T3: unknown key 'T3'; did you mean 'T2'? (line 8)"]
    assert sweep.value.problems == [  # in file order, those without a line first
        "num_times: required field is missing",
        "programs.Alice.arg: unknown key 'arg'; did you mean 'args'? (line 3)",
        "parameters[0] (links[0].cfg.fidelity).valuez: unknown key 'valuez'; "
        "did you mean 'values'? (line 5)",
        "parameters[1].zip[0] (stacks[Alice].qdevice_cfg.T2).nmae: unknown key 'nmae'; "
        "did you mean 'name'? (line 7)",
        "metrics[0] (f).reduc: unknown key 'reduc'; did you mean 'reduce'? (line 10)",
        "num_time: unknown key 'num_time'; did you mean 'num_times'? (line 11)",
    ]
    assert str(sweep.value).startswith(f"invalid sweep file {path} (6 problems):\n  - num_times:")
    assert [p.line for p in sweep.value.details] == [None, 3, 5, 7, 10, 11]
    assert sweep.value.details[1].loc == ("programs", "Alice", "arg")


@pytest.mark.parametrize(("key", "value"), [
    ("num_times", "true"), ("seed", "false"), ("sampling_seed", "true"), ("confidence", "true"),
])
def test_booleans_are_refused_in_numeric_settings(tmp_path, key, value):
    settings_text = {"num_times": "1", "seed": "1", key: value}
    path = _write(tmp_path, "network: network.yaml\nprograms: "
                  "{Alice: tests.experiments.programs:Rotate}\n"
                  + "".join(f"{k}: {v}\n" for k, v in settings_text.items()))
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    line = list(settings_text).index(key) + 3
    assert info.value.problems == [
        f"{key}: must be a number, not a boolean (got {value.title()}) (line {line})"]


BASE = {
    "network": StackNetworkConfig.from_yaml(NETWORK).to_dict(),
    "programs": {"Alice": {"program": "tests.experiments.programs:Rotate", "args": {"d": 2}},
                 "Bob": "tests.experiments.programs:Rotate"},
    "parameters": [
        {"path": "links[0].cfg.fidelity", "values": [0.8, 1.0]},
        {"zip": [{"path": "programs[Alice].args.n", "name": "n", "values": [0, 2]},
                 {"path": "stacks[Bob].qdevice_cfg.T2", "linspace": {"start": 1, "stop": 2,
                                                                     "num": 2}}]},
    ],
    "metrics": [{"name": "ones", "node": "Alice", "column": "m"}],
    "num_times": 2, "seed": 5,
}

JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.integers(10**30, 10**31),
    st.floats(allow_nan=True), st.text(max_size=6),
    st.sampled_from(["grid", "random", "zip", "values", "module:Class", "x.py:C",
                     "links[0].cfg.fidelity", "programs[Alice].args.n", "programs[Carol]"]),
    st.lists(st.integers(0, 3), max_size=3), st.dictionaries(st.text(max_size=4),
                                                             st.integers(), max_size=2),
)


def _paths(data, prefix=()):
    """Every (container, key) in ``data``, the top included."""
    out = []
    items = data.items() if isinstance(data, dict) else enumerate(data)
    for key, value in items:
        out.append((prefix, key))
        if isinstance(value, (dict, list)) and prefix[:1] != ("network",):
            out.extend(_paths(value, (*prefix, key)))
    return out


def _container(data, prefix):
    for key in prefix:
        data = data[key]
    return data


@settings(max_examples=FUZZ_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_sweeps_load_or_raise_sweep_error(data):
    sweep = copy.deepcopy(BASE)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        places = _paths(sweep)
        prefix, key = data.draw(st.sampled_from(places), label="where")
        target = _container(sweep, prefix)
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if action == "replace":
            target[key] = data.draw(JUNK, label="value")
        elif action == "delete" and isinstance(target, dict):
            del target[key]
        elif isinstance(target, dict):
            target[data.draw(st.sampled_from(["sampels", "zip", "name", "reduce", "path",
                                              "samples", "class", "file"]))] = data.draw(JUNK)
    try:
        spec = sweep_from_dict(sweep)
    except SweepError as exc:
        assert exc.details, "a SweepError names at least one problem"
        for problem in exc.details:
            assert problem.message and str(problem).split(":")[0], problem
    else:
        assert isinstance(spec, SweepSpec) and len(spec) >= 1


@pytest.mark.parametrize(("params", "expected"), [
    ("[{path: 'links[0].cfg.fidelity', linspace: {start: 0.5, stop: 1, num: 10000000}}]",
     "parameters[0] (links[0].cfg.fidelity): linspace.num must be <= 100000 (got 10000000)"),
    ("[{path: 'links[0].cfg.fidelity', linspace: {start: 0.5, stop: 1, "
     "num: 1000000000000000000000}}]", "linspace.num must be between -2**62 and 2**62"),
    ("[{path: 'links[0].cfg.t_cycle', linspace: {start: 1000000000000000000000, stop: 1, "
     "num: 2}}]", "linspace.start must be between -2**62 and 2**62 (got 1000000000000000000000)"),
    ("[{path: 'links[0].cfg.t_cycle', randint: {low: 0, high: 1000000000000000000000, num: 2}}]",
     "randint.high must be between -2**62 and 2**62"),
    ("[{path: 'links[0].cfg.t_cycle', range: {start: 0, stop: 10000000}}]",
     "range gives 10000001 values; at most 100000"),
    ("[{path: 'links[0].cfg.fidelity', linspace: {start: 0.5, stop: 1, num: 1001}},"
     " {path: 'links[0].cfg.t_cycle', linspace: {start: 1, stop: 2, num: 1000}}]",
     "parameters: the sweep would have 1001000 points; at most 1000000"),
])
def test_oversized_generators_are_refused_before_expanding(tmp_path, params, expected):
    """They used to crash the loader (numpy errors) or list millions of values first."""
    path = _write(tmp_path, "network: network.yaml\nprograms: "
                  f"{{Alice: tests.experiments.programs:Rotate}}\nparameters: {params}\n"
                  "num_times: 1\nseed: 1\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    assert len(info.value.problems) == 1 and expected in info.value.problems[0], (
        info.value.problems)


def test_empty_sections_mean_none(tmp_path):
    path = _write(tmp_path, "network: network.yaml\nprograms: "
                  "{Alice: tests.experiments.programs:Rotate}\nparameters:\nmetrics:\n"
                  "num_times: 1\nseed: 1\n")
    spec = load_sweep(path)
    assert (spec.parameters, spec.metrics, len(spec)) == ([], [], 1)


def test_a_metric_needs_a_column_or_a_function(tmp_path):
    path = _write(tmp_path, "network: network.yaml\nprograms: "
                  "{Alice: tests.experiments.programs:Rotate}\nmetrics:\n"
                  "  - {name: a, function: null}\n  - {name: b, column: m, function: f:g}\n"
                  "num_times: 1\nseed: 1\n")
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    need = ("needs exactly one of column (mean of a result column) or function "
            "('module:function' reducing a point's rows)")
    assert info.value.problems == [f"metrics[0] (a): {need} (line 4)",
                                   f"metrics[1] (b): {need} (line 5)"]
