# NetSquid's clock: ns.sim_time() inside programs, after the run, and after sim_reset.
import netsquid as ns
from netsquid.util.simtools import sim_time
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta
from squidasm.util import create_two_node_network


class Ping(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="ping", csockets=["Bob"])

    def run(self, context: ProgramContext):
        print(f"{ns.sim_time()} ns: Alice sends")
        context.csockets["Bob"].send("ping")
        reply = yield from context.csockets["Bob"].recv()
        print(f"{sim_time()} ns: Alice receives {reply}")
        return {}


class Pong(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="pong", csockets=["Alice"])

    def run(self, context: ProgramContext):
        msg = yield from context.csockets["Alice"].recv()
        print(f"{ns.sim_time()} ns: Bob receives {msg}")
        context.csockets["Alice"].send("pong")
        return {}


if __name__ == "__main__":
    print(f"before: {ns.sim_time()}")
    cfg = create_two_node_network(clink_delay=250)
    run(config=cfg, programs={"Alice": Ping(), "Bob": Pong()}, num_times=2)
    print(f"after: {ns.sim_time()}")
    ns.sim_reset()
    print(f"reset: {ns.sim_time()}")
