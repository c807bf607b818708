# A SquidASM-style local program: two qubits, gates, measurements.
import netsquid as ns
from netqasm.sdk import Qubit
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class LocalProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="local", csockets=[], epr_sockets=[], max_qubits=2)

    def run(self, context: ProgramContext):
        conn = context.connection
        a = Qubit(conn)
        b = Qubit(conn)
        a.X()
        a.cnot(b)  # |11>
        ma = a.measure()
        mb = b.measure()
        yield from conn.flush()
        coin = Qubit(conn)  # fits again: both qubits were measured and freed
        coin.H()
        mc = coin.measure()
        yield from conn.flush()
        return {"a": int(ma), "b": int(mb), "coin": int(mc)}


if __name__ == "__main__":
    ns.set_random_state(seed=7)
    cfg = StackNetworkConfig.from_file("config.yaml")
    results = run(config=cfg, programs={"Alice": LocalProgram()}, num_times=10)
    alice = results[0]
    print("a,b:", sorted({(r["a"], r["b"]) for r in alice}))
    print("coins:", "".join(str(r["coin"]) for r in alice))
