# SquidASM's max_qubits is a hint, not a cap: these programs declare fewer
# qubits than they use, as SquidASM's first tutorial and many user programs do.
#   python run_simulation.py            tutorial and magic-square style rounds
#   python run_simulation.py --small N  the same on devices of N qubits
import sys

import netsquid as ns
from netqasm.sdk import Qubit
from netqasm.sdk.toolbox.measurements import parity_meas
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class AliceProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="tutorial", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: ProgramContext):
        connection = context.connection
        epr = context.epr_sockets["Bob"].create_keep()[0]
        epr.H()
        m_epr = epr.measure()
        yield from connection.flush()
        # two local qubits although max_qubits=1
        q0, q1 = Qubit(connection), Qubit(connection)
        q0.X()
        q0.cnot(q1)
        r0, r1 = q0.measure(), q1.measure()
        yield from connection.flush()
        return {"epr": int(m_epr), "local": (int(r0), int(r1))}


class BobProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="tutorial", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=1)

    def run(self, context: ProgramContext):
        connection = context.connection
        epr = context.epr_sockets["Alice"].recv_keep()[0]
        epr.H()
        m_epr = epr.measure()
        yield from connection.flush()
        return {"epr": int(m_epr)}


class ParityProgram(Program):
    """Magic-square style: two pairs and the parity of an observable, with an ancilla."""

    def __init__(self, peer: str, create: bool, observable: str) -> None:
        self.peer, self.create, self.observable = peer, create, observable

    @property
    def meta(self) -> ProgramMeta:
        # two pairs, so max_qubits=2; parity_meas needs a third qubit
        return ProgramMeta(name="parity", epr_sockets=[self.peer], max_qubits=2)

    def run(self, context: ProgramContext):
        socket = context.epr_sockets[self.peer]
        pairs = socket.create_keep(number=2) if self.create else socket.recv_keep(number=2)
        yield from context.connection.flush()
        parity = parity_meas(pairs, self.observable)
        yield from context.connection.flush()
        return int(parity)


if __name__ == "__main__":
    ns.set_random_state(seed=7)
    cfg = StackNetworkConfig.from_file("config.yaml")
    if sys.argv[1:2] == ["--small"]:
        for stack in cfg.stacks:
            stack.qdevice_cfg.num_qubits = int(sys.argv[2])
    alice, bob = run(config=cfg, programs={"Alice": AliceProgram(), "Bob": BobProgram()},
                     num_times=10)
    print("epr equal:", sum(a["epr"] == b["epr"] for a, b in zip(alice, bob, strict=True)))
    print("local:", sorted({a["local"] for a in alice}))
    alice, bob = run(config=cfg, programs={"Alice": ParityProgram("Bob", True, "XX"),
                                           "Bob": ParityProgram("Alice", False, "XX")},
                     num_times=10)
    # Phi+ (x) Phi+: XX on Alice's halves equals XX on Bob's
    print("XX parities:", "".join(map(str, alice)), "".join(map(str, bob)))
