"""Byte-level helpers for the host <-> node controller protocol.

Messages are netqasm's own (``netqasm.backend.messages``), serialized with
``bytes(msg)``. One thing netqasm's decoder gets wrong is fixed here:
``ReturnArrayMessage.deserialize_from`` turns undefined (``None``) entries into
0, because the ``value`` field of ``OptionalInt`` hides its ``value()``
method; an unfinished EPR result array would then look finished.
"""

from __future__ import annotations

import ctypes
import struct
from typing import Any

from netqasm.backend.messages import (
    MESSAGE_CLASSES,
    MESSAGE_TYPE,
    MESSAGE_TYPE_BYTES,
    RETURN_MESSAGE_CLASSES,
    MsgDoneMessage,
    ReturnArrayMessage,
    ReturnArrayMessageHeader,
    ReturnMessageType,
    SubroutineMessage,
    deserialize_host_msg,
)
from netqasm.lang.encoding import METADATA_BYTES, Metadata, OptionalInt

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


#: Serialized type field -> return message type (what netqasm's decoder computes).
_TYPES = {bytes(MESSAGE_TYPE(t.value)): t for t in ReturnMessageType}


def return_message_type(raw: bytes) -> ReturnMessageType:
    """The type of a serialized return message (raises ValueError if unknown)."""
    found = _TYPES.get(bytes(raw[:MESSAGE_TYPE_BYTES]))
    if found is not None:
        return found
    if len(raw) < MESSAGE_TYPE_BYTES:
        raise ValueError(f"return message of {len(raw)} bytes is too short")
    return ReturnMessageType(MESSAGE_TYPE.from_buffer_copy(raw[:MESSAGE_TYPE_BYTES]).value)


def decode_return_message(raw: bytes) -> Any:
    """Deserialize a controller -> host message, keeping undefined array entries."""
    kind = return_message_type(raw)
    if kind is not ReturnMessageType.RET_ARR:
        return RETURN_MESSAGE_CLASSES[kind].deserialize_from(raw)  # type: ignore[attr-defined]
    if _FAST_ARRAYS and len(raw) >= _ARRAY_START:
        address, length = _ARRAY_HEADER.unpack_from(raw, MESSAGE_TYPE_BYTES)
        if length >= 0 and len(raw) == _ARRAY_START + _ENTRY.size * length:
            return ReturnArrayMessage(
                address=address,
                values=[None if flag == 0 else value
                        for flag, value in _ENTRY.iter_unpack(raw[_ARRAY_START:])],
            )
    body = raw[MESSAGE_TYPE_BYTES:]
    header = ReturnArrayMessageHeader.from_buffer_copy(body)
    entries = (OptionalInt * header.length).from_buffer_copy(
        body[ReturnArrayMessageHeader.len():]
    )
    values = [None if e.type == OptionalInt._NULL_TYPE else e.value for e in entries]
    return ReturnArrayMessage(address=header.address.address, values=values)


_ARRAY_TYPE = bytes(MESSAGE_TYPE(ReturnMessageType.RET_ARR.value))
_ARRAY_HEADER = struct.Struct("=ii")  # address, length (netqasm's header: two int32)
_ARRAY_START = MESSAGE_TYPE_BYTES + _ARRAY_HEADER.size
_ENTRY = struct.Struct("=B3xi")  # netqasm's OptionalInt: type (0: undefined), padding, value


def _array_bytes(msg: ReturnArrayMessage) -> bytes | None:
    """netqasm's bytes of ``msg`` via struct, or None where only netqasm's encoder will do.

    Each entry is netqasm's ``OptionalInt``: a uint8 type (0 undefined, 1 int),
    3 padding bytes, an int32.
    """
    values = msg.values
    if type(msg.address) is not int or type(values) is not list:
        return None
    flat: list[int] = []
    for value in values:
        if value is None:
            flat += (0, 0)
        elif type(value) is int and INT32_MIN <= value <= INT32_MAX:
            flat += (1, value)
        else:  # netqasm's encoder decides what happens to these
            return None
    if not INT32_MIN <= msg.address <= INT32_MAX:
        return None
    entries = struct.pack("=" + _ENTRY.format[1:] * len(values), *flat)
    return _ARRAY_TYPE + _ARRAY_HEADER.pack(msg.address, len(values)) + entries


def encode_return_message(msg: Any) -> bytes:
    """``bytes(msg)``, faster for returned arrays (the same bytes)."""
    if type(msg) is ReturnArrayMessage and _FAST_ARRAYS:
        raw = _array_bytes(msg)
        if raw is not None:
            return raw
    return bytes(msg)


#: The struct layout above is netqasm's on this platform (checked once).
_FAST_ARRAYS = _ENTRY.size == ctypes.sizeof(OptionalInt) and all(
    _array_bytes(m) == bytes(m)
    for m in (ReturnArrayMessage(3, [None, 5, -2, INT32_MAX]), ReturnArrayMessage(0, []))
)


_DONE = struct.Struct("=B3xI")  # netqasm's MsgDoneMessage: type, padding, uint32 message id
_DONE_TYPE = ReturnMessageType.DONE.value


def done_message(msg_id: int) -> bytes:
    """``bytes(MsgDoneMessage(msg_id=msg_id))``."""
    if _FAST_DONE and type(msg_id) is int and 0 <= msg_id <= 0xFFFFFFFF:
        return _DONE.pack(_DONE_TYPE, msg_id)
    return bytes(MsgDoneMessage(msg_id=msg_id))


def done_message_id(raw: bytes) -> int | None:
    """The message id of a serialized ``MsgDoneMessage`` of the usual size, else None."""
    if _FAST_DONE and len(raw) == _DONE.size and raw[0] == _DONE_TYPE:
        return int(_DONE.unpack(raw)[1])
    return None


#: The struct layout above is netqasm's on this platform (checked once).
_FAST_DONE = MESSAGE_TYPE_BYTES == 1 and all(
    _DONE.pack(_DONE_TYPE, i) == bytes(MsgDoneMessage(msg_id=i))
    and MsgDoneMessage.deserialize_from(_DONE.pack(_DONE_TYPE, i)).msg_id == i
    for i in (0, 1, 0x01020304, 0xFFFFFFFF)
)


#: Serialized type field -> host message class (what netqasm's decoder looks up).
_HOST_CLASSES = {bytes(MESSAGE_TYPE(t.value)): c for t, c in MESSAGE_CLASSES.items()}


def decode_host_message(raw: bytes) -> Any:
    """``deserialize_host_msg(raw)``, the message class found from the type bytes directly."""
    found = _HOST_CLASSES.get(bytes(raw[:MESSAGE_TYPE_BYTES]))
    if found is None:  # unknown or cut short: netqasm's decoder raises as it does
        return deserialize_host_msg(raw)
    return found.deserialize_from(raw)


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


__all__ = [
    "check_int32",
    "decode_host_message",
    "decode_return_message",
    "done_message",
    "done_message_id",
    "encode_return_message",
    "message_app_id",
    "return_message_type",
]
