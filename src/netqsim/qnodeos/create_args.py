"""The link-layer request a ``create_epr`` instruction's argument array describes.

The argument array holds the request fields after the remote node and the
purpose (type, number of pairs, minimum fidelity, time unit, maximum time,
...), one entry per field in :class:`netqasm.qlink_compat.LinkLayerCreate`
order. netqasm 2.3's SDK writes 22 entries; NetQASM files written for older
netqasm versions (SquidASM ships some) write 20, without the two rotation-axis
fields that came last. SquidASM reads the fields by position whatever the
array's length, so a shorter array is read the same way here: entries it
lacks, and undefined entries, take the field's default; entries past the last
field are not part of a request and are ignored.
"""

from __future__ import annotations

from collections.abc import Sequence

from netqasm.qlink_compat import LinkLayerCreate, RequestType

__all__ = ["ARG_FIELDS", "create_request"]

#: The request fields an argument array holds, in array order.
ARG_FIELDS: tuple[str, ...] = LinkLayerCreate._fields[2:]

_DEFAULTS: dict[str, object] = dict(
    zip(LinkLayerCreate._fields, LinkLayerCreate.__new__.__defaults__ or (), strict=True)
)


def create_request(remote_node_id: int, purpose_id: int,
                   args: Sequence[int | None]) -> LinkLayerCreate:
    """The request for ``remote_node_id`` and ``purpose_id`` with the fields in ``args``.

    ``args`` may be shorter than :data:`ARG_FIELDS` (older layouts) or hold
    undefined entries (``None``): those fields take their defaults.
    """
    fields: dict[str, object] = {"remote_node_id": remote_node_id, "purpose_id": purpose_id}
    for index, name in enumerate(ARG_FIELDS):
        value = args[index] if index < len(args) else None
        fields[name] = _DEFAULTS[name] if value is None else value
    fields["type"] = RequestType(fields["type"])
    return LinkLayerCreate(**fields)  # type: ignore[arg-type]
