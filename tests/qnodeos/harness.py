"""A node controller driven with hand-built message bytes, for wire-level tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netqasm.backend.messages import (
    InitNewAppMessage,
    StopAppMessage,
    SubroutineMessage,
)
from netqasm.lang.instr.flavour import NVFlavour, VanillaFlavour
from netqasm.lang.parsing import parse_text_subroutine

from netqsim.config import GenericQDeviceConfig, NVQDeviceConfig
from netqsim.hardware import build_processor
from netqsim.kernel import Channel, Simulator
from netqsim.qnodeos import NodeController
from netqsim.qnodeos.wire import decode_return_message
from netqsim.quantum import QuantumEngine


@dataclass
class Harness:
    """One controller; ``send`` puts bytes in, ``replies`` collects (time, message)."""

    sim: Simulator
    controller: NodeController
    inbox: Channel
    replies: list[tuple[float, Any]] = field(default_factory=list)
    raw_replies: list[bytes] = field(default_factory=list)

    def send(self, message: Any) -> None:
        self.inbox.send(message if isinstance(message, bytes) else bytes(message))

    def run(self) -> list[tuple[float, Any]]:
        self.sim.run()
        return self.replies

    def kinds(self) -> list[str]:
        return [type(m).__name__ for _, m in self.replies]


def make_harness(
    device: str = "generic", cfg: Any = None, latency: float = 0.0, instr_time: float = 0.0,
    seed: int = 1,
) -> Harness:
    sim = Simulator(seed=seed)
    engine = QuantumEngine("dm", rng=sim.rng_stream("quantum"))
    if cfg is None:
        cfg = (
            GenericQDeviceConfig.perfect_config(num_qubits=3, T1=0, T2=0)
            if device == "generic"
            else NVQDeviceConfig.perfect_config(num_qubits=3)
        )
    processor = build_processor(sim, engine, device, cfg, "Alice")
    inbox = Channel(sim, latency, name="host->qnodeos")
    outbox = Channel(sim, latency, name="qnodeos->host")
    flavour = NVFlavour() if device == "nv" else VanillaFlavour()
    controller = NodeController(
        "Alice", 0, sim, processor, inbox, outbox, instr_proc_time=instr_time, flavour=flavour
    )
    harness = Harness(sim, controller, inbox)

    def collect():
        while True:
            raw = yield outbox.recv()
            harness.raw_replies.append(raw)
            harness.replies.append((sim.now, decode_return_message(raw)))

    sim.process(collect(), daemon=True)
    return harness


def subroutine(body: str, app_id: int = 0, flavour: Any = None) -> SubroutineMessage:
    """A SubroutineMessage from NetQASM text (without the header lines)."""
    text = f"# NETQASM 1.0\n# APPID {app_id}\n{body}"
    return SubroutineMessage(parse_text_subroutine(text, flavour=flavour))


def start_app(harness: Harness, app_id: int = 0, max_qubits: int = 3) -> None:
    harness.send(InitNewAppMessage(app_id=app_id, max_qubits=max_qubits))


def stop_app(harness: Harness, app_id: int = 0) -> None:
    harness.send(StopAppMessage(app_id=app_id))
