"""Returned arrays are encoded to netqasm's exact bytes, and every return type decodes as before."""

import os
import re
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from netqasm.backend.messages import (
    MESSAGE_TYPE,
    MESSAGE_TYPE_BYTES,
    ErrorCode,
    ErrorMessage,
    InitNewAppMessage,
    MsgDoneMessage,
    ReturnArrayMessage,
    ReturnArrayMessageHeader,
    ReturnMessageType,
    ReturnRegMessage,
    Signal,
    SignalMessage,
    StopAppMessage,
    SubroutineMessage,
    deserialize_host_msg,
    deserialize_return_msg,
)
from netqasm.lang.encoding import OptionalInt, RegisterName
from netqasm.lang.operand import Register

from netqsim.qnodeos.wire import (
    INT32_MAX,
    INT32_MIN,
    decode_host_message,
    decode_return_message,
    done_message,
    done_message_id,
    encode_return_message,
    return_message_type,
)

EXAMPLES = int(os.environ.get("NETQSIM_FUZZ_EXAMPLES", "200"))
entries = st.one_of(st.none(), st.integers(INT32_MIN, INT32_MAX))


@settings(max_examples=EXAMPLES, deadline=None)
@given(address=st.integers(0, 2**31 - 1), values=st.lists(entries, max_size=40))
def test_a_returned_array_encodes_to_netqasms_bytes(address, values):
    msg = ReturnArrayMessage(address, values)
    raw = encode_return_message(msg)
    assert raw == bytes(msg)
    decoded = decode_return_message(raw)
    assert (decoded.address, decoded.values) == (address, values)


def ctypes_decode(raw: bytes) -> tuple[int, list]:
    """The array decoding netqsim used before (netqasm's ctypes structures)."""
    body = raw[MESSAGE_TYPE_BYTES:]
    header = ReturnArrayMessageHeader.from_buffer_copy(body)
    entries = (OptionalInt * header.length).from_buffer_copy(
        body[ReturnArrayMessageHeader.len():]
    )
    return header.address.address, [None if e.type == 0 else e.value for e in entries]


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    address=st.integers(INT32_MIN, INT32_MAX),
    entries=st.lists(st.tuples(st.integers(0, 255), st.binary(min_size=3, max_size=3),
                               st.integers(INT32_MIN, INT32_MAX)), max_size=20),
    trailing=st.binary(max_size=9),
)
def test_any_array_bytes_decode_as_the_ctypes_decoder_did(address, entries, trailing):
    raw = bytes(MESSAGE_TYPE(ReturnMessageType.RET_ARR.value)) + struct.pack(
        "=ii", address, len(entries)
    ) + b"".join(struct.pack("=B", f) + pad + struct.pack("=i", v) for f, pad, v in entries)
    raw += trailing  # the old decoder ignored bytes after the last entry
    decoded = decode_return_message(raw)
    assert (decoded.address, decoded.values) == ctypes_decode(raw)


def test_entries_netqasm_must_encode_itself_take_its_path():
    too_big = ReturnArrayMessage(1, [INT32_MAX + 1])
    assert encode_return_message(too_big) == bytes(too_big)  # whatever ctypes makes of it
    flag = ReturnArrayMessage(1, [True, None])
    assert encode_return_message(flag) == bytes(flag)


@pytest.mark.parametrize(
    "msg",
    [MsgDoneMessage(msg_id=7), ErrorMessage(err_code=ErrorCode.GENERAL),
     ReturnRegMessage(register=Register(RegisterName.M, 3).cstruct, value=-5)],
    ids=["done", "error", "register"],
)
def test_other_return_messages_decode_as_netqasm_decodes_them(msg):
    raw = encode_return_message(msg)
    assert raw == bytes(msg)
    assert bytes(decode_return_message(raw)) == bytes(deserialize_return_msg(raw))
    assert type(decode_return_message(raw)) is type(msg)


def test_unknown_and_short_type_fields_are_refused_as_before():
    with pytest.raises(ValueError, match="return message of 0 bytes is too short"):
        return_message_type(b"")
    with pytest.raises(ValueError, match="255 is not a valid ReturnMessageType"):
        return_message_type(b"\xff\x00\x00\x00")


@settings(max_examples=EXAMPLES, deadline=None)
@given(msg_id=st.integers(0, 2**32 - 1))
def test_done_messages_are_netqasms_bytes_and_read_back(msg_id):
    raw = done_message(msg_id)
    assert raw == bytes(MsgDoneMessage(msg_id=msg_id))
    assert done_message_id(raw) == msg_id == decode_return_message(raw).msg_id


def test_only_a_done_message_of_the_usual_size_has_a_done_id():
    assert done_message_id(bytes(ErrorMessage(err_code=ErrorCode.GENERAL))) is None
    assert done_message_id(bytes(ReturnArrayMessage(1, [2]))) is None
    assert done_message_id(done_message(3) + b"\x00") is None  # decoded the general way
    assert done_message_id(b"") is None


@pytest.mark.parametrize(
    "msg",
    [SubroutineMessage(b"\x00\x0a\x03\x00" + bytes(16)), InitNewAppMessage(app_id=2, max_qubits=3),
     StopAppMessage(app_id=2), SignalMessage(signal=Signal.STOP)],
    ids=["subroutine", "init", "stop app", "signal"],
)
def test_host_messages_decode_as_netqasm_decodes_them(msg):
    raw = bytes(msg)
    ours, theirs = decode_host_message(raw), deserialize_host_msg(raw)
    assert type(ours) is type(theirs) and bytes(ours) == bytes(theirs) == raw


@pytest.mark.parametrize("raw", [b"", b"\xee\x00\x00"], ids=["empty", "unknown type"])
def test_undecodable_host_messages_fail_as_in_netqasm(raw):
    with pytest.raises(Exception) as theirs:
        deserialize_host_msg(raw)
    with pytest.raises(type(theirs.value), match=re.escape(str(theirs.value))):
        decode_host_message(raw)
