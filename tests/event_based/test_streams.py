"""Classical streams: asyncio's reader/writer API in simulated time, over the classical link."""

import asyncio

import pytest
from tests.event_based.helpers import DELAY, network, run_pair, writes

import netqsim
from netqsim.host.framing import recv_line, recv_message, send_line, send_message
from netqsim.kernel import ProcessError
from netqsim.network.classical import NoClassicalLink


def test_bytes_arrive_in_order_exactly_one_link_delay_after_the_write():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        sent = []
        for i in range(5):
            writer.write(f"{i};".encode())
            sent.append(context.now)
            await netqsim.sleep(100.0 * (i + 1))
        writer.close()
        return {"sent": sent}

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        got = []
        while True:
            data = await reader.read(100)
            if not data:
                break
            got.append((context.now, data))
        return {"got": got, "eof_at": context.now, "at_eof": reader.at_eof()}

    (a,), (b,) = run_pair(alice, bob)
    assert [data for _, data in b["got"]] == [f"{i};".encode() for i in range(5)]
    assert [t for t, _ in b["got"]] == [t + DELAY for t in a["sent"]]
    assert b["at_eof"] is True
    # EOF was sent after the last sleep (1500 ns after the first write).
    assert b["eof_at"] == a["sent"][0] + 1500.0 + DELAY


def test_accept_returns_one_link_delay_after_open_and_open_takes_no_time():
    async def alice(context):
        t0 = context.now
        _reader, writer = await context.open_stream("Bob")
        return {"t0": t0, "t1": context.now, "peer": writer.get_extra_info("peername")}

    async def bob(context):
        t0 = context.now
        _reader, writer = await context.accept_stream("Alice")
        return {"t0": t0, "t1": context.now, "peer": writer.get_extra_info("peername")}

    (a,), (b,) = run_pair(alice, bob)
    assert a["t1"] == a["t0"]
    assert b["t1"] == a["t0"] + DELAY
    assert (a["peer"], b["peer"]) == ("Bob", "Alice")


def test_reads_merge_chunks_that_arrived_together_and_split_long_ones():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        writer.write(b"one")
        writer.write(b"two")  # same instant: arrives together with "one"
        await netqsim.sleep(10)
        writer.write(b"three-four")
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        reads = [await reader.read(255), await reader.read(5), await reader.read(255),
                 await reader.read(255)]
        return {"reads": reads}

    _, (b,) = run_pair(alice, bob)
    assert b["reads"] == [b"onetwo", b"three", b"-four", b""]


def test_readexactly_on_short_data_raises_incomplete_read_error_with_the_partial_bytes():
    alice = writes(b"abc")

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        first = await reader.readexactly(2)
        try:
            await reader.readexactly(4)
        except asyncio.IncompleteReadError as exc:
            return {"first": first, "partial": exc.partial, "expected": exc.expected,
                    "eof": reader.at_eof()}

    _, (b,) = run_pair(alice, bob)
    assert b == {"first": b"ab", "partial": b"c", "expected": 4, "eof": True}


def test_readuntil_and_readline_follow_asyncio():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        writer.writelines([b"a|b", b"c||", b"line\n", b"tail"])
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        out = [await reader.readuntil(b"|"), await reader.readuntil(b"||"),
               await reader.readline()]
        try:
            await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            out.append(("incomplete", exc.partial, exc.expected))
        out.append(await reader.readline())
        return {"out": out}

    _, (b,) = run_pair(alice, bob)
    assert b["out"] == [b"a|", b"bc||", b"line\n", ("incomplete", b"tail", None), b""]


def test_readuntil_beyond_the_limit_raises_limit_overrun_error():
    alice = writes(b"x" * 100 + b"\n")

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        reader._limit = 10
        try:
            await reader.readuntil(b"\n")
        except asyncio.LimitOverrunError as exc:
            return {"consumed": exc.consumed, "msg": str(exc)}

    _, (b,) = run_pair(alice, bob)
    assert b == {"consumed": 100, "msg": "Separator is found, but chunk is longer than limit"}


def test_async_for_iterates_over_lines_until_eof():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        writer.write(b"x\ny\n")
        await netqsim.sleep(5)
        writer.write(b"z")
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        return {"lines": [line async for line in reader]}

    _, (b,) = run_pair(alice, bob)
    assert b["lines"] == [b"x\n", b"y\n", b"z"]


def test_both_directions_and_several_streams_pair_in_opening_order():
    async def alice(context):
        first = await context.open_stream("Bob")
        second = await context.open_stream("Bob")
        second[1].write(b"to second\n")
        first[1].write(b"to first\n")
        theirs = await context.accept_stream("Bob")  # Bob opens one towards Alice
        replies = [await first[0].readline(), await second[0].readline(),
                   await theirs[0].readline()]
        return {"replies": replies}

    async def bob(context):
        r1, w1 = await context.accept_stream("Alice")
        r2, w2 = await context.accept_stream("Alice")
        r3, w3 = await context.open_stream("Alice")
        w1.write(b"echo " + await r1.readline())
        w2.write(b"echo " + await r2.readline())
        w3.write(b"bob's own\n")
        return {"keys": [str(r1.key), str(r2.key), str(r3.key)]}

    (a,), (b,) = run_pair(alice, bob)
    assert a["replies"] == [b"echo to first\n", b"echo to second\n", b"bob's own\n"]
    assert b["keys"] == ["stream Alice->Bob #0", "stream Alice->Bob #1", "stream Bob->Alice #0"]


def test_streams_of_different_iterations_do_not_mix():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        send_line(writer, f"iteration at {context.now:g}")
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        return {"lines": [line async for line in reader]}

    _a, b = run_pair(alice, bob, num_times=3)
    assert [len(r["lines"]) for r in b] == [1, 1, 1]


def test_writer_rules_follow_asyncio():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        errors = []
        try:
            writer.write("text")
        except TypeError as exc:
            errors.append(str(exc))
        await writer.drain()
        assert not writer.is_closing()
        writer.close()
        assert writer.is_closing()
        await writer.wait_closed()
        try:
            writer.write(b"late")
        except RuntimeError as exc:
            errors.append(str(exc))
        return {"errors": errors, "t": context.now}

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        return {"data": await reader.read()}

    (a,), (b,) = run_pair(alice, bob)
    assert "bytes-like object, not 'str'" in a["errors"][0]
    assert "encode" in a["errors"][0]
    assert "after close()" in a["errors"][1]
    assert a["t"] == 0.0  # drain and wait_closed take no simulated time
    assert b["data"] == b""


def test_two_concurrent_reads_on_one_reader_are_an_error():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        await netqsim.sleep(10)
        writer.write(b"x")
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        try:
            await netqsim.gather(reader.read(1), reader.read(1))
        except RuntimeError as exc:
            return {"error": str(exc), "rest": await reader.read()}

    _, (b,) = run_pair(alice, bob)
    assert "already waiting for incoming data" in b["error"]
    assert b["rest"] == b"x"  # the cancelled read left the byte in the stream


def test_line_and_length_framing_give_whole_messages_under_any_merging():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        for text in ("a", "bb", ""):
            send_line(writer, text)
        for text in ("multi\nline", "", "ü"):
            send_message(writer, text)
        send_message(writer, b"\x00\x01")
        writer.write(b"\x00\x00\x00\x05abc")  # announces 5 bytes, sends 3
        writer.close()

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        lines = [await recv_line(reader) for _ in range(3)]
        messages = [await recv_message(reader) for _ in range(3)]
        raw = await recv_message(reader, decode=False)
        try:
            await recv_message(reader)
        except asyncio.IncompleteReadError as exc:
            cut = exc.partial
        return {"lines": lines, "messages": messages, "raw": raw, "cut": cut,
                "end": await recv_message(reader)}

    _, (b,) = run_pair(alice, bob)
    assert b == {"lines": ["a", "bb", ""], "messages": ["multi\nline", "", "ü"],
                 "raw": b"\x00\x01", "cut": b"abc", "end": None}


def test_send_line_refuses_a_newline():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        try:
            send_line(writer, "two\nlines")
        except ValueError as exc:
            return {"error": str(exc)}

    async def bob(context):
        await context.accept_stream("Alice")

    (a,), _ = run_pair(alice, bob)
    assert "send_message" in a["error"]


def test_generator_programs_use_streams_with_yield_from():
    def alice(context):
        reader, writer = yield from context.open_stream("Bob")
        send_line(writer, "hello")
        reply = yield from recv_line(reader)
        yield netqsim.sleep(3)  # a plain yield works in programs
        yield from netqsim.sleep(4)
        return {"reply": reply, "t": context.now}

    def bob(context):
        reader, writer = yield from context.accept_stream("Alice")
        line = yield from reader.readline()
        writer.write(line.upper())

    (a,), _ = run_pair(alice, bob)
    assert a == {"reply": "HELLO", "t": 2 * DELAY + 7}


def test_opening_a_stream_without_a_classical_link_names_the_fix():
    config = network()
    config.clinks = [config.clinks[0]]

    async def alice(context):
        context.open_stream("Charlie")

    with pytest.raises(ProcessError) as info:
        run_pair(alice, lambda context: None, config=config)
    assert isinstance(info.value.exception, (NoClassicalLink, ValueError))
    assert "Charlie" in str(info.value)


def test_a_read_nobody_answers_is_named_in_the_deadlock_report():
    async def alice(context):
        reader, _writer = await context.open_stream("Bob")
        await reader.readline()

    async def bob(context):
        await context.accept_stream("Alice")

    with pytest.raises(netqsim.kernel.DeadlockError) as info:
        run_pair(alice, bob)
    assert "stream Alice->Bob #0" in str(info.value)


def test_a_read_can_be_awaited_once_like_a_coroutine():
    alice = writes(b"x")

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        op = reader.read()
        first = await op
        try:
            await op
        except RuntimeError as exc:
            return {"first": first, "error": str(exc)}

    _, (b,) = run_pair(alice, bob)
    assert b["first"] == b"x" and "cannot reuse already awaited" in b["error"]
