"""Netbuilder-style config (file and objects) through SquidASM's run; prints times and outcomes."""
import netsquid as ns
from netsquid_netbuilder.base_configs import (
    CLinkConfig,
    LinkConfig,
    NetworkConfig,
    ProcessingNodeConfig,
)
from netsquid_netbuilder.modules.qdevices.generic import GenericQDeviceConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class Creator(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="creator", csockets=["Bob"], epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: ProgramContext):
        qubit = context.epr_sockets["Bob"].create_keep()[0]
        outcome = qubit.measure()
        yield from context.connection.flush()
        context.csockets["Bob"].send("done")
        return int(outcome)


class Receiver(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="receiver", csockets=["Alice"], epr_sockets=["Alice"],
                           max_qubits=1)

    def run(self, context: ProgramContext):
        qubit = context.epr_sockets["Alice"].recv_keep()[0]
        outcome = qubit.measure()
        yield from context.connection.flush()
        message = yield from context.csockets["Alice"].recv()
        return (int(outcome), message, ns.sim_time())


ns.set_random_state(seed=5)
from_file = NetworkConfig.from_file("network.yaml")
print("nodes:", [node.name for node in from_file.processing_nodes],
      "link:", from_file.links[0].node1, from_file.links[0].node2)
alice, bob = run(from_file, {"Alice": Creator(), "Bob": Receiver()}, num_times=3)
print("equal:", [a == b[0] for a, b in zip(alice, bob, strict=True)], "bob:", [b[1:] for b in bob])

nodes = [ProcessingNodeConfig(name=name, qdevice_typ="generic",
                              qdevice_cfg=GenericQDeviceConfig.perfect_config())
         for name in ("Alice", "Bob")]
built = NetworkConfig(processing_nodes=nodes, links=[LinkConfig.perfect_config("Alice", "Bob")],
                      clinks=[CLinkConfig.perfect_config("Alice", "Bob")])
alice, bob = run(built, {"Alice": Creator(), "Bob": Receiver()}, num_times=2)
print("built equal:", [a == b[0] for a, b in zip(alice, bob, strict=True)])
