# Entanglement-based QKD with SquidASM's QKDRoutine on a depolarising link.
import netsquid as ns
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network
from squidasm.util.qkd_routine import QKDRoutine


class QKDProgram(Program):
    def __init__(self, peer: str, is_init: bool):
        self.peer, self.is_init = peer, is_init

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="qkd", csockets=[self.peer], epr_sockets=[self.peer],
                           max_qubits=1)

    def run(self, context: ProgramContext):
        key, error_rate = yield from QKDRoutine.run(context, self.peer, self.is_init,
                                                    num_epr=400, num_test_bits=100)
        return {"key": key, "error_rate": error_rate}


if __name__ == "__main__":
    ns.set_random_state(seed=21)
    cfg = create_two_node_network(node_names=["Alice", "Bob"], link_noise=0.2, clink_delay=10)
    alice, bob = run(config=cfg, programs={"Alice": QKDProgram("Bob", True),
                                           "Bob": QKDProgram("Alice", False)}, num_times=5)
    for a, b in zip(alice, bob, strict=True):
        assert a["error_rate"] == b["error_rate"]
        differ = sum(x != y for x, y in zip(a["key"], b["key"], strict=True))
        print(f"key length {len(a['key'])}, error rate {a['error_rate']:.2f}, "
              f"key bits that differ {differ}")
    print(f"mean error rate: {sum(a['error_rate'] for a in alice) / len(alice):.4f}")
