# Hand-written NetQASM committed with commit_protosubroutine, as SquidASM's
# link-layer examples do. The create arguments use the 20-entry array layout of
# NetQASM files written for older netqasm versions; only the request type
# (create and keep) and the number of pairs are set, the rest is undefined.
import netsquid as ns
from netqasm.lang.parsing.text import parse_text_protosubroutine
from squidasm.run.stack.config import (
    GenericQDeviceConfig,
    LinkConfig,
    StackConfig,
    StackNetworkConfig,
)
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta

NUM_PAIRS = 4

CREATOR = f"""
# NETQASM 1.0
# APPID 0
array {NUM_PAIRS} @0
array 20 @1
array {NUM_PAIRS * 10} @2
array {NUM_PAIRS} @3
store 0 @1[0]
store {NUM_PAIRS} @1[1]
set R0 0
IDS:
beq R0 {NUM_PAIRS} IDS_DONE
store 0 @0[R0]
add R0 R0 1
jmp IDS
IDS_DONE:
create_epr(1,0) 0 1 2
set R0 0
set R1 0
set R2 10
PAIRS:
beq R0 {NUM_PAIRS} PAIRS_DONE
wait_all @2[R1:R2]
set Q0 0
h Q0
meas Q0 M0
qfree Q0
store M0 @3[R0]
add R0 R0 1
add R1 R1 10
add R2 R2 10
jmp PAIRS
PAIRS_DONE:
ret_arr @3
"""

RECEIVER = CREATOR.replace("create_epr(1,0) 0 1 2", "recv_epr(0,0) 0 2")


class RawProgram(Program):
    def __init__(self, peer: str, text: str):
        self._peer = peer
        self._subroutine = parse_text_protosubroutine(text)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="raw", csockets=[], epr_sockets=[self._peer], max_qubits=1)

    def run(self, context: ProgramContext):
        yield from context.connection.commit_protosubroutine(self._subroutine)
        return {"outcomes": context.connection.shared_memory.get_array(3)}


if __name__ == "__main__":
    ns.set_random_state(seed=11)
    device = GenericQDeviceConfig.perfect_config()
    cfg = StackNetworkConfig(
        stacks=[StackConfig(name=n, qdevice_typ="generic", qdevice_cfg=device)
                for n in ("Alice", "Bob")],
        links=[LinkConfig(stack1="Alice", stack2="Bob", typ="perfect")],
    )
    alice, bob = run(cfg, {"Alice": RawProgram("Bob", CREATOR),
                           "Bob": RawProgram("Alice", RECEIVER)}, num_times=3)
    for a, b in zip(alice, bob, strict=True):
        print("alice", a["outcomes"], "bob", b["outcomes"])
