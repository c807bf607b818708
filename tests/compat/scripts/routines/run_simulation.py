# Numbers on sockets and remote state preparation with SquidASM's routines.
import math

import netsquid as ns
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network, get_qubit_state, get_reference_state
from squidasm.util.routines import (
    recv_float,
    recv_int,
    recv_remote_state_preparation,
    remote_state_preparation,
    send_float,
    send_int,
)

THETA = math.pi / 4


class Client(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="client", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: ProgramContext):
        csocket = context.csockets["Bob"]
        send_int(csocket, 42)
        send_float(csocket, 0.1 + 0.2)
        m = remote_state_preparation(context.epr_sockets["Bob"], THETA)
        yield from context.connection.flush()
        send_int(csocket, int(m))
        echo = yield from recv_float(csocket)
        return {"m": int(m), "echo": echo}


class Server(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="server", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=1)

    def run(self, context: ProgramContext):
        csocket = context.csockets["Alice"]
        number = yield from recv_int(csocket)
        value = yield from recv_float(csocket)
        q = recv_remote_state_preparation(context.epr_sockets["Alice"])
        yield from context.connection.flush()
        m = yield from recv_int(csocket)
        state = get_qubit_state(q, "Bob")
        ref = get_reference_state(THETA + m * math.pi, math.pi / 2)
        send_float(csocket, value * 2)
        return {"number": number, "value": value,
                "fidelity": float(abs((ref @ state).trace()))}


if __name__ == "__main__":
    ns.set_random_state(seed=3)
    cfg = create_two_node_network(node_names=["Alice", "Bob"], clink_delay=100)
    alice, bob = run(config=cfg, programs={"Alice": Client(), "Bob": Server()}, num_times=8)
    print("received:", bob[0]["number"], repr(bob[0]["value"]), "echo:", repr(alice[0]["echo"]))
    print("m:", "".join(str(r["m"]) for r in alice))
    print("fidelities:", ", ".join(f"{r['fidelity']:.6f}" for r in bob))
