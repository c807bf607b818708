# SquidASM's LogManager: stack logs and a program's own logger, to stderr and a file.
# Arguments: LOG_FILE [LEVEL]
import sys

import netsquid as ns
from netqasm.sdk.qubit import Qubit
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.common import LogManager
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class AliceProgram(Program):
    def __init__(self):
        self.logger = LogManager.get_stack_logger("Program Alice")

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="alice", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=2)

    def run(self, context: ProgramContext):
        conn = context.connection
        self.logger.info("start")
        q = Qubit(conn)
        q.H()
        m = q.measure()
        yield from conn.flush()
        self.logger.info(f"local outcome {m}")
        epr = context.epr_sockets["Bob"].create_keep()[0]
        e = epr.measure()
        yield from conn.flush()
        self.logger.info(f"epr outcome {e} at {ns.sim_time()}")
        return {"m": int(m), "e": int(e)}


class BobProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="bob", csockets=["Alice"], epr_sockets=["Alice"], max_qubits=1)

    def run(self, context: ProgramContext):
        epr = context.epr_sockets["Alice"].recv_keep()[0]
        e = epr.measure()
        yield from context.connection.flush()
        return {"e": int(e)}


if __name__ == "__main__":
    print("level before:", LogManager.get_log_level())
    LogManager.set_log_level(sys.argv[2] if len(sys.argv) > 2 else "INFO")
    print("level after:", LogManager.get_log_level())
    LogManager.log_to_file(sys.argv[1])
    ns.set_random_state(seed=7)
    cfg = StackNetworkConfig.from_file("config.yaml")
    alice, bob = run(config=cfg, programs={"Alice": AliceProgram(), "Bob": BobProgram()},
                     num_times=1)
    print("equal:", alice[0]["e"] == bob[0]["e"])
