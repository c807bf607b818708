"""The StateMachine helper: dispatch, unknown messages, handler errors, EOF, both program styles."""

import pytest
from tests.event_based.helpers import DELAY, run_pair

import netqsim
from netqsim import StateMachine
from netqsim.host.framing import send_line, send_message
from netqsim.host.statemachine import (
    HandlerError,
    UnexpectedEOFError,
    UnknownMessageError,
)
from netqsim.host.streams import StreamKey, StreamReader
from netqsim.kernel import Channel, Simulator

WAITING, TALKING, DONE = "WAITING", "TALKING", "DONE"


def sender(*lines, close=True):
    """Alice: open a stream, send ``lines`` (one per 10 ns), close."""

    async def alice(context):
        reader, writer = await context.open_stream("Bob")
        for line in lines:
            send_line(writer, line)
            await netqsim.sleep(10)
        if close:
            writer.close()
        return {"replies": [line async for line in reader]}

    return alice


async def hello(writer, message):
    send_line(writer, "hi")
    return TALKING


async def bye(writer, message):
    send_line(writer, "bye")
    return DONE


DISPATCH = {(WAITING, "hello"): hello, (TALKING, "bye"): bye}


def receiver(**options):
    """Bob: accept and run a machine over DISPATCH; returns its history and final state."""

    async def bob(context):
        reader, writer = await context.accept_stream("Alice")
        machine = StateMachine(WAITING, DISPATCH, final=DONE, **options)
        state = await machine.run(reader, writer)
        writer.close()
        return {"state": state,
                "history": [(t.time, t.state, t.message, t.next_state, t.handler)
                            for t in machine.history],
                "ignored": [(t.state, t.message) for t in machine.ignored]}

    return bob


def test_a_run_follows_the_dispatch_table_and_records_timed_transitions():
    (a,), (b,) = run_pair(sender("hello", "bye"), receiver())
    assert b["state"] == DONE
    assert a["replies"] == [b"hi\n", b"bye\n"]
    assert b["history"] == [
        (DELAY, WAITING, "hello", TALKING, "hello"),
        (DELAY + 10, TALKING, "bye", DONE, "bye"),
    ]


def test_an_unknown_message_is_ignored_by_default():
    (a,), (b,) = run_pair(sender("bye", "hello", "what?", "bye"), receiver())
    assert b["state"] == DONE
    assert b["ignored"] == [(WAITING, "bye"), (TALKING, "what?")]
    assert a["replies"] == [b"hi\n", b"bye\n"]


def test_unknown_raise_stops_with_an_error_naming_node_state_and_message():
    with pytest.raises(UnknownMessageError) as info:  # as docs/event-based.md promises
        run_pair(sender("hello", "what?"), receiver(unknown="raise"))
    error = info.value
    assert (error.node, error.state, error.message) == ("Bob", TALKING, "what?")
    assert "node 'Bob' got message 'what?' in state 'TALKING'" in str(error)
    assert "'bye'" in str(error)  # what it expected


def test_a_fallback_handler_handles_unknown_messages():
    async def refuse(writer, message):
        send_line(writer, f"refused {message}")
        return WAITING

    (a,), (_b,) = run_pair(sender("nope", "hello", "bye"), receiver(unknown=refuse))
    assert a["replies"] == [b"refused nope\n", b"hi\n", b"bye\n"]


def test_a_handler_that_raises_stops_the_run_with_an_error_naming_node_state_and_message():
    async def broken(writer, message):
        raise ZeroDivisionError("no quantum today")

    async def bob(context):
        reader, writer = await context.accept_stream("Alice")
        machine = StateMachine(WAITING, {(WAITING, "hello"): hello, (TALKING, "go"): broken},
                               final=DONE)
        await machine.run(reader, writer)

    with pytest.raises(HandlerError) as info:
        run_pair(sender("hello", "go", close=False), bob)
    error = info.value
    assert isinstance(error.__cause__, ZeroDivisionError)
    assert (error.node, error.state, error.message) == ("Bob", TALKING, "go")
    text = str(info.value)  # what netqsim.run shows
    for part in ("'Bob'", "state 'TALKING'", "message 'go'", "broken",
                 "ZeroDivisionError: no quantum today"):
        assert part in text


def test_a_handler_returning_none_is_an_error():
    async def forgetful(writer, message):
        send_line(writer, "oops")

    async def bob(context):
        reader, writer = await context.accept_stream("Alice")
        await StateMachine(WAITING, {(WAITING, "hello"): forgetful}, final=DONE).run(
            reader, writer)

    with pytest.raises(HandlerError, match="returned None; a handler returns the next state"):
        run_pair(sender("hello"), bob)


def test_eof_before_a_final_state_raises_and_without_final_states_stops():
    with pytest.raises(UnexpectedEOFError) as info:
        run_pair(sender("hello"), receiver())
    assert "ended in state 'TALKING'" in str(info.value)

    async def server(context):
        reader, writer = await context.accept_stream("Alice")
        machine = StateMachine(WAITING, {(WAITING, "ping"): lambda w, m: w.write(b"pong\n")
                                         or WAITING})
        state = await machine.run(reader, writer)
        writer.close()
        return {"state": state, "n": len(machine.history)}

    (a,), (b,) = run_pair(sender("ping", "ping"), server)
    assert b == {"state": WAITING, "n": 2}
    assert a["replies"] == [b"pong\n", b"pong\n"]


def test_key_function_dispatches_messages_with_arguments():
    seen = []

    async def count(writer, message):
        seen.append(int(message.split()[1]))
        return WAITING if len(seen) < 3 else DONE

    async def bob(context):
        reader, writer = await context.accept_stream("Alice")
        machine = StateMachine(WAITING, {(WAITING, "round"): count}, final=DONE,
                               key=lambda m: m.split()[0])
        state = await machine.run(reader, writer)
        writer.close()
        return {"state": state}

    run_pair(sender("round 1", "round 2", "round 3"), bob)
    assert seen == [1, 2, 3]


def test_length_framing_and_a_socket_source():
    async def alice(context):
        _reader, writer = await context.open_stream("Bob")
        send_message(writer, "hello")
        send_message(writer, "multi\nline")
        context.csockets["Bob"].send("hello")
        context.csockets["Bob"].send("bye")

    async def bob(context):
        reader, _writer = await context.accept_stream("Alice")
        got = []

        async def note(message):
            got.append(message)
            return TALKING if message == "hello" else DONE

        table = {(WAITING, "hello"): note, (TALKING, "multi\nline"): note}
        await StateMachine(WAITING, table, final=DONE).run(reader, framing="length")
        socket = context.csockets["Alice"]
        table = {(WAITING, "hello"): note, (TALKING, "bye"): note}
        await StateMachine(WAITING, table, final=DONE, node="Bob").run(lambda: socket.recv())
        return {"got": got}

    _, (b,) = run_pair(alice, bob)
    assert b["got"] == ["hello", "multi\nline", "hello", "bye"]


def test_generator_programs_run_machines_with_generator_handlers():
    def hello_gen(writer, message):
        yield from netqsim.sleep(5)
        send_line(writer, "hi")
        return TALKING

    def bob(context):
        reader, writer = yield from context.accept_stream("Alice")
        machine = StateMachine(WAITING, {(WAITING, "hello"): hello_gen, (TALKING, "bye"): bye},
                               final=DONE)
        state = yield from machine.run(reader, writer)
        writer.close()
        return {"state": state, "t": [t.time for t in machine.history]}

    (a,), (b,) = run_pair(sender("hello", "bye"), bob)
    assert b == {"state": DONE, "t": [DELAY + 5, DELAY + 10]}
    assert a["replies"] == [b"hi\n", b"bye\n"]


def test_bad_tables_are_refused_when_the_machine_is_made():
    with pytest.raises(ValueError, match="initial state 'NOWHERE' has no transitions"):
        StateMachine("NOWHERE", DISPATCH, final=DONE)
    with pytest.raises(ValueError, match="unknown must be one of"):
        StateMachine(WAITING, DISPATCH, unknown="drop")
    with pytest.raises(ValueError, match=r"\(state, message\) pairs"):
        StateMachine(WAITING, {"hello": hello})
    sim = Simulator(seed=0)
    reader = StreamReader(Channel(sim), "Bob", "Alice", StreamKey("Alice", "Bob", 0), sim)
    with pytest.raises(ValueError, match="framing must be one of"):
        StateMachine(WAITING, DISPATCH).run(reader, framing="json")
    with pytest.raises(TypeError, match="reads from a StreamReader"):
        StateMachine(WAITING, DISPATCH).run(42)
