"""Byte-level helpers for the host <-> node controller protocol.

Messages are netqasm's own (``netqasm.backend.messages``), serialized with
``bytes(msg)``. One thing netqasm's decoder gets wrong is fixed here:
``ReturnArrayMessage.deserialize_from`` turns undefined (``None``) entries into
0, because the ``value`` field of ``OptionalInt`` hides its ``value()``
method; an unfinished EPR result array would then look finished.
"""

from __future__ import annotations

from typing import Any

from netqasm.backend.messages import (
    MESSAGE_TYPE,
    MESSAGE_TYPE_BYTES,
    ReturnArrayMessage,
    ReturnArrayMessageHeader,
    ReturnMessageType,
    SubroutineMessage,
    deserialize_return_msg,
)
from netqasm.lang.encoding import METADATA_BYTES, Metadata, OptionalInt

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def return_message_type(raw: bytes) -> ReturnMessageType:
    """The type of a serialized return message (raises ValueError if unknown)."""
    if len(raw) < MESSAGE_TYPE_BYTES:
        raise ValueError(f"return message of {len(raw)} bytes is too short")
    return ReturnMessageType(MESSAGE_TYPE.from_buffer_copy(raw[:MESSAGE_TYPE_BYTES]).value)


def decode_return_message(raw: bytes) -> Any:
    """Deserialize a controller -> host message, keeping undefined array entries."""
    if return_message_type(raw) is not ReturnMessageType.RET_ARR:
        return deserialize_return_msg(raw)
    body = raw[MESSAGE_TYPE_BYTES:]
    header = ReturnArrayMessageHeader.from_buffer_copy(body)
    entries = (OptionalInt * header.length).from_buffer_copy(
        body[ReturnArrayMessageHeader.len():]
    )
    values = [None if e.type == OptionalInt._NULL_TYPE else e.value for e in entries]
    return ReturnArrayMessage(address=header.address.address, values=values)


def message_app_id(msg: Any) -> int | None:
    """The application a decoded host message is for (None: the controller itself).

    A subroutine names it in its metadata header (None if the header is cut short).
    """
    if isinstance(msg, SubroutineMessage):
        raw = msg.subroutine
        if len(raw) < METADATA_BYTES:
            return None
        return int(Metadata.from_buffer_copy(raw[:METADATA_BYTES]).app_id)
    app_id = getattr(msg, "app_id", None)
    return int(app_id) if app_id is not None else None


def check_int32(value: int, what: str) -> int:
    """``value`` if it fits the wire's 32-bit integers, else OverflowError."""
    if not INT32_MIN <= value <= INT32_MAX:
        raise OverflowError(f"{what} = {value} does not fit in a 32-bit NetQASM register")
    return value


__all__ = ["check_int32", "decode_return_message", "message_app_id", "return_message_type"]
