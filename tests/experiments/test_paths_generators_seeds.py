"""Parameter paths, value generators and per-point seeds."""

from __future__ import annotations

import numpy as np
import pytest
from tests.experiments.conftest import NETWORK

from netqsim.config import StackNetworkConfig
from netqsim.experiments import generators as gen
from netqsim.experiments.paths import PathError, get_value, parse_path, set_values
from netqsim.experiments.seeds import point_seed


@pytest.fixture
def data():
    return StackNetworkConfig.from_yaml(NETWORK).to_dict()


def test_parse_path_steps_and_selectors():
    path = parse_path("stacks[Alice].qdevice_cfg.T2")
    assert [s.key for s in path.steps] == ["stacks", "qdevice_cfg", "T2"]
    assert path.steps[0].selectors == ("Alice",)
    assert path.leaf == "T2" and path.target == "network"
    assert parse_path("links[0].cfg.fidelity").steps[0].selectors == (0,)
    assert parse_path("programs[Bob][1].args.x").steps[0].selectors == ("Bob", 1)
    assert parse_path("programs[Bob].args.x").target == "programs"


@pytest.mark.parametrize("text", ["", "links[0]..cfg", "links[0.cfg", "1abc", "a b", None, 3])
def test_malformed_paths_are_errors(text):
    with pytest.raises(PathError):
        parse_path(text)


def test_get_by_index_name_and_pair(data):
    assert get_value(data, parse_path("links[0].cfg.fidelity")) == 0.9
    assert get_value(data, parse_path("links[Alice-Bob].cfg.fidelity")) == 0.9
    assert get_value(data, parse_path("links[Bob-Alice].cfg.fidelity")) == 0.9
    assert get_value(data, parse_path("stacks[Bob].qdevice_cfg.T2")) == 1e6
    assert get_value(data, parse_path("stacks[-1].name")) == "Bob"


def test_set_values_copies(data):
    new = set_values(data, [(parse_path("stacks[Alice].qdevice_cfg.T2"), 5.0),
                            (parse_path("links[0].cfg.fidelity"), 0.7)])
    assert new["stacks"][0]["qdevice_cfg"]["T2"] == 5.0
    assert new["links"][0]["cfg"]["fidelity"] == 0.7
    assert data["stacks"][0]["qdevice_cfg"]["T2"] == 0  # original untouched
    StackNetworkConfig.from_dict(new)


@pytest.mark.parametrize(("text", "message"), [
    ("stacks[Alice].qdevice_cfg.T3", "did you mean 'T2'"),
    ("stacks[Alcie].qdevice_cfg.T2", "did you mean 'Alice'"),
    ("links[3].cfg.fidelity", "index out of range"),
    ("linkz[0].cfg.fidelity", "did you mean 'links'"),
    ("stacks[Alice].name.x", "is a value"),
])
def test_unknown_parts_are_named(data, text, message):
    with pytest.raises(PathError, match=message):
        get_value(data, parse_path(text))


def test_list_generators():
    assert gen.list_values("values", [1, "2", "1e5"]) == [1, 2, 1e5]
    assert gen.list_values("linspace", {"start": 0, "stop": 1, "num": 3}) == [0, 0.5, 1]
    assert gen.list_values("logspace", {"start": 1e3, "stop": 1e6, "num": 4}) == pytest.approx(
        [1e3, 1e4, 1e5, 1e6])
    assert gen.list_values("range", {"start": 1, "stop": 7, "step": 3}) == [1, 4, 7]
    assert gen.list_values("range", {"start": 0, "stop": 1, "step": 0.5}) == [0, 0.5, 1]


@pytest.mark.parametrize(("kind", "spec", "message"), [
    ("values", [], "empty"),
    ("values", "abc", "must be a list"),
    ("linspace", {"start": 0, "stop": 1, "num": 0}, "empty"),
    ("linspace", {"start": 0, "stop": 1}, "needs 'num'"),
    ("linspace", {"start": "a", "stop": 1, "num": 2}, "must be a number"),
    ("linspace", {"start": 0, "stop": 1, "num": 2.5}, "must be an integer"),
    ("linspace", {"start": 0, "stop": 1, "num": 2, "step": 1}, "unknown key 'step'"),
    ("logspace", {"start": 0, "stop": 1, "num": 2}, "must be > 0"),
    ("range", {"start": 5, "stop": 1, "step": 1}, "range is empty"),
    ("range", {"start": 0, "stop": 1, "step": 0}, "must not be 0"),
])
def test_bad_generators(kind, spec, message):
    with pytest.raises(gen.GeneratorError, match=message):
        gen.list_values(kind, spec)


def test_random_draws_are_reproducible_and_in_range():
    a = gen.draw("uniform", {"low": 1, "high": 2}, np.random.default_rng(3), 50)
    b = gen.draw("uniform", {"low": 1, "high": 2}, np.random.default_rng(3), 50)
    assert a == b and all(1 <= v <= 2 for v in a)
    logs = gen.draw("loguniform", {"low": 1e3, "high": 1e6}, np.random.default_rng(1), 100)
    assert all(1e3 <= v <= 1e6 for v in logs) and min(logs) < 1e4 and max(logs) > 1e5
    ints = gen.draw("randint", {"low": 1, "high": 3}, np.random.default_rng(1), 100)
    assert set(ints) == {1, 2, 3}
    assert set(gen.draw("choice", ["a", "b"], np.random.default_rng(1), 50)) == {"a", "b"}
    with pytest.raises(gen.GeneratorError, match="needs 'num'"):
        gen.check_random("uniform", {"low": 0, "high": 1}, with_num=True)
    with pytest.raises(gen.GeneratorError, match="low < high"):
        gen.check_random("uniform", {"low": 1, "high": 1}, with_num=False)


def test_grid_and_zip():
    a = gen.Axis(("a",), ((1,), (2,)))
    bc = gen.zip_axes(["b", "c"], [[10, 20, 30], ["x", "y", "z"]])
    points = gen.grid([a, bc])
    assert len(points) == 6
    assert points[0] == {"a": 1, "b": 10, "c": "x"} and points[-1] == {"a": 2, "b": 30, "c": "z"}
    with pytest.raises(gen.GeneratorError, match="equal numbers of values"):
        gen.zip_axes(["b", "c"], [[1, 2], [1]])


def test_point_seeds_depend_on_master_seed_and_values_only():
    s = point_seed(1, {"a": 0.5, "b": 2})
    assert s == point_seed(1, {"b": 2, "a": 0.5})  # key order does not matter
    assert 0 <= s < 2**63
    assert s != point_seed(2, {"a": 0.5, "b": 2})
    assert s != point_seed(1, {"a": 0.5, "b": 3})
    assert s != point_seed(1, {"a": 0.5, "b": 2}, occurrence=1)
    assert point_seed(1, {"a": 1.0}) != point_seed(1, {"a": 1})  # 1.0 and 1 differ
    # Regression: the derivation is part of the results format.
    assert point_seed(0, {}) == point_seed(0, {})
