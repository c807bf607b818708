# Teleportation with SquidASM's routines, checked with get_qubit_state.
import math

import netsquid as ns
from netqasm.sdk import Qubit
from netqasm.sdk.toolbox.state_prep import set_qubit_state
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network, get_qubit_state, get_reference_state
from squidasm.util.routines import teleport_recv, teleport_send

PHI, THETA = math.pi / 2, math.pi / 3


class Sender(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="sender", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=2)

    def run(self, context: ProgramContext):
        q = Qubit(context.connection)
        set_qubit_state(q, PHI, THETA)
        yield from teleport_send(q, context, peer_name="Bob")
        return {}


class Receiver(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="receiver", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=2)

    def run(self, context: ProgramContext):
        q = yield from teleport_recv(context, peer_name="Alice")
        state = get_qubit_state(q, "Bob")
        ref = get_reference_state(PHI, THETA)
        q.free()
        yield from context.connection.flush()
        return {"fidelity": float(abs((ref @ state).trace()))}


if __name__ == "__main__":
    ns.set_random_state(seed=1)
    cfg = create_two_node_network(node_names=["Alice", "Bob"], clink_delay=500)
    _, bob = run(config=cfg, programs={"Alice": Sender(), "Bob": Receiver()}, num_times=5)
    print("fidelities:", ", ".join(f"{r['fidelity']:.6f}" for r in bob))
