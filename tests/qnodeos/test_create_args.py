"""Reading a ``create_epr`` argument array into a link-layer request."""

from __future__ import annotations

import pytest
from netqasm.qlink_compat import LinkLayerCreate, RequestType

from netqsim.qnodeos.create_args import ARG_FIELDS, create_request


def _array(length: int, **values: int) -> list[int | None]:
    array: list[int | None] = [None] * length
    for name, value in values.items():
        array[ARG_FIELDS.index(name)] = value
    return array


def test_the_array_holds_netqasm_23s_22_fields_in_order() -> None:
    assert len(ARG_FIELDS) == 22
    assert ARG_FIELDS[:3] == ("type", "number", "random_basis_local")
    assert ARG_FIELDS[-2:] == ("rotation_axes_local", "rotation_axes_remote")


def test_a_full_array_keeps_every_value() -> None:
    values = {name: i + 2 for i, name in enumerate(ARG_FIELDS)}
    values.update(type=1, random_basis_local=1, random_basis_remote=2)
    request = create_request(5, 3, _array(22, **values))
    assert request.remote_node_id == 5 and request.purpose_id == 3
    assert request.type is RequestType.M
    # as in netqasm's executor, only the type becomes an enum
    for name in ARG_FIELDS[1:]:
        assert getattr(request, name) == values[name], name


def test_the_20_entry_layout_of_older_netqasm_gives_defaults_for_the_rotation_axes() -> None:
    request = create_request(1, 0, _array(20, type=0, number=12, minimum_fidelity=60,
                                          rotation_remote_3=4))
    assert request == LinkLayerCreate(remote_node_id=1, purpose_id=0, type=RequestType.K,
                                      number=12, minimum_fidelity=60, rotation_remote_3=4)


@pytest.mark.parametrize("args", [[0, 12], [1, 12, None]])
def test_type_and_number_alone_make_a_request(args: list[int | None]) -> None:
    assert create_request(2, 1, args) == LinkLayerCreate(
        remote_node_id=2, purpose_id=1, type=RequestType(args[0]), number=12)


def test_undefined_entries_take_defaults_and_entries_past_the_fields_are_ignored() -> None:
    request = create_request(1, 0, [*_array(22, number=3, max_time=9), 77, 78])
    assert request == LinkLayerCreate(remote_node_id=1, purpose_id=0, type=RequestType.K,
                                      number=3, max_time=9)
