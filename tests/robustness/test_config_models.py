"""Issue 11, finding 9: the config models refuse booleans as numbers and blank names.

The rule lives in the shared base (``ConfigModel``), so it holds for every
numeric field of every model, registered types included, on construction and
on assignment.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any

import pytest

from netqsim.config import (
    CLINK_TYPES,
    LINK_TYPES,
    QDEVICE_TYPES,
    ConfigError,
    ConfigModel,
    GenericQDeviceConfig,
    StackConfig,
    StackNetworkConfig,
)


def _scalar_types(annotation: Any) -> set[Any]:
    """The plain types inside ``annotation`` (through Optional, unions and Annotated)."""
    args = typing.get_args(annotation)
    if not args:
        return {annotation}
    if typing.get_origin(annotation) is typing.Annotated:
        return _scalar_types(args[0])
    return set().union(*(_scalar_types(a) for a in args))


MODELS: list[type[ConfigModel]] = sorted(
    {*QDEVICE_TYPES.values(), *LINK_TYPES.values(), *CLINK_TYPES.values(), StackConfig},
    key=lambda cls: cls.__name__,
)
NUMERIC = [
    (cls, name)
    for cls in MODELS
    for name, field in cls.model_fields.items()
    if _scalar_types(field.annotation) & {int, float}
]
BOOLEAN = [
    (cls, name)
    for cls in MODELS
    for name, field in cls.model_fields.items()
    if field.annotation is bool
]


def test_every_model_has_numeric_fields_covered() -> None:
    # all the device, link and clink parameters with numbers, e.g. T1, fidelity, delay
    names = {f"{cls.__name__}.{name}" for cls, name in NUMERIC}
    assert {"GenericQDeviceConfig.T1", "NVQDeviceConfig.carbon_T2", "StackConfig.instr_latency",
            "DepolariseLinkConfig.fidelity", "HeraldedLinkConfig.num_multiplexing_modes",
            "DefaultCLinkConfig.delay", "PerfectLinkConfig.state_delay"} <= names
    assert len(NUMERIC) > 60


@pytest.mark.parametrize(("cls", "name"), NUMERIC, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("flag", [True, False])
def test_boolean_in_numeric_field_is_refused(cls: type[ConfigModel], name: str,
                                             flag: bool) -> None:
    with pytest.raises(ConfigError) as info:
        cls(**{name: flag})
    messages = [str(p) for p in info.value.details if p.loc == (name,)]
    assert messages == [f"{name}: must be a number, not a boolean (got {flag})"]


@pytest.mark.parametrize(("cls", "name"), BOOLEAN, ids=lambda x: getattr(x, "__name__", x))
@pytest.mark.parametrize("value", ["yes", "true", 1, 0.0])
def test_boolean_field_takes_only_true_or_false(cls: type[ConfigModel], name: str,
                                                value: Any) -> None:
    with pytest.raises(ConfigError) as info:
        cls(**{name: value})
    messages = [str(p) for p in info.value.details if p.loc == (name,)]
    assert messages == [f"{name}: must be true or false (got {value!r})"]


def test_boolean_assigned_to_numeric_field_is_refused_and_value_kept() -> None:
    device = GenericQDeviceConfig(T1=5e9)
    with pytest.raises(ConfigError, match=r"T1: must be a number, not a boolean \(got True\)"):
        device.T1 = True
    assert device.T1 == 5e9 and type(device.T1) is float


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        ([1.0, True], list[float], "[1]: must be a number, not a boolean"),
        ([[1.0], [2, False]], list[list[float]], "[1][1]: must be a number, not a boolean"),
        ({"a": 1, "b": True}, dict[str, int], "['b']: must be a number, not a boolean"),
        ([True, False], list[bool], None),
        (["yes"], list[bool] | None, "[0]: must be true or false"),
        ([2**63], list[int], "[0]: out of range (magnitude at most 9.223e+18)"),
        ([2**63], list[float], None),
        (True, int | str, "must be a number, not a boolean"),
        (True, int | bool, None),
    ],
)
def test_the_rule_reaches_into_containers_for_future_models(
    value: Any, annotation: Any, expected: str | None
) -> None:
    from netqsim.config.base import scalar_problem

    assert scalar_problem(value, annotation) == expected


def test_numbers_still_load_from_yaml11_strings_and_ints() -> None:
    device = GenericQDeviceConfig(T1="1e5", T2=0, num_qubits=3)
    assert (device.T1, device.T2, device.num_qubits) == (1e5, 0.0, 3)


def test_qubit_count_has_an_upper_bound() -> None:
    from netqsim.config.base import MAX_QUBITS

    assert GenericQDeviceConfig(num_qubits=MAX_QUBITS).num_qubits == MAX_QUBITS
    with pytest.raises(ConfigError, match=f"num_qubits: must be <= {MAX_QUBITS:,}"):
        GenericQDeviceConfig(num_qubits=10**18)


# --------------------------------------------------------------------------- names


def _network(names: list[str], link: tuple[str, str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"stacks": [{"name": n, "qdevice_typ": "generic"} for n in names]}
    if link is not None:
        data["links"] = [{"stack1": link[0], "stack2": link[1], "typ": "perfect"}]
    return data


@pytest.mark.parametrize("blank", ["", " ", "\t", "  \n "])
def test_blank_stack_name_is_an_error(blank: str) -> None:
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_dict(_network(["Alice", blank]))
    assert info.value.problems == [
        f"stacks[1].name: must not be empty or blank (got {blank!r})"
    ]


@pytest.mark.parametrize(("section", "key"), [("links", "stack1"), ("clinks", "stack2")])
def test_blank_node_name_in_link_is_an_error(section: str, key: str) -> None:
    entry = {"stack1": "Alice", "stack2": "Bob", "typ": "instant" if section == "clinks"
             else "perfect", key: " "}
    data = {**_network(["Alice", "Bob"]), section: [entry]}
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_dict(data)
    assert info.value.problems == [f"{section}[0].{key}: must not be empty or blank (got ' ')"]


def test_blank_names_in_a_file_name_path_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "names.yaml"
    path.write_text(
        "stacks:\n"
        "  - name: Alice\n"
        "    qdevice_typ: generic\n"
        "  - name: ''\n"
        "    qdevice_typ: generic\n"
        "links:\n"
        "  - {stack1: Alice, stack2: '  ', typ: perfect}\n"
    )
    with pytest.raises(ConfigError) as info:
        StackNetworkConfig.from_file(path)
    assert info.value.file == str(path) and str(path) in str(info.value)
    assert info.value.problems == [
        "stacks[1].name: must not be empty or blank (got '') (line 4)",
        "links[0].stack2: must not be empty or blank (got '  ') (line 7)",
    ]
