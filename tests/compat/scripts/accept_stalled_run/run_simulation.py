# One side stops early (as in SquidASM's logging tutorial when a noisy "continue"
# bit is decoded wrongly): SquidASM's run() then returns what finished.
import netsquid as ns
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network


class AskingProgram(Program):
    """Sends ``rounds`` questions, waiting for each answer."""

    def __init__(self, rounds: int):
        self.rounds = rounds

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="asking", csockets=["Bob"], epr_sockets=[], max_qubits=1)

    def run(self, context: ProgramContext):
        csocket = context.csockets["Bob"]
        answers = []
        for i in range(self.rounds):
            csocket.send(f"question {i}")
            answers.append((yield from csocket.recv()))
        return {"answers": answers}


class AnsweringProgram(Program):
    """Answers ``rounds`` questions, then stops."""

    def __init__(self, rounds: int):
        self.rounds = rounds

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="answering", csockets=["Alice"], epr_sockets=[], max_qubits=1)

    def run(self, context: ProgramContext):
        csocket = context.csockets["Alice"]
        for _ in range(self.rounds):
            question = yield from csocket.recv()
            csocket.send(f"answer to {question}")
        return {"answered at": ns.sim_time()}


if __name__ == "__main__":
    cfg = create_two_node_network(clink_delay=1000.0)
    alice, bob = run(cfg, {"Alice": AskingProgram(3), "Bob": AnsweringProgram(2)}, num_times=1)
    print("stalled run:", alice, bob)
    alice, bob = run(cfg, {"Alice": AskingProgram(2), "Bob": AnsweringProgram(2)}, num_times=1)
    print("next run:", alice[0]["answers"], bob)
