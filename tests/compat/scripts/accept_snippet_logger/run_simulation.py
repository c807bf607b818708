# Newer SquidASM examples log through netsquid-driver's SnippetLogManager, also
# reached as squidasm.sim.stack.common.SnippetLogManager.
import logging

import netsquid as ns
from netsquid_driver.logger import SnippetLogManager as DriverLogManager
from netsquid_netbuilder.util.network_generation import create_simple_network
from squidasm.run.stack.run import run
from squidasm.sim.stack.common import LogManager, SnippetLogManager
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class SenderProgram(Program):
    def __init__(self):
        self.logger = SnippetLogManager.get_logger(self.__class__.__name__)

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="sender", csockets=["Receiver"], epr_sockets=[], max_qubits=1)

    def run(self, context: ProgramContext):
        self.logger.info("sending a greeting")
        context.csockets["Receiver"].send("hello")
        yield from context.connection.flush()
        return {}


class ReceiverProgram(Program):
    def __init__(self):
        self.logger = DriverLogManager.get_logger("ReceiverProgram")

    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="receiver", csockets=["Sender"], epr_sockets=[], max_qubits=1)

    def run(self, context: ProgramContext):
        message = yield from context.csockets["Sender"].recv()
        self.logger.info(f"received {message!r} at {ns.sim_time()} ns")
        return {"message": message}


if __name__ == "__main__":
    print("one manager:", DriverLogManager is SnippetLogManager)
    print("same tree:", SnippetLogManager.get_logger().name == LogManager.get_stack_logger().name)
    SnippetLogManager.set_log_level(logging.INFO)
    print("level:", logging.getLevelName(LogManager.get_log_level()))
    cfg = create_simple_network(node_names=["Sender", "Receiver"], clink_delay=1500.0)
    _, receiver = run(cfg, {"Sender": SenderProgram(), "Receiver": ReceiverProgram()}, 1)
    print("message:", receiver[0]["message"])
