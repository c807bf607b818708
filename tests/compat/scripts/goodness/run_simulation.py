# A SquidASM-style script that prints the generation duration of every EPR pair.
from collections.abc import Generator
from typing import Any

from pydynaa import EventExpression
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class PairsProgram(Program):
    def __init__(self, peer: str, create: bool) -> None:
        self.peer = peer
        self.create = create

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="pairs", epr_sockets=[self.peer], max_qubits=3)

    def run(self, context: ProgramContext) -> Generator[EventExpression, None, dict[str, Any]]:
        epr_socket = context.epr_sockets[self.peer]
        if self.create:
            qubits, kept = epr_socket.create_keep_with_info(number=3)
        else:
            qubits, kept = epr_socket.recv_keep_with_info(number=3)
        for qubit in qubits:
            qubit.free()
        yield from context.connection.flush()
        if self.create:
            measured = epr_socket.create_measure(number=2)
        else:
            measured = epr_socket.recv_measure(number=2)
        yield from context.connection.flush()
        return {
            "keep": [int(result.generation_duration) for result in kept],
            "measure": [int(result.generation_duration) for result in measured],
        }


if __name__ == "__main__":
    cfg = StackNetworkConfig.from_file("config.yaml")
    alice, bob = run(config=cfg, programs={"Alice": PairsProgram("Bob", True),
                                           "Bob": PairsProgram("Alice", False)}, num_times=2)
    for name, results in (("Alice", alice), ("Bob", bob)):
        for result in results:
            print(f"{name} keep {result['keep']} measure {result['measure']}")
