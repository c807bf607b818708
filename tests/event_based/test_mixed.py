"""Async and generator programs on one network, talking to each other, with quantum handlers."""

from netqasm.sdk.qubit import Qubit
from tests.event_based.helpers import DELAY, network, run_pair

import netqsim
from netqsim import StateMachine
from netqsim.config import GenericQDeviceConfig
from netqsim.host.framing import recv_line, send_line

WAIT, DONE = "WAIT", "DONE"


def test_an_async_state_machine_and_a_generator_loop_share_epr_pairs():
    async def alice(context):  # async, with the StateMachine helper
        reader, writer = await context.open_stream("Bob")
        bits = []

        async def on_ready(message):
            qubit = context.epr_sockets["Bob"].create_keep()[0]
            outcome = qubit.measure()
            await context.connection.flush()
            bits.append(int(outcome))
            send_line(writer, "measured")
            return DONE

        send_line(writer, "pair?")
        await StateMachine(WAIT, {(WAIT, "ready"): on_ready}, final=DONE).run(reader)
        writer.close()
        return {"bit": bits[0]}

    def bob(context):  # a generator program with a hand-written loop
        reader, writer = yield from context.accept_stream("Alice")
        bit = None
        while True:
            message = yield from recv_line(reader)
            if message is None:
                break
            if message == "pair?":
                send_line(writer, "ready")
                qubit = context.epr_sockets["Alice"].recv_keep()[0]
                outcome = qubit.measure()
                yield from context.connection.flush()
                bit = int(outcome)
        writer.close()
        return {"bit": bit}

    alice_results, bob_results = run_pair(alice, bob, epr=True, num_times=20)
    bits = [(a["bit"], b["bit"]) for a, b in zip(alice_results, bob_results, strict=True)]
    assert all(x == y for x, y in bits)
    assert {x for x, _ in bits} == {0, 1}  # 20 runs: all equal has probability 2^-19


def test_other_nodes_keep_running_while_a_handler_awaits_its_quantum_work():
    # Alice's handler runs a slow local circuit (100 gates of 1 us); Bob keeps
    # sending a tick every 10 us meanwhile, and gets Alice's answers.
    slow = GenericQDeviceConfig.perfect_config(num_qubits=2, T1=0, T2=0, init_time=0,
                                               single_qubit_gate_time=1000, measure_time=0)
    config = network()
    config.stacks[0].qdevice_cfg = slow

    async def alice(context):
        reader, writer = await context.open_stream("Bob")
        line = await recv_line(reader)
        start = context.now
        qubit = Qubit(context.connection)
        for _ in range(100):
            qubit.X()
        outcome = qubit.measure()
        await context.connection.flush()
        end = context.now
        send_line(writer, f"done {int(outcome)}")
        writer.close()
        return {"first": line, "start": start, "end": end}

    def bob(context):
        reader, writer = yield from context.accept_stream("Alice")
        ticks = []
        for i in range(5):
            send_line(writer, f"tick {i}")
            ticks.append(context.now)
            yield from netqsim.sleep(10_000)
        reply = yield from recv_line(reader)
        return {"ticks": ticks, "reply": reply}

    (a,), (b,) = run_pair(alice, bob, config=config)
    assert a["end"] - a["start"] >= 100 * 1000  # the circuit took 100 us of simulated time
    assert all(a["start"] < t < a["end"] for t in b["ticks"][1:])  # Bob ran meanwhile
    assert b["reply"] == "done 0"
    assert a["first"] == "tick 0" and a["start"] == b["ticks"][0] + DELAY
