# A SquidASM-style EPR program: Alice creates, Bob receives, both measure.
from collections.abc import Generator
from typing import Any

import netsquid as ns
from pydynaa import EventExpression
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class AliceProgram(Program):
    PEER = "Bob"

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="alice", csockets=[self.PEER], epr_sockets=[self.PEER],
                           max_qubits=1)

    def run(self, context: ProgramContext) -> Generator[EventExpression, None, dict[str, Any]]:
        epr = context.epr_sockets[self.PEER].create_keep()[0]
        epr.H()
        m = epr.measure()
        yield from context.connection.flush()
        context.csockets[self.PEER].send("measured")
        return {"m": int(m)}


class BobProgram(Program):
    PEER = "Alice"

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="bob", csockets=[self.PEER], epr_sockets=[self.PEER],
                           max_qubits=1)

    def run(self, context: ProgramContext) -> Generator[EventExpression, None, dict[str, Any]]:
        epr = context.epr_sockets[self.PEER].recv_keep()[0]
        epr.H()
        m = epr.measure()
        yield from context.connection.flush()
        note = yield from context.csockets[self.PEER].recv()
        return {"m": int(m), "note": note}


if __name__ == "__main__":
    ns.set_random_state(seed=2024)
    cfg = StackNetworkConfig.from_file("config.yaml")
    alice, bob = run(config=cfg, programs={"Alice": AliceProgram(), "Bob": BobProgram()},
                     num_times=20)
    equal = sum(a["m"] == b["m"] for a, b in zip(alice, bob, strict=True))
    print(f"runs: {len(alice)}, equal outcomes: {equal}")
    print("alice:", "".join(str(r["m"]) for r in alice))
    print("notes:", sorted({r["note"] for r in bob}))
