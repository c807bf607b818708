# A SquidASM-style script whose YAML carries keys SquidASM ignores; it must run as on SquidASM.
from collections.abc import Generator
from typing import Any

import netsquid as ns
from pydynaa import EventExpression
from squidasm.run.stack.config import StackNetworkConfig
from squidasm.run.stack.run import run
from squidasm.sim.stack.program import Program, ProgramContext, ProgramMeta


class AliceProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="alice", csockets=[], epr_sockets=["Bob"], max_qubits=1)

    def run(self, context: ProgramContext) -> Generator[EventExpression, None, dict[str, Any]]:
        m = context.epr_sockets["Bob"].create_keep()[0].measure()
        yield from context.connection.flush()
        return {"m": int(m), "t": ns.sim_time()}


class BobProgram(Program):
    @property
    def meta(self) -> ProgramMeta:
        return ProgramMeta(name="bob", csockets=[], epr_sockets=["Alice"], max_qubits=1)

    def run(self, context: ProgramContext) -> Generator[EventExpression, None, dict[str, Any]]:
        m = context.epr_sockets["Alice"].recv_keep()[0].measure()
        yield from context.connection.flush()
        return {"m": int(m), "t": ns.sim_time()}


def simulate(cfg: StackNetworkConfig) -> tuple[int, list[float]]:
    ns.set_random_state(seed=7)
    alice, bob = run(config=cfg, programs={"Alice": AliceProgram(), "Bob": BobProgram()},
                     num_times=10)
    equal = sum(a["m"] == b["m"] for a, b in zip(alice, bob, strict=True))
    return equal, [r["t"] for r in alice + bob]


if __name__ == "__main__":
    cfg = StackNetworkConfig.from_file("config.yaml")
    print("alice measure_time:", cfg.stacks[0].qdevice_cfg.measure_time)
    print("bob electron_T1:", cfg.stacks[1].qdevice_cfg.electron_T1)
    print("bob host_qnos_latency:", cfg.stacks[1].host_qnos_latency)
    print("bob instr_latency:", cfg.stacks[1].instr_latency)
    print("link state delay:", cfg.links[0].cfg.state_delay_ns())
    equal, times = simulate(cfg)
    clean_equal, clean_times = simulate(StackNetworkConfig.from_file("config_clean.yaml"))
    print(f"equal outcomes: {equal}/10")
    print("same timing as without the ignored keys:", times == clean_times, equal == clean_equal)
