# Hand-written NetQASM subroutines, committed as SquidASM's advanced examples
# commit them: parsed once at import, committed in every iteration, results read
# with shared_memory.get_array.
import os

import netsquid as ns
from netqasm.lang.parsing.text import parse_text_protosubroutine
from netqasm.sdk import Qubit
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network


def load(name: str):
    with open(os.path.join(os.path.dirname(__file__), name)) as f:
        return parse_text_protosubroutine(f.read())


CREATE = load("create.nqasm")
RECEIVE = load("receive.nqasm")
#: position of the Bell state in a create-and-keep result (netqasm's LinkLayerOKTypeK)
BELL_STATE = 9


class CreatorProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="creator", epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: ProgramContext):
        connection = context.connection
        yield from connection.commit_protosubroutine(CREATE)
        outcome = connection.shared_memory.get_array(0)[0]
        bell = connection.shared_memory.get_array_value(3, BELL_STATE)
        # the SDK and hand-written subroutines mix on one connection
        q = Qubit(connection)
        q.X()
        flipped = q.measure()
        yield from connection.flush()
        return {"outcome": outcome, "bell": bell, "flipped": int(flipped)}


class ReceiverProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="receiver", epr_sockets=["Alice"], max_qubits=1)

    def run(self, context: ProgramContext):
        # SquidASM's older examples hand the parsed text to commit_subroutine
        yield from context.connection.commit_subroutine(RECEIVE)
        return {"outcome": context.connection.shared_memory.get_array(0)[0]}


if __name__ == "__main__":
    ns.set_random_state(seed=11)
    cfg = create_two_node_network(node_names=["Alice", "Bob"], clink_delay=1000)
    alice, bob = run(config=cfg, programs={"Alice": CreatorProgram(), "Bob": ReceiverProgram()},
                     num_times=8)
    print("alice:", "".join(str(a["outcome"]) for a in alice))
    print("bob:  ", "".join(str(b["outcome"]) for b in bob))
    print("bell states:", sorted({a["bell"] for a in alice}))
    print("flipped:", sorted({a["flipped"] for a in alice}))
    unchanged = str(CREATE) == str(load("create.nqasm"))
    print(f"create.nqasm parsed once, committed {len(alice)} times, unchanged: {unchanged}")
