"""Sweep files: parsing, points, and validation that names every bad entry before running."""

from __future__ import annotations

import re

import pytest
from tests.experiments.conftest import NETWORK
from tests.experiments.programs import Rotate

from netqsim.config import StackNetworkConfig
from netqsim.experiments import (
    SweepError,
    load_sweep,
    run_sweep,
    sweep_from_dict,
    validate_sweep_file,
)


def test_valid_sweep_points_and_tasks(sweep_file):
    spec = load_sweep(sweep_file)
    assert spec.parameter_names == ["fidelity", "n"]
    points = spec.points()
    assert len(points) == 6 and len(spec) == 6
    assert [p.params for p in points[:3]] == [
        {"fidelity": 0.8, "n": 0}, {"fidelity": 0.8, "n": 2}, {"fidelity": 0.8, "n": 4}]
    assert len({p.seed for p in points}) == 6
    task = spec.task(points[4])
    assert task.network["links"][0]["cfg"]["fidelity"] == 1.0
    assert task.programs["Alice"][0].args == {"d": 2, "n": 2}
    assert task.programs["Bob"][0].args == {}
    assert spec.describe() == "6 points x 4 iterations (grid: fidelity, n)"


def test_seeds_do_not_depend_on_position(write_sweep, sweep_file):
    spec = load_sweep(sweep_file)
    more = write_sweep(sweep_file.read_text().replace("values: [0, 2, 4]", "values: [4, 3, 0, 2]"),
                       "more.yaml")
    seeds = {(p.params["fidelity"], p.params["n"]): p.seed for p in load_sweep(more).points()}
    for p in spec.points():
        assert seeds[(p.params["fidelity"], p.params["n"])] == p.seed


def test_zip_group_random_and_inline_network(write_sweep):
    spec = load_sweep(write_sweep("""\
        network: network.yaml
        programs: {Alice: tests.experiments.programs:Rotate}
        parameters:
          - path: links[0].cfg.fidelity
            values: [0.8, 0.9, 1.0]
          - zip:
              - {path: 'stacks[Alice].qdevice_cfg.T2', name: T2a, values: [1e5, 1e6]}
              - {path: 'stacks[Bob].qdevice_cfg.T2', name: T2b, values: [2e5, 2e6]}
        num_times: 1
        seed: 1
        """))
    assert len(spec) == 6
    assert spec.points()[1].params == {"fidelity": 0.8, "T2a": 1e6, "T2b": 2e6}

    data = {
        "network": StackNetworkConfig.from_yaml(NETWORK).to_dict(),
        "programs": {"Alice": {"program": Rotate, "args": {"d": 3}}},
        "parameters": [{"path": "programs[Alice].args.n", "randint": {"low": 0, "high": 7}},
                       {"path": "links[0].cfg.fidelity", "uniform": {"low": 0.5, "high": 1}}],
        "combine": "random", "samples": 5, "sampling_seed": 9, "num_times": 2, "seed": 3,
    }
    a, b = sweep_from_dict(data), sweep_from_dict(data)
    assert len(a) == 5 and [p.params for p in a.points()] == [p.params for p in b.points()]
    assert all(0 <= p.params["n"] <= 7 and 0.5 <= p.params["fidelity"] <= 1 for p in a.points())
    data["sampling_seed"] = 10
    assert [p.params for p in sweep_from_dict(data).points()] != [p.params for p in a.points()]


def test_program_given_as_file_and_class(write_sweep, tmp_path):
    (tmp_path / "myprogs.py").write_text(
        "from tests.experiments.programs import Rotate\n\nclass Mine(Rotate):\n    pass\n")
    spec = load_sweep(write_sweep("""\
        network: network.yaml
        programs:
          Alice: {file: myprogs.py, class: Mine, args: {n: 1}}
          Bob: myprogs:Mine
        num_times: 1
        seed: 1
        """))
    assert len(spec) == 1  # no parameters: one point
    result = run_sweep(spec, executor="serial")
    assert set(result.df["node"]) == {"Alice", "Bob"}


def _problems(write_sweep, text):
    path = write_sweep(text)
    with pytest.raises(SweepError) as info:
        load_sweep(path)
    assert validate_sweep_file(path) == info.value.problems
    return info.value.problems


def test_every_problem_is_reported_with_its_entry(write_sweep):
    problems = _problems(write_sweep, """\
        network: network.yaml
        programs:
          Alice: tests.experiments.programs:Rotate
          Carol: tests.experiments.programs:Rotate
        parameters:
          - path: stacks[Alice].qdevice_cfg.T3
            values: [1, 2]
          - path: links[0].cfg.fidelity
            linspace: {start: 0.5, stop: 1, num: 0}
          - path: links[0].cfg.prob_success
            values: [0.5, 1.5, high]
          - path: programs[Alice].args.speed
            values: [1]
        num_times: 0
        seeed: 1
        """)
    text = "\n".join(problems)
    assert any(p.startswith("seeed: unknown key 'seeed'; did you mean 'seed'?") for p in problems)
    assert "num_times: must be >= 1 (got 0)" in text
    assert "seed: required field is missing" in text
    assert "programs.Carol: unknown node 'Carol'" in text
    assert ("parameters[0] (stacks[Alice].qdevice_cfg.T3): stacks[Alice].qdevice_cfg.T3: "
            "unknown key 'T3'; did you mean 'T2'?") in text
    assert "parameters[1] (links[0].cfg.fidelity): linspace.num must be >= 1" in text
    assert "parameters[2] (links[0].cfg.prob_success): value 1.5:" in text
    assert "value 'high':" in text
    assert "parameters[3] (programs[Alice].args.speed): got an unexpected keyword" in text
    assert "(arguments: Rotate(n=0, d=2, fail_at=None))" in text
    assert all("(line " in p for p in problems if not p.startswith("seed:")), problems
    assert len(problems) == 8, problems  # the two bad prob_success values share one line


@pytest.mark.parametrize(("body", "expected"), [
    ("programs: {Alice: nosuchmodule:X}", "programs.Alice: no module named 'nosuchmodule'"),
    ("programs: {Alice: tests.experiments.programs:Nope}", "has no attribute 'Nope'"),
    ("programs: {Alice: tests.experiments.programs:NotAProgram}",
     "is not a netqsim Program subclass"),
    ("programs: {Alice: Rotate}", "must be 'module:Class'"),
    ("programs: {Alice: {program: tests.experiments.programs:Rotate, args: {x: 1}}}",
     "unexpected keyword argument 'x'"),
    ("programs: {Alice: {program: tests.experiments.programs:Rotate, arg: {}}}",
     "unknown key 'arg'; did you mean 'args'?"),
    ("programs: {Alice: {file: nofile.py, class: X}}", "does not exist"),
])
def test_program_problems(write_sweep, body, expected):
    problems = _problems(write_sweep, f"network: network.yaml\n{body}\nnum_times: 1\nseed: 1\n")
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(("params", "extra", "expected"), [
    ("[{path: links[0].cfg.fidelity}]", "", "needs exactly one value generator, has no"),
    ("[{path: links[0].cfg.fidelity, values: [1], linspace: {start: 0, stop: 1, num: 2}}]", "",
     "has 2 (values, linspace)"),
    ("[{values: [1]}]", "", "parameters[0].path: required field is missing"),
    ("[{path: 'links[0].cfg..x', values: [1]}]", "", "malformed path"),
    ("[{path: links[0].cfg.fidelity, values: [0.9]}, {path: stacks[0].qdevice_cfg.fidelity,"
     " values: [1]}]", "", "unknown key 'fidelity'"),
    ("[{path: links[0].cfg.fidelity, values: [0.9], name: seed}]", "", "reserved column name"),
    ("[{path: stacks[Alice].qdevice_cfg.T2, values: [1]}, {path: stacks[Bob].qdevice_cfg.T2,"
     " values: [1]}]", "", "column name 'T2' is already used"),
    ("[{path: links[0].cfg.fidelity, values: [0.9, 1.0]}, {path: links[0].cfg.t_cycle,"
     " values: [1]}]", "combine: zip", "equal numbers of values"),
    ("[{path: links[0].cfg.fidelity, uniform: {low: 0.5, high: 1}}]", "",
     "needs 'num'"),
    ("[{path: links[0].cfg.fidelity, uniform: {low: 0.5, high: 1}}]", "combine: random",
     "samples: required field is missing"),
    ("[{zip: [{path: links[0].cfg.fidelity, values: [1]}]}]", "", "at least two parameters"),
    ("[{path: links[0].cfg, values: [1]}]", "", "not a single value"),
    ("[{path: 'programs[Carol].args.n', values: [1]}]", "", "no program for node 'Carol'"),
    ("{a: 1}", "", "parameters: must be a valid list (got {'a': 1})"),
    ("[{path: links[0].cfg.fidelity, values: [1]}]", "combine: cartesian",
     "combine: must be one of grid, zip, random (got 'cartesian')"),
])
def test_parameter_problems(write_sweep, params, extra, expected):
    # flow-style YAML needs the paths quoted ([ and ] are flow indicators)
    params = re.sub(r"path: ([^,}']+)", r"path: '\1'", params)
    problems = _problems(write_sweep, f"""\
network: network.yaml
programs: {{Alice: tests.experiments.programs:Rotate}}
parameters: {params}
num_times: 1
seed: 1
{extra}
""")
    assert any(expected in p for p in problems), problems


def test_network_problems_are_reported(write_sweep, tmp_path):
    problems = _problems(write_sweep, "network: missing.yaml\nprograms: {}\nnum_times: 1\n"
                         "seed: 1\n")
    assert any("missing.yaml does not exist" in p for p in problems)
    (tmp_path / "bad.yaml").write_text(NETWORK.replace("fidelity: 0.9", "fidelity: 2"))
    problems = _problems(write_sweep, "network: bad.yaml\nprograms: "
                         "{Alice: tests.experiments.programs:Rotate}\nnum_times: 1\nseed: 1\n")
    assert any("links[0] (Alice-Bob).cfg.fidelity" in p and "bad.yaml" in p for p in problems)
    problems = _problems(write_sweep, "network: {stacks: [{name: A, qdevice_typ: nope}]}\n"
                         "programs: {A: tests.experiments.programs:Rotate}\nnum_times: 1\n"
                         "seed: 1\n")
    assert any(p.startswith("network.stacks[0] (A).qdevice_typ: unknown qdevice_typ")
               for p in problems), problems


def test_program_argument_values_are_checked(write_sweep, tmp_path):
    problems = _problems(write_sweep, """\
        network: network.yaml
        programs:
          Alice: {program: tests.experiments.programs:PairZ, args: {peer: Bob}}
        parameters:
          - path: programs[Alice].args.role
            values: [create, sideways]
        num_times: 1
        seed: 1
        """)
    assert any("value 'sideways': PairZ(...) raised ValueError: role must be" in p
               for p in problems), problems


def test_yaml_and_file_errors(write_sweep, tmp_path):
    assert "cannot read file" in validate_sweep_file(tmp_path / "none.yaml")[0]
    assert "invalid YAML" in _problems(write_sweep, "network: [\n")[0]
    assert "empty" in _problems(write_sweep, "")[0]
