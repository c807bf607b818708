"""Small programs shared by the runtime tests."""

from __future__ import annotations

from netqasm.sdk.qubit import Qubit

from netqsim import Program, ProgramMeta


class BellLocal(Program):
    """H + CNOT on two local qubits, both measured."""

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="bell_local", max_qubits=2)

    def run(self, context):
        conn = context.connection
        q0, q1 = Qubit(conn), Qubit(conn)
        q0.H()
        q0.cnot(q1)
        m0, m1 = q0.measure(), q1.measure()
        yield from conn.flush()
        return {"m0": int(m0), "m1": int(m1), "end": context.now}


class Sender(Program):
    """Sends ``messages`` to ``peer`` (string, int, float), one per ``gap`` ns."""

    def __init__(self, peer: str, messages, gap: float = 0.0):
        self.peer, self.messages, self.gap = peer, list(messages), gap

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="sender", csockets=[self.peer])

    def run(self, context):
        socket = context.csockets[self.peer]
        sent = []
        for message in self.messages:
            if isinstance(message, str):
                socket.send(message)
            elif isinstance(message, int):
                socket.send_int(message)
            else:
                socket.send_float(message)
            sent.append(context.now)
            if self.gap:
                yield context.sim.timeout(self.gap)
        return {"sent_at": sent}


class Receiver(Program):
    """Receives ``kinds`` (\"str\", \"int\", \"float\") from ``peer``, noting arrival times."""

    def __init__(self, peer: str, kinds):
        self.peer, self.kinds = peer, list(kinds)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="receiver", csockets=[self.peer])

    def run(self, context):
        socket = context.csockets[self.peer]
        got = []
        for kind in self.kinds:
            recv = {"str": socket.recv, "int": socket.recv_int, "float": socket.recv_float}[kind]
            value = yield from recv()
            got.append((context.now, value))
        return {"got": got}
